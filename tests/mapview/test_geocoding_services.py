"""Geocoding one customer, many customers, after an address change, and with the broker down."""

import pytest
from django.db import connection

from customers import services as customer_services
from customers.models import Customer
from mapview import services
from mapview.geocoding import GeocoderError, GeocoderTransientError
from mapview.geocoding.offline import OfflineGeocoder
from tests.builders.customers import make_customer
from tests.builders.mapview import make_located_customer

Status = Customer.GeocodeStatus


def test_a_pending_customer_is_geocoded_offline(tenant):
    customer = make_customer(
        street="Marienplatz 8", postal_code="80331", city="München", country="DE"
    )
    assert services.customer_geocode(customer_id=customer.pk) == Status.FOUND
    customer.refresh_from_db()
    assert round(customer.latitude, 1) == 48.1 and round(customer.longitude, 1) == 11.6
    assert customer.geocoded_at is not None


def test_an_unknown_address_is_not_found(tenant):
    customer = make_customer(postal_code="", city="Xyzzyhausen", country="DE")
    assert services.customer_geocode(customer_id=customer.pk) == Status.NOT_FOUND
    customer.refresh_from_db()
    assert customer.latitude is None and customer.geocode_status == Status.NOT_FOUND


def test_geocoding_twice_does_nothing_the_second_time(tenant, counting_geocoder):
    customer = make_customer(city="Graz", postal_code="", country="AT")
    geocoder = counting_geocoder({"Graz": (47.07, 15.44)})
    assert services.customer_geocode(customer_id=customer.pk, geocoder=geocoder) == Status.FOUND
    assert services.customer_geocode(customer_id=customer.pk, geocoder=geocoder) == Status.FOUND
    assert len(geocoder.calls) == 1


def test_a_result_for_an_old_address_is_not_written(tenant, counting_geocoder):
    customer = make_customer(city="Graz", postal_code="", country="AT")

    class MovesWhileGeocoding(counting_geocoder):
        def geocode(self, address):
            Customer.objects.filter(pk=customer.pk).update(city="Linz")  # the user edits meanwhile
            return super().geocode(address)

    services.customer_geocode(
        customer_id=customer.pk, geocoder=MovesWhileGeocoding({"Graz": (47.07, 15.44)})
    )
    customer.refresh_from_db()
    assert customer.latitude is None and customer.geocode_status == Status.PENDING


def test_a_passing_failure_propagates_for_the_task_to_retry(tenant, counting_geocoder):
    customer = make_customer()
    with pytest.raises(GeocoderTransientError):
        services.customer_geocode(
            customer_id=customer.pk, geocoder=counting_geocoder(error=GeocoderTransientError("503"))
        )
    customer.refresh_from_db()
    assert customer.geocode_status == Status.PENDING


def test_a_permanent_failure_marks_the_customer_failed(tenant, counting_geocoder):
    customer = make_customer()
    services.customer_geocode(
        customer_id=customer.pk, geocoder=counting_geocoder(error=GeocoderError("403"))
    )
    customer.refresh_from_db()
    assert customer.geocode_status == Status.FAILED


def test_a_deleted_customer_is_skipped(tenant):
    assert services.customer_geocode(customer_id=987654321) is None


def test_a_pin_set_by_hand_stays_when_the_task_runs_late(tenant, alice):
    customer = make_customer(owner=alice)
    services.customer_set_location(
        customer=customer, user=alice, latitude="48.5", longitude="11.25"
    )
    assert services.customer_geocode(customer_id=customer.pk) == Status.MANUAL
    customer.refresh_from_db()
    assert (customer.latitude, customer.longitude, customer.geocode_status) == (
        48.5,
        11.25,
        Status.MANUAL,
    )


def test_the_batch_resolves_each_distinct_address_once(tenant, counting_geocoder):
    for i in range(30):
        make_customer(
            street=f"Weg {i}", postal_code="", city=["Graz", "Linz", "Nowhere"][i % 3], country="AT"
        )
    make_located_customer(1.0, 2.0, geocode_status=Status.MANUAL, city="Graz", country="AT")
    geocoder = counting_geocoder({"Graz": (47.07, 15.44), "Linz": (48.3, 14.29)})
    result = services.customers_geocode_batch(geocoder=geocoder, batch_size=7)
    assert len(geocoder.calls) == 3 and result.distinct_addresses == 3
    assert (result.total, result.found, result.not_found) == (30, 20, 10)
    assert (
        Customer.objects.filter(city="Graz", geocode_status=Status.FOUND, latitude=47.07).count()
        == 10
    )
    assert (
        Customer.objects.filter(geocode_status=Status.MANUAL, latitude=1.0).count() == 1
    )  # untouched


