"""Custom fields in the CSV import: columns recognised by key and label (English and German),
values checked by type, the dry run's per-line report, nothing written half-way, role rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from customers import imports
from customers.models import ContactPerson, Customer, ImportJob
from tests.builders.customers import make_customer
from tests.builders.customfields import INDUSTRY_OPTIONS, make_field


def _fields():
    make_field(key="vat_id", label_en="VAT id", label_de="USt-IdNr", unique=True)
    make_field(
        key="segment",
        field_type="choice",
        label_en="Industry segment",
        label_de="Branchensegment",
        options=INDUSTRY_OPTIONS,
    )
    make_field(key="budget", field_type="money", label_en="Budget", label_de="Etat")
    make_field(key="since", field_type="date", label_en="Customer since", label_de="Kunde seit")
    make_field(key="newsletter", field_type="boolean", label_en="Newsletter")
    make_field(entity="contact", key="hobby", label_en="Hobby", label_de="Hobby", required=True)


def _job(text: str, user) -> ImportJob:
    upload = SimpleUploadedFile("kunden.csv", text.encode("utf-8"), content_type="text/csv")
    return imports.import_job_create(user=user, upload=upload)


def _check_and_run(job: ImportJob, user, callbacks) -> ImportJob:
    with callbacks(execute=True):
        imports.import_job_map(job=job, mapping=job.mapping, default_owner=user)
    job.refresh_from_db()
    if job.state == ImportJob.State.CHECKED:
        with callbacks(execute=True):
            imports.import_job_start(job=job, user=user)
        job.refresh_from_db()
    return job


GOOD = (
    "Firma;PLZ;Ort;USt-IdNr;Branchensegment;Etat;Kunde seit;newsletter;Nachname;Ansprechpartner "
    "Hobby\n"
    "Feld AG;28195;Bremen;DE123;Einzelhandel;1.234,50;31.12.2020;ja;Huber;Segeln\n"
    "Feld AG;28195;Bremen;DE123;Einzelhandel;1.234,50;31.12.2020;ja;Maier;Golf\n"
    "Field Ltd;10115;Berlin;GB999;Manufacturing;2,500.75;2021-03-01;no;;\n"
)


def test_custom_columns_are_mapped_by_label_or_key_and_imported_typed(
    tenant, dave, django_capture_on_commit_callbacks
):
    _fields()
    job = _job(GOOD, dave)
    mapped = {job.header[int(k)]: v for k, v in job.mapping.items()}
    assert mapped["USt-IdNr"] == "cf_vat_id" and mapped["Branchensegment"] == "cf_segment"
    assert mapped["Etat"] == "cf_budget" and mapped["Kunde seit"] == "cf_since"
    assert mapped["newsletter"] == "cf_newsletter"  # by its key
    assert mapped["Ansprechpartner Hobby"] == "contact_cf_hobby"
    job = _check_and_run(job, dave, django_capture_on_commit_callbacks)
    assert job.state == ImportJob.State.DONE, job.errors
    feld = Customer.objects.get(name="Feld AG")
    assert feld.custom == {
        "vat_id": "DE123",
        "segment": "retail",
        "budget": "1234.50",
        "since": "2020-12-31",
        "newsletter": True,
    }
    assert Customer.objects.get(name="Field Ltd").custom == {
        "vat_id": "GB999",
        "segment": "industry",
        "budget": "2500.75",
        "since": "2021-03-01",
        "newsletter": False,
    }
    hobbies = dict(ContactPerson.objects.filter(customer=feld).values_list("last_name", "custom"))
    assert hobbies == {"Huber": {"hobby": "Segeln"}, "Maier": {"hobby": "Golf"}}


BAD = (
    "Name;VAT id;Industry segment;Budget;Customer since;Newsletter;Last name;Contact hobby\n"
    "Eins GmbH;DE1;Retail;10;1.1.2020;yes;;\n"  # line 2: good
    "Zwei GmbH;DE2;Bakery;12abc;32.13.2020;maybe;;\n"  # line 3: option, amount, date, yes/no
    "Drei GmbH;DE1;Retail;10;;;;\n"  # line 4: the VAT id of line 2
    "Vier GmbH;DE-OLD;;;;;;\n"  # line 5: the VAT id of a customer
    "Fünf GmbH;DE5;;;;;Kunz;\n"  # line 6: a contact person without the required hobby
)


def test_bad_custom_cells_are_reported_by_line_column_and_reason_and_nothing_is_written(
    tenant, dave, django_capture_on_commit_callbacks
):
    _fields()
    make_customer(name="Alt GmbH", custom={"vat_id": "DE-OLD"})
    before = (Customer.objects.count(), ContactPerson.objects.count())
    job = _job(BAD, dave)
    assert job.mapping["7"] == "contact_cf_hobby"  # the English "Contact <label>"
    job = _check_and_run(job, dave, django_capture_on_commit_callbacks)
    assert job.state == ImportJob.State.REJECTED
    report = {(e["line"], e["column"]): e["reason"] for e in job.errors}
    assert "12abc" in report[(3, "Budget")] and "Bakery" in report[(3, "Industry segment")]
    assert "32.13.2020" in report[(3, "Customer since")] and (3, "Newsletter") in report
    assert "line 2" in report[(4, "VAT id")]
    assert "another customer" in report[(5, "VAT id")]
    assert "Hobby is required" in report[(6, "Contact hobby")]
    assert len(report) == job.error_count == 7, report
    assert (Customer.objects.count(), ContactPerson.objects.count()) == before


def test_a_required_custom_field_without_a_column_or_default_refuses_the_file(
    tenant, dave, django_capture_on_commit_callbacks
):
    make_field(key="region", label_en="Sales region", required=True)
    make_field(key="tier", label_en="Tier", required=True, default="silver")
    job = _check_and_run(
        _job("Name\nOhne Region GmbH\n", dave), dave, django_capture_on_commit_callbacks
    )
    assert job.state == ImportJob.State.REJECTED
    assert [(e["line"], e["column"]) for e in job.errors] == [(1, "Sales region")]
    assert not Customer.objects.filter(name="Ohne Region GmbH").exists()


def test_defaults_fill_custom_fields_the_file_leaves_empty(
    tenant, dave, django_capture_on_commit_callbacks
):
    make_field(key="tier", label_en="Tier", required=True, default="silver")
    job = _check_and_run(
        _job("Name;Tier\nA GmbH;\nB GmbH;gold\n", dave), dave, django_capture_on_commit_callbacks
    )
    assert job.state == ImportJob.State.DONE, job.errors
    assert Customer.objects.get(name="A GmbH").custom == {"tier": "silver"}
    assert Customer.objects.get(name="B GmbH").custom == {"tier": "gold"}


def test_a_field_the_importers_role_may_not_edit_is_neither_offered_nor_accepted(
    tenant, carol, dave, client_for
):
    make_field(key="rating", label_en="Rating", editable_roles=["admin"])
    job = _job("Name;Rating\nGeheim GmbH;A\n", carol)
    assert job.mapping == {"0": "name"}
    page = client_for(carol).get(f"/customers/import/{job.pk}/mapping/").content.decode()
    assert 'value="cf_rating"' not in page
    with pytest.raises(ValidationError, match="Unknown fields"):
        imports.import_job_map(job=job, mapping={"0": "name", "1": "cf_rating"})
    admin_job = _job("Name;Rating\nGeheim GmbH;A\n", dave)
    assert admin_job.mapping == {"0": "name", "1": "cf_rating"}
    assert (
        'value="cf_rating"'
        in client_for(dave).get(f"/customers/import/{admin_job.pk}/mapping/").content.decode()
    )


def test_the_benchmarks_file_with_custom_columns_imports_cleanly(
    tenant, dave, django_capture_on_commit_callbacks
):
    from bench.actions import CUSTOM_COLUMNS, IMPORT_COLUMNS, _custom_fields_define, import_csv

    _custom_fields_define(dave)
    upload = SimpleUploadedFile("bench.csv", import_csv(50, custom=True), content_type="text/csv")
    job = imports.import_job_create(user=dave, upload=upload)
    expected = [field for _h, field in IMPORT_COLUMNS + CUSTOM_COLUMNS]
    assert [job.mapping[str(i)] for i in range(len(expected))] == expected
    job = _check_and_run(job, dave, django_capture_on_commit_callbacks)
    assert job.state == ImportJob.State.DONE, job.errors
    customer = Customer.objects.get(name__startswith="Importfirma 000007 ")
    assert set(customer.custom) == {"vat_id", "segment", "since", "credit"}
    assert customer.custom["vat_id"] == "DE100000007"
