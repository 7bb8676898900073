"""A CSV import leaves a trace (issue 14, item 6): one system entry in the activity log, the
import history with who and how many, and each imported customer's timeline naming its import."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_tenants.utils import schema_context

from activity.models import Activity
from activity.texts import system_title
from customers import imports
from customers.models import Customer, ImportJob
from tests.customers.test_import import GOOD, _check_and_run, _job

IMPORTED = Activity.Kind.CUSTOMERS_IMPORTED


def _rows(n: int, prefix: str = "Spur") -> str:
    return "Name;PLZ;Ort;Nachname\n" + "".join(
        f"{prefix} {i} GmbH;{10000 + i};Ort {i};Person {i}\n" for i in range(n)
    )


def test_an_import_writes_one_system_entry_with_its_count(
    tenant, dave, django_capture_on_commit_callbacks
):
    job = _check_and_run(_job(_rows(7), dave), dave, django_capture_on_commit_callbacks)
    assert job.state == ImportJob.State.DONE, job.errors
    entry = Activity.objects.get(kind=IMPORTED)
    assert entry.is_system and entry.employee == dave and entry.customer_id is None
    assert entry.payload == {"count": 7, "contacts": 7, "file": "kunden.csv", "job": job.pk}
    assert entry.title == "7 customers imported from kunden.csv"
    with translation.override("de"):
        assert entry.title == "7 Kunden aus kunden.csv importiert"


def test_the_entry_counts_in_the_readers_number_format():
    payload = {"count": 2000, "file": "file.csv"}
    with translation.override("en"):
        assert system_title(kind=IMPORTED, payload=payload) == (
            "2,000 customers imported from file.csv"
        )
        assert system_title(kind=IMPORTED, payload={"count": 1, "file": "a.csv"}) == (
            "1 customer imported from a.csv"
        )
    with translation.override("de"):
        assert (
            system_title(kind=IMPORTED, payload=payload) == "2.000 Kunden aus file.csv importiert"
        )


def test_each_imported_customer_names_its_import_on_its_timeline(
    tenant, dave, alice, client_for, django_capture_on_commit_callbacks
):
    job = _check_and_run(_job(GOOD, dave), dave, django_capture_on_commit_callbacks)
    customers = Customer.objects.filter(name__in=["Müller Maschinenbau GmbH", "Weber & Söhne KG"])
    assert {c.import_job_id for c in customers} == {job.pk}
    weber = customers.get(name="Weber & Söhne KG")
    date = date_filter(job.finished_at, "SHORT_DATE_FORMAT")
    page = client_for(dave).get(f"/activity/timeline/?customer={weber.pk}").content.decode()
    assert 'data-testid="timeline-import-origin"' in page
    assert f"Imported from kunden.csv on {date} by {dave}" in page
    assert f'href="/customers/import/{job.pk}/"' in page  # the admin may open the import
    # a salesperson reads where it came from, without a link to a page they may not open
    page = client_for(alice).get(f"/activity/timeline/?customer={weber.pk}").content.decode()
    assert f"Imported from kunden.csv on {date} by {dave}" in page
    assert f"/customers/import/{job.pk}/" not in page


def test_a_customer_created_by_hand_has_no_import_line(tenant, dave, client_for):
    from tests.builders.customers import make_customer

    customer = make_customer(name="Von Hand GmbH")
    page = client_for(dave).get(f"/activity/timeline/?customer={customer.pk}").content.decode()
    assert "timeline-import-origin" not in page and "No activities yet." in page


def test_the_import_history_keeps_who_imported_what_and_when(
    tenant, dave, client_for, django_capture_on_commit_callbacks
):
    job = _check_and_run(_job(GOOD, dave), dave, django_capture_on_commit_callbacks)
    page = client_for(dave).get("/customers/import/").content.decode()
    row = page.split(f'id="import-{job.pk}"', 1)[1].split("</li>", 1)[0]
    assert "kunden.csv" in row and str(dave) in row and "Imported" in row
    assert "2 customers, 2 contact persons" in row
    detail = client_for(dave).get(f"/customers/import/{job.pk}/").content.decode()
    assert f"Uploaded by {dave} on" in detail and "imported on" in detail


def test_a_dry_run_writes_nothing(tenant, dave, django_capture_on_commit_callbacks):
    job = _job(GOOD, dave)
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_job_map(job=job, mapping=job.mapping, default_owner=dave)
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED
    assert not Activity.objects.filter(kind=IMPORTED).exists()
    assert not Customer.objects.filter(import_job=job).exists()


def test_a_failed_or_rejected_import_writes_no_entry(
    tenant, dave, monkeypatch, django_capture_on_commit_callbacks
):
    rejected = _check_and_run(
        _job("Name;Land\nA GmbH;Narnia\n", dave), dave, django_capture_on_commit_callbacks
    )
    assert rejected.state == ImportJob.State.REJECTED

    def failing_copy(model, batch):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports.writing, "copy_rows", failing_copy)
    failed = _check_and_run(_job(_rows(3), dave), dave, django_capture_on_commit_callbacks)
    assert failed.state == ImportJob.State.FAILED
    assert not Activity.objects.filter(kind=IMPORTED).exists()


def _run_queries(n: int, prefix: str, dave, django_capture_on_commit_callbacks) -> int:
    job = _job(_rows(n, prefix), dave)
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_job_map(job=job, mapping=job.mapping, default_owner=dave)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING)
    with CaptureQueriesContext(connection) as queries:
        job = imports.import_job_run(job_id=job.pk)
    assert job.state == ImportJob.State.DONE and job.created_customers == n
    return len(queries)


def test_the_import_query_count_does_not_grow_with_the_rows(
    tenant, dave, django_capture_on_commit_callbacks
):
    few = _run_queries(3, "Wenig", dave, django_capture_on_commit_callbacks)
    many = _run_queries(300, "Viel", dave, django_capture_on_commit_callbacks)
    assert many == few
    assert Activity.objects.filter(kind=IMPORTED).count() == 2


def test_another_tenants_import_and_its_customers_are_not_reachable(tenant, client_for, dave):
    pk = 987_654_322
    with schema_context("beta"):
        job = ImportJob(pk=pk, original_name="beta.csv", header=["name"], mapping={"0": "name"})
        job.file.save("beta.csv", ContentFile(b"name\nX\n"), save=False)
        job.save()
        Customer.objects.create(pk=pk, name="Beta Import GmbH", import_job=job)
    client = client_for(dave)
    assert client.get(f"/customers/import/{pk}/").status_code == 404
    assert client.get(f"/activity/timeline/?customer={pk}").status_code == 404
    assert "beta.csv" not in client.get("/customers/import/").content.decode()


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_timeline_line_is_translated(
    tenant, dave, client_for, language, django_capture_on_commit_callbacks
):
    job = _check_and_run(_job(GOOD, dave), dave, django_capture_on_commit_callbacks)
    weber = Customer.objects.get(name="Weber & Söhne KG", import_job=job)
    page = (
        client_for(dave)
        .get(f"/activity/timeline/?customer={weber.pk}", HTTP_ACCEPT_LANGUAGE=language)
        .content.decode()
    )
    expected = "Importiert aus kunden.csv am" if language == "de" else "Imported from kunden.csv on"
    assert expected in page
