"""Handlers of domain events that concern the map (connected on import from apps.py)."""

from django.dispatch import receiver

from crm import events
from mapview import services


@receiver(events.customer_address_changed, dispatch_uid="mapview.geocode_on_address_change")
def geocode_on_address_change(sender, *, customer, **kwargs):
    services.customer_geocode_request(customer=customer)


@receiver(events.customers_imported, dispatch_uid="mapview.geocode_imported_customers")
def geocode_imported_customers(sender, *, customer_ids, **kwargs):
    services.customers_geocode_request_many(customer_ids=customer_ids)
