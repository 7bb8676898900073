"""Handlers of domain events that concern customers (connected on import from apps.py)."""

from django.dispatch import receiver

from crm import events
from crm.lib.dashboard import widget_stale
from customers import services
from customers.selectors import COUNTS_TOPIC

# Phase outcomes as sent by the sales app (customers does not import sales).
WON = "won"


def _converts(phase) -> bool:
    return phase is not None and (phase.outcome == WON or phase.qualifies_lead)


@receiver(events.project_phase_changed, dispatch_uid="customers.convert_lead_on_move")
def on_project_phase_changed(sender, *, project, user, to_phase, **kwargs):
    if _converts(to_phase):
        services.customer_convert_lead(customer_id=project.customer_id, user=user, project=project)


@receiver(events.project_created, dispatch_uid="customers.convert_lead_on_create")
def on_project_created(sender, *, project, user, **kwargs):
    if _converts(project.phase):
        services.customer_convert_lead(customer_id=project.customer_id, user=user, project=project)


@receiver(
    [
        events.customer_created,
        events.customers_imported,
        events.lead_converted,
        events.customer_updated,
    ],
    dispatch_uid="customers.dashboard_counts_stale",
)
def on_customer_counts_changed(sender, **kwargs):
    widget_stale(topic=COUNTS_TOPIC)
