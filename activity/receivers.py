"""Handlers of domain events: one system entry per event, inside the sender's transaction."""

from django.dispatch import receiver

from activity import services
from crm import events


@receiver(events.customer_created, dispatch_uid="activity.customer_created")
def on_customer_created(sender, *, customer, user, **kwargs):
    services.activity_record_customer_created(customer=customer, user=user)


@receiver(events.lead_converted, dispatch_uid="activity.lead_converted")
def on_lead_converted(sender, *, customer, user, project=None, **kwargs):
    services.activity_record_lead_converted(customer=customer, user=user, project=project)


@receiver(events.project_created, dispatch_uid="activity.project_created")
def on_project_created(sender, *, project, user, **kwargs):
    services.activity_record_project_created(project=project, user=user)


@receiver(events.project_phase_changed, dispatch_uid="activity.project_phase_changed")
def on_project_phase_changed(sender, *, project, user, from_phase, to_phase, **kwargs):
    services.activity_record_phase_changed(
        project=project, user=user, from_phase=from_phase, to_phase=to_phase
    )


@receiver(events.project_owner_changed, dispatch_uid="activity.project_owner_changed")
def on_project_owner_changed(sender, *, project, user, from_owner, to_owner, **kwargs):
    services.activity_record_owner_changed(
        project=project, user=user, from_owner=from_owner, to_owner=to_owner
    )


@receiver(events.project_won, dispatch_uid="activity.project_won")
def on_project_won(sender, *, project, user, **kwargs):
    services.activity_record_won(project=project, user=user)


@receiver(events.project_lost, dispatch_uid="activity.project_lost")
def on_project_lost(sender, *, project, user, reason=None, **kwargs):
    services.activity_record_lost(project=project, user=user, reason=reason)


@receiver(events.project_reopened, dispatch_uid="activity.project_reopened")
def on_project_reopened(sender, *, project, user, **kwargs):
    services.activity_record_reopened(project=project, user=user)


@receiver(events.alternative_closed, dispatch_uid="activity.alternative_closed")
def on_alternative_closed(sender, *, project, user, group, winner, **kwargs):
    services.activity_record_alternative_closed(
        project=project, user=user, group=group, winner=winner
    )


@receiver(events.custom_fields_changed, dispatch_uid="activity.custom_fields_changed")
def on_custom_fields_changed(sender, *, entity, record, user, changes, **kwargs):
    services.activity_record_fields_changed(
        entity=entity, record=record, user=user, changes=changes
    )


@receiver(events.customer_updated, dispatch_uid="activity.customer_updated")
def on_customer_updated(sender, *, customer, changed=(), **kwargs):
    if "owner" in changed:  # the summary's coverage counts customers per owner
        services.activity_coverage_stale()


@receiver(events.customers_imported, dispatch_uid="activity.customers_imported")
def on_customers_imported(sender, *, customer_ids, user, job, contact_count=0, **kwargs):
    services.activity_record_customers_imported(
        job=job, user=user, count=len(customer_ids), contacts=contact_count
    )
