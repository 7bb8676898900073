"""Handlers of domain events that concern sales (connected on import from apps.py)."""

from django.dispatch import receiver

from crm import events
from crm.features import leads_enabled
from sales import services


@receiver(events.tenant_provisioned, dispatch_uid="sales.tenant_provisioned")
def on_tenant_provisioned(sender, *, tenant, admin_user, **kwargs):
    services.process_create_default()
    services.group_types_ensure(in_active_language=True)  # a German tenant: Teilprojekte
    if leads_enabled(tenant):
        services.process_create_default_lead()


@receiver(events.lead_converted, dispatch_uid="sales.lead_converted")
def on_lead_converted(sender, *, customer, user, project=None, **kwargs):
    if project is not None:
        services.project_create_followup(lead_project=project, user=user)
