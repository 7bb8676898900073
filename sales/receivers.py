"""Handlers of domain events that concern sales (connected on import from apps.py)."""

from django.dispatch import receiver

from crm import events
from sales import services


@receiver(events.tenant_provisioned)
def on_tenant_provisioned(sender, *, tenant, admin_user, **kwargs):
    services.process_create_default()
