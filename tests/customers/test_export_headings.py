"""CSV export headings in the user's language (issue 21): German users get German headings
("PLZ", "Betreuer", a custom field's German label), English users the field keys; the import
reads both, so an export of either language comes back in through the import unchanged."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers import imports
from customers.imports.custom import CONTACT_PREFIX
from customers.imports.reading import IMPORT_FIELDS, guess_mapping
from customers.models import Customer, ImportJob
from tests.builders.customers import make_contact, make_customer
from tests.builders.customfields import make_field
from tests.builders.sales import make_process, make_project

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
# the columns of the customer export that the import takes: every customer field it knows (the
# rest of the export are figures it computes)
IMPORTED = {name for name in IMPORT_FIELDS if not name.startswith(CONTACT_PREFIX)}


def _body(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def _rows(body: str) -> list[list[str]]:
    delimiter = ";" if body.split("\r\n", 1)[0].count(";") else ","
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=delimiter))


def _vat():
    return make_field(key="vat_id", label_en="VAT id", label_de="USt-IdNr.")


def test_the_customer_export_is_headed_in_german_for_german_users_and_by_keys_in_english(
    tenant, alice, client_for
):
    _vat()
    make_customer(name="Bäckerei Ähren", owner=alice, custom={"vat_id": "DE811907980"})
    client = client_for(alice)
    german = _rows(_body(client.get(reverse("customers:customer_export"), **GERMAN)))[0]
    assert german[:8] == ["ID", "Name", "Art", "Status", "Straße", "PLZ", "Ort", "Land"]
    assert {"Betreuer", "Größenklasse", "Jahresumsatz", "Letzte Aktivität"} <= set(german)
    assert german[-1] == "USt-IdNr."  # the custom field by its German label
    english = _rows(_body(client.get(reverse("customers:customer_export"), **ENGLISH)))[0]
    assert english[:6] == ["id", "name", "kind", "status", "street", "postal_code"]
    assert english[-1] == "vat_id"


def test_the_import_maps_every_column_of_a_german_and_of_an_english_export(
    tenant, alice, client_for
):
    from customers.imports.custom import import_fields

    _vat()
    make_customer(owner=alice)
    client = client_for(alice)
    for language in (GERMAN, ENGLISH):
        header = _rows(_body(client.get(reverse("customers:customer_export"), **language)))[0]
        mapping = guess_mapping(header, fields=import_fields(user=alice))
        assert set(mapping.values()) == IMPORTED | {"cf_vat_id"}, (language, header, mapping)


def test_a_german_export_comes_back_through_the_import_unchanged(
    tenant, alice, dave, client_for, django_capture_on_commit_callbacks
):
    _vat()
    original = make_customer(
        name="Bäckerei Ähren",
        owner=alice,
        status=Customer.Status.LEAD,
        postal_code="80331",
        city="München",
        industry="Bäckerei",
        annual_revenue=Decimal("1234567.89"),
        employees=12,
        size_class="B",
        custom={"vat_id": "DE811907980"},
    )
    body = _body(client_for(alice).get(reverse("customers:customer_export"), **GERMAN))
    assert body.startswith("\ufeffID;Name;Art;Status;")  # German Excel: semicolons, UTF-8 BOM
    assert "1.234.567,89" in body
    Customer.objects.filter(pk=original.pk).delete()
    upload = SimpleUploadedFile("kunden.csv", body.encode("utf-8"), content_type="text/csv")
    job = imports.import_job_create(user=dave, upload=upload)
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_job_map(job=job, mapping=job.mapping, default_owner=dave)
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED, job.errors
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_job_start(job=job, user=dave)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.errors
    back = Customer.objects.get(name="Bäckerei Ähren")
    assert (back.status, back.owner, back.postal_code, back.city, back.industry) == (
        Customer.Status.LEAD,
        alice,
        "80331",
        "München",
        "Bäckerei",
    )
    assert back.annual_revenue == Decimal("1234567.89") and back.employees == 12
    assert back.size_class == "B" and back.custom == {"vat_id": "DE811907980"}


def test_the_contact_and_project_exports_are_headed_in_the_users_language(
    tenant, alice, client_for
):
    customer = make_customer(owner=alice)
    make_contact(customer=customer, first_name="Jana", last_name="Schäfer")
    make_field(
        entity="project",
        key="contract_end",
        field_type="date",
        label_en="Contract end",
        label_de="Vertragsende",
    )
    process = make_process()
    make_project(process=process, owner=alice, customer=customer, title="Großauftrag")
    client = client_for(alice)
    contacts = _rows(_body(client.get(reverse("customers:contact_export"), **GERMAN)))[0]
    assert contacts[:3] == ["ID", "Vorname", "Nachname"] and "Kunde" in contacts
    projects = _rows(_body(client.get(reverse("sales:project_export"), **GERMAN)))[0]
    assert projects[:6] == ["ID", "Titel", "Kunde", "Prozess", "Phase", "Status"]
    assert {"Volumen", "Verlustgrund"} <= set(projects) and projects[-1] == "Vertragsende"
    english = _rows(_body(client.get(reverse("sales:project_export"), **ENGLISH)))[0]
    assert english[:2] == ["id", "title"] and english[-1] == "contract_end"