@pytest.mark.parametrize("n", [10, 600])
def test_the_batch_needs_few_queries_whatever_the_number_of_customers(
    tenant, n, django_assert_max_num_queries
):
    Customer.objects.bulk_create(
        [
            Customer(name=f"Bulk {i}", city=["München", "Wien"][i % 2], country=["DE", "AT"][i % 2])
            for i in range(n)
        ]
    )
    # count, then per batch of 5000: read, update and a savepoint; each with its SET search_path
    with django_assert_max_num_queries(12):
        result = services.customers_geocode_batch(geocoder=OfflineGeocoder())
    assert result.found == n


def test_changing_the_address_queues_geocoding_after_commit(
    tenant, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        customer = customer_services.customer_create(
            user=alice,
            name="Wiener Werkstätten",
            street="Ring 1",
            postal_code="1010",
            city="Wien",
            country="AT",
        )
    assert len(callbacks) >= 1
    customer.refresh_from_db()
    assert customer.geocode_status == Status.FOUND  # the task ran (eagerly in tests) in this schema
    assert round(customer.latitude) == 48

    with django_capture_on_commit_callbacks(execute=True):
        customer_services.customer_update(
            customer=customer, user=alice, data={"city": "Graz", "postal_code": "8010"}
        )
    customer.refresh_from_db()
    assert round(customer.latitude) == 47 and customer.geocode_status == Status.FOUND


def test_other_changes_do_not_geocode_again(tenant, alice, django_capture_on_commit_callbacks):
    customer = make_located_customer(48.2, 16.37, owner=alice, city="Wien", country="AT")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        customer_services.customer_update(
            customer=customer, user=alice, data={"phone": "+43 1 234"}
        )
    assert not [c for c in callbacks if "geocode" in repr(c)]
    customer.refresh_from_db()
    assert customer.geocode_status == Status.FOUND


@pytest.fixture
def broker_down(settings):
    """Celery talking to a Redis that is not there (a closed port), not eager."""
    from crm.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool)
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield app
    app.conf.broker_url, app.conf.task_always_eager, app._pool = saved
    app.amqp._producer_pool = None


def test_saving_a_customer_works_with_the_broker_down(
    tenant, alice, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        customer = customer_services.customer_create(
            user=alice, name="Offline GmbH", postal_code="80331", city="München", country="DE"
        )
    customer.refresh_from_db()
    assert customer.pk and customer.geocode_status == Status.PENDING
    assert services.geocode_queue(customer_id=customer.pk) is False


def test_the_sweep_geocodes_what_was_left_pending_in_every_tenant(tenant, other_tenant):
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from mapview.tasks import geocode_pending, geocode_pending_all_tenants

    old = timezone.now() - timezone.timedelta(hours=1)
    left = make_customer(postal_code="", city="Innsbruck", country="AT")
    fresh = make_customer(postal_code="", city="Salzburg", country="AT")
    Customer.objects.filter(pk=left.pk).update(updated_at=old)
    with schema_context(other_tenant.schema_name):
        beta = make_customer(postal_code="", city="Basel", country="CH")
        Customer.objects.filter(pk=beta.pk).update(updated_at=old)
    connection.set_tenant(tenant)
    assert (
        geocode_pending_all_tenants() >= 2
    )  # eager in tests: each tenant's sweep ran in its schema
    left.refresh_from_db()
    fresh.refresh_from_db()
    assert left.geocode_status == Status.FOUND and round(left.longitude) == 11
    assert fresh.geocode_status == Status.PENDING  # its own task is probably on its way
    with schema_context(other_tenant.schema_name):
        beta.refresh_from_db()
        assert beta.geocode_status == Status.FOUND and round(beta.longitude) == 8
    assert geocode_pending()["total"] == 0


def test_a_batch_stops_when_the_service_is_down_and_leaves_the_rest_alone(
    tenant, counting_geocoder
):
    for i in range(5):
        make_customer(postal_code="", city=f"Town {i}", country="AT")
    result = services.customers_geocode_batch(
        geocoder=counting_geocoder(error=GeocoderTransientError("503"))
    )
    assert result.interrupted == "503" and len(result.by_status) == 0
    assert (
        Customer.objects.filter(city__startswith="Town", geocode_status=Status.PENDING).count() == 5
    )


def test_a_task_run_in_process_does_not_retry(tenant, monkeypatch, counting_geocoder):
    from mapview import geocoding
    from mapview.tasks import geocode_customer

    customer = make_customer()
    monkeypatch.setitem(
        geocoding._instances, "offline", counting_geocoder(error=GeocoderTransientError("down"))
    )
    assert geocode_customer.apply(args=[customer.pk]).get() == "pending"
    customer.refresh_from_db()
    assert customer.geocode_status == Status.PENDING
