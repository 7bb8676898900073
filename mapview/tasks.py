"""Background geocoding. The Celery app is tenant-schemas-celery's: a task queued inside a tenant
runs in that tenant's schema."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

from mapview import services
from mapview.geocoding import GeocoderTransientError, geocoder_name

log = logging.getLogger(__name__)

# A sweep leaves very fresh customers to their own task, which is probably on its way.
SWEEP_GRACE = timedelta(minutes=2)
# Nominatim allows one request per second: a sweep takes a bounded bite.
SWEEP_LIMIT_ONLINE = 200


@shared_task(
    bind=True,
    autoretry_for=(GeocoderTransientError,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
)
def geocode_customer(self, customer_id: int) -> str | None:
    """Geocode one customer of the current tenant (idempotent; retried on passing failures)."""
    try:
        return services.customer_geocode(customer_id=customer_id)
    except GeocoderTransientError:
        if self.request.is_eager:
            return "pending"  # run in-process (no broker): never hold up a request with retries
        if self.request.retries >= self.max_retries:
            services.customer_geocode_failed(customer_id=customer_id)
            return "failed"
        raise


@shared_task
def geocode_customers(customer_ids: list[int]) -> dict:
    """Geocode the given customers of the current tenant in one batch (e.g. after a CSV import)."""
    result = services.customers_geocode_batch(customer_ids=customer_ids)
    return {"schema": connection.schema_name, "total": result.total, "found": result.found}


@shared_task
def geocode_pending(limit: int | None = None) -> dict:
    """Geocode the current tenant's pending customers (those whose task never ran)."""
    from customers.models import Customer

    ids = (
        Customer.objects.filter(
            geocode_status=Customer.GeocodeStatus.PENDING,
            updated_at__lt=timezone.now() - SWEEP_GRACE,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if limit is None and geocoder_name() != "offline":
        limit = SWEEP_LIMIT_ONLINE
    ids = list(ids[:limit] if limit else ids)
    if not ids:
        return {"schema": connection.schema_name, "total": 0}
    result = services.customers_geocode_batch(customer_ids=ids)
    log.info("geocoded %s pending customers in %s", result.total, connection.schema_name)
    return {"schema": connection.schema_name, "total": result.total, "found": result.found}


@shared_task
def geocode_pending_all_tenants() -> int:
    """Periodic (beat): queue a pending sweep in every tenant, so work lost while Redis or the
    workers were down is done once they are back. Returns the number of tenants."""
    schemas = list(
        get_tenant_model()
        .objects.exclude(schema_name=get_public_schema_name())
        .values_list("schema_name", flat=True)
    )
    for schema in schemas:
        with schema_context(schema):
            geocode_pending.delay()
    return len(schemas)
