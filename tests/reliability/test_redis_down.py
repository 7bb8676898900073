"""Redis down: pages answer, saves work, and what could not be queued is done later.

The cache and the broker point at a closed port; the rest (PostgreSQL, the views, the services)
is real. The scripted drill against a real Redis that is stopped and started again is
`make check-faults` (bench/faults.py, docs/reliability.md).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core.cache.backends.redis import RedisCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from activity.models import Activity
from customers import imports
from customers.models import Customer, ImportJob
from tests.builders.sales import make_project
from tests.reliability.conftest import DEAD_REDIS


def test_djangos_own_redis_cache_raises_when_redis_is_down():
    """Why crm.lib.cache exists: the stock backend turns a Redis outage into a 500 on every page."""
    stock = RedisCache(DEAD_REDIS, {})
    with pytest.raises(RedisConnectionError):
        stock.get("anything")


def test_the_tolerant_cache_answers_as_an_empty_cache_when_redis_is_down(redis_down_cache, caplog):
    cache = redis_down_cache
    with caplog.at_level(logging.WARNING, logger="crm.lib.cache"):
        assert cache.get("k", "fallback") == "fallback"
        cache.set("k", 1)
        assert cache.add("k", 1) is False
        assert cache.get_or_set("computed", lambda: 42) == 42
        with pytest.raises(ValueError):
            cache.incr("k")  # as for a missing key: callers already handle it
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("k") is False
        assert cache.delete("k") is False
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.available is False
    warnings = [r for r in caplog.records if "Redis cache unavailable" in r.getMessage()]
    assert len(warnings) == 1  # one warning per outage, not one per call


def test_pages_answer_200_with_the_cache_down(tenant, client_for, dave, redis_down_cache):
    make_project(owner=dave)
    client = client_for(dave)
    for url in (
        "/",
        "/customers/",
        "/customers/?q=a",
        "/customers/contacts/",
        "/sales/projects/board/",
        "/sales/projects/",
        "/activity/",
        "/map/data/?bbox=5,45,17,56&zoom=6",
    ):
        assert client.get(url).status_code == 200, url


def test_logging_in_works_with_the_cache_down(tenant, client_for, redis_down_cache):
    """The login rate limit counts in the cache: with the cache down it lets people in (fails
    open)."""
    client = client_for(None)
    response = client.post("/login/", {"email": "alice@alpha.test", "password": "wrong"})
    assert response.status_code == 200 and b"alert" in response.content
    from tests.conftest import PASSWORD

    response = client.post("/login/", {"email": "alice@alpha.test", "password": PASSWORD})
    assert response.status_code == 302


def test_saves_work_with_redis_down_and_geocoding_is_caught_up_later(
    tenant,
    client_for,
    dave,
    redis_down_cache,
    broker_down,
    django_capture_on_commit_callbacks,
    caplog,
):
    client = client_for(dave)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/customers/new/",
            {
                "kind": "company",
                "name": "Broker Down Wien",
                "status": "customer",
                "street": "Stephansplatz 1",
                "postal_code": "1010",
                "city": "Wien",
                "country": "AT",
                "save_anyway": "1",
            },
        )
    assert response.status_code == 302
    customer = Customer.objects.get(name="Broker Down Wien")
    assert customer.geocode_status == Customer.GeocodeStatus.PENDING and customer.latitude is None
    assert any(
        "geocode_customer" in r.getMessage() and "not queued" in r.getMessage()
        for r in caplog.records
    )

    project = make_project(owner=dave, customer=customer)
    target = (
        project.process.phases.filter(outcome="open", parks=False)
        .exclude(pk=project.phase_id)
        .first()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/sales/projects/{project.pk}/move/",
            {
                "process": project.process_id,
                "phase": target.pk,
                "version": project.version,
            },
        )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.phase_id == target.pk

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/activity/new/",
            {
                "customer": customer.pk,
                "kind": "call",
                "subject": "Called while Redis was down",
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            },
        )
    assert response.status_code == 302
    assert Activity.objects.filter(
        customer=customer, subject="Called while Redis was down"
    ).exists()

    # Redis is back: the periodic sweep (beat: mapview-geocode-pending) finds the customer once
    # the grace period for its own task has passed.
    from mapview.tasks import geocode_pending

    Customer.objects.filter(pk=customer.pk).update(updated_at=timezone.now() - timedelta(minutes=3))
    geocode_pending.apply()
    customer.refresh_from_db()
    assert customer.geocode_status == Customer.GeocodeStatus.FOUND
    assert round(customer.latitude) == 48 and round(customer.longitude) == 16


def test_an_import_asked_for_while_the_broker_is_down_steps_back_with_a_message(
    tenant, dave, broker_down, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile(
        "k.csv", b"Name;PLZ;Ort\nBroker Down Import;1010;Wien\n", content_type="text/csv"
    )
    job = imports.import_job_create(user=dave, upload=upload)
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_job_map(job=job, mapping=job.mapping, default_owner=dave, skip_existing=True)
    job.refresh_from_db()
    assert (
        job.state == ImportJob.State.UPLOADED
    )  # not stuck in "checking": the mapping can be sent again
    assert "cannot be reached" in job.message
    assert not Customer.objects.filter(name="Broker Down Import").exists()
