"""Customers that arrive by CSV import are geocoded in one background batch after the commit."""

from customers.models import Customer
from tests.customers.test_import import GOOD, _check_and_run, _job


def test_imported_customers_are_geocoded_after_the_import_commits(
    tenant, dave, django_capture_on_commit_callbacks
):
    job = _check_and_run(_job(GOOD, dave), dave, django_capture_on_commit_callbacks)
    assert job.state == "done", job.state
    munich = Customer.objects.get(name="Müller Maschinenbau GmbH")
    vienna = Customer.objects.get(name="Weber & Söhne KG")
    assert munich.geocode_status == vienna.geocode_status == Customer.GeocodeStatus.FOUND
    assert 48.0 < munich.latitude < 48.3 and 11.4 < munich.longitude < 11.8
    assert 48.1 < vienna.latitude < 48.3 and 16.2 < vienna.longitude < 16.5
