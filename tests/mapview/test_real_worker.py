"""Geocoding through a real Celery worker and the real Redis: each task runs in the schema of the
tenant it was queued from. Skipped when Redis is not reachable."""

from __future__ import annotations

import time
import uuid

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from customers.models import Customer
from tests.hardening.conftest import real_worker, worker_env  # noqa: F401 - the shared worker fixture

pytestmark = pytest.mark.slow


def _wait_for(schema: str, pk: int, timeout: float = 60) -> Customer:
    deadline = time.monotonic() + timeout
    while True:
        with schema_context(schema):
            customer = Customer.objects.get(pk=pk)
        if customer.geocode_status != Customer.GeocodeStatus.PENDING or time.monotonic() > deadline:
            return customer
        time.sleep(0.2)


def test_a_real_worker_geocodes_each_customer_in_its_own_tenant(real_worker, django_db_blocker):  # noqa: F811
    from customers.services import customer_create

    tag = uuid.uuid4().hex[:6]
    made: list[tuple[str, int]] = []
    with django_db_blocker.unblock():
        try:
            with schema_context("alpha"):
                vienna = customer_create(
                    user=None,
                    name=f"Worker Wien {tag}",
                    postal_code="1010",
                    city="Wien",
                    country="AT",
                )
                made.append(("alpha", vienna.pk))
            with schema_context("beta"):
                zurich = customer_create(
                    user=None,
                    name=f"Worker Zürich {tag}",
                    postal_code="8001",
                    city="Zürich",
                    country="CH",
                )
                made.append(("beta", zurich.pk))
            in_alpha = _wait_for("alpha", vienna.pk)
            in_beta = _wait_for("beta", zurich.pk)
            assert in_alpha.geocode_status == Customer.GeocodeStatus.FOUND
            assert in_beta.geocode_status == Customer.GeocodeStatus.FOUND
            assert (
                round(in_alpha.latitude) == 48 and round(in_alpha.longitude) == 16
            )  # Vienna, in alpha
            assert (
                round(in_beta.latitude) == 47 and round(in_beta.longitude) == 9
            )  # Zurich, in beta
            assert (
                real_worker.log.read_text().count("mapview.tasks.geocode_customer") >= 2
            )  # not eager
        finally:
            for schema, pk in made:
                with schema_context(schema):
                    Customer.objects.filter(pk=pk).delete()
            connection.set_schema_to_public()
