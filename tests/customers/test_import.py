"""CSV import: mapping, dry run with a per-line report, all-or-nothing import, progress, the
command."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from customers import imports
from customers.models import ContactPerson, Customer, ImportJob
from tests.builders.customers import make_customer

GOOD = (
    "\ufeffFirma;Straße;PLZ;Ort;Land;E-Mail;Umsatz;Mitarbeiter;Vorname;Nachname;Position;Betreuer\n"
    "Müller Maschinenbau GmbH;Hauptstraße "
    "1;80331;München;Deutschland;info@mueller-mb.de;1.234.567,89;120;Anna;Huber;Einkauf;alice@alpha.test\n"
    "Müller Maschinenbau GmbH;Hauptstraße 1;80331;München;Deutschland;;;;Ben;Maier;Technik;\n"
    '"Weber & Söhne KG";"Ringstraße 5; Hinterhaus";1010;Wien;AT;;;;;;;\n'
)


def _upload(text: str, name: str = "kunden.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _job(text: str, user, **kwargs) -> ImportJob:
    return imports.import_job_create(user=user, upload=_upload(text), **kwargs)


def _check_and_run(job: ImportJob, user, django_capture_on_commit_callbacks) -> ImportJob:
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_job_map(
            job=job, mapping=job.mapping, default_owner=user, skip_existing=job.skip_existing
        )
    job.refresh_from_db()
    if job.state == ImportJob.State.CHECKED:
        with django_capture_on_commit_callbacks(execute=True):
            imports.import_job_start(job=job, user=user)
        job.refresh_from_db()
    return job


def test_header_names_in_german_are_mapped_and_the_delimiter_detected(tenant, dave):
    job = _job(GOOD, dave)
    assert job.delimiter == ";"
    assert job.header[0] == "Firma"  # the BOM is gone
    mapped = {job.header[int(k)]: v for k, v in job.mapping.items()}
    assert (
        mapped["Firma"] == "name"
        and mapped["PLZ"] == "postal_code"
        and mapped["Nachname"] == "contact_last_name"
    )
    assert mapped["Betreuer"] == "owner" and mapped["Umsatz"] == "annual_revenue"


def test_a_good_file_is_imported_with_contacts_grouped_by_customer(
    tenant, dave, alice, django_capture_on_commit_callbacks
):
    job = _check_and_run(_job(GOOD, dave), dave, django_capture_on_commit_callbacks)
    assert job.state == ImportJob.State.DONE, job.errors
    assert (job.total_rows, job.created_customers, job.created_contacts) == (3, 2, 2)
    mueller = Customer.objects.get(name="Müller Maschinenbau GmbH")
    assert (
        mueller.country == "DE"
        and mueller.owner == alice
        and str(mueller.annual_revenue) == "1234567.89"
    )
    assert mueller.size_class == "B" and mueller.name_key == "mueller maschinenbau"
    assert sorted(c.last_name for c in mueller.contacts.all()) == ["Huber", "Maier"]
    assert "huber" in mueller.search_text
    weber = Customer.objects.get(name="Weber & Söhne KG")
    assert (
        weber.street == "Ringstraße 5; Hinterhaus" and weber.owner == dave and weber.country == "AT"
    )
    # Imported as pending; the map geocodes the batch once the import commits
    # (tests/mapview/test_imported_geocoding.py).
    assert weber.geocode_status in (Customer.GeocodeStatus.PENDING, Customer.GeocodeStatus.FOUND)


def test_commas_and_quotes_as_spreadsheets_write_them(
    tenant, dave, django_capture_on_commit_callbacks
):
    text = 'Name,City,Postal code,Contact last name\r\n"Komma, Punkt AG",Basel,4051,"O\'Neill"\r\n'
    job = _job(text, dave)
    assert job.delimiter == ","
    job = _check_and_run(job, dave, django_capture_on_commit_callbacks)
    assert job.state == ImportJob.State.DONE
    assert Customer.objects.get(name="Komma, Punkt AG").contacts.get().last_name == "O'Neill"


BAD = (
    "Name;PLZ;Ort;Land;E-Mail;Mitarbeiter;Nachname;Vorname;Betreuer\n"
    "Gut GmbH;10115;Berlin;DE;;;;;\n"
    ";10115;Berlin;DE;;;;;\n"
    "Schlecht AG;10115;Berlin;Narnia;kein-mail;viele;;Otto;nobody@alpha.test\n"
    "Kurz;1\n"
)


def test_bad_lines_are_reported_by_line_column_and_reason_and_nothing_is_written(
    tenant, dave, django_capture_on_commit_callbacks
):
    before = Customer.objects.count()
    job = _check_and_run(_job(BAD, dave), dave, django_capture_on_commit_callbacks)
    assert job.state == ImportJob.State.REJECTED
    report = {(e["line"], e["column"]) for e in job.errors}
    assert (3, "Name") in report
    assert {
        (4, "Land"),
        (4, "E-Mail"),
        (4, "Mitarbeiter"),
        (4, "Nachname"),
        (4, "Betreuer"),
    } <= report
    assert (5, "—") in report and job.error_count == len(job.errors) == 7
    assert all(e["reason"] for e in job.errors)
    assert Customer.objects.count() == before


FORMATS = (
    "Firma;Telefon;Web;Nachname;Durchwahl;Handy\n"
    "Gut GmbH;+49 (0)89 123 456-7;www.gut.de;Huber;0228/12345;0171 2345678\n"
    "Falsch GmbH;ruf mich an;nicht eine adresse;Maier;12;+49 171 x\n"
)


def test_phone_numbers_and_web_addresses_get_the_forms_check_per_line(
    tenant, dave, django_capture_on_commit_callbacks
):
    job = _check_and_run(_job(FORMATS, dave), dave, django_capture_on_commit_callbacks)
    assert job.state == ImportJob.State.REJECTED
    by_column = {e["column"]: e["reason"] for e in job.errors if e["line"] == 3}
    assert set(by_column) == {"Telefon", "Web", "Durchwahl", "Handy"}
    assert by_column["Telefon"].startswith('"ruf mich an": Enter a phone number')
    assert "www.example.de" in by_column["Web"]
    assert not [e for e in job.errors if e["line"] == 2]  # the good line passes
    assert not Customer.objects.filter(name__in=["Gut GmbH", "Falsch GmbH"]).exists()


def test_the_format_messages_are_in_the_users_language(tenant, dave):
    from django.utils import translation

    from customers.imports.checks import import_plan_build

    job = _job(FORMATS, dave)
    with translation.override("de"):
        plan = import_plan_build(job=job)
    reasons = [e["reason"] for e in plan.report if e["column"] == "Telefon"]
    assert reasons and "Telefonnummer" in reasons[0], reasons


def test_a_failure_while_writing_rolls_everything_back(
    tenant, dave, monkeypatch, django_capture_on_commit_callbacks
):
    rows = "Name;Nachname\n" + "".join(
        f"Firma {i};Person {i}\n" for i in range(imports.BATCH_SIZE + 100)
    )
    calls = {"n": 0}
    original = imports.writing.copy_rows

    def failing_copy(model, batch):
        calls["n"] += 1
        if calls["n"] == 3:  # the second batch of customers, after a whole batch was written
            raise RuntimeError("disk full")
        return original(model, batch)

    monkeypatch.setattr(imports.writing, "copy_rows", failing_copy)
    job = _check_and_run(_job(rows, dave), dave, django_capture_on_commit_callbacks)
    assert job.state == ImportJob.State.FAILED and "disk full" in job.message
    assert calls["n"] == 3
    assert not Customer.objects.filter(name__startswith="Firma ").exists()
    assert not ContactPerson.objects.filter(last_name__startswith="Person ").exists()


def test_existing_customers_are_skipped_with_a_warning(
    tenant, dave, django_capture_on_commit_callbacks
):
    existing = make_customer(name="Schon Da GmbH", postal_code="10115", city="Berlin")
    text = "Name;PLZ;Ort\nSchon Da GmbH;10115;Berlin\nNeu GmbH;10115;Berlin\n"
    job = _check_and_run(_job(text, dave), dave, django_capture_on_commit_callbacks)
    assert (
        job.state == ImportJob.State.DONE and job.created_customers == 1 and job.skipped_rows == 1
    )
    assert job.errors[0]["level"] == "warning" and str(existing.pk) in job.errors[0]["reason"]
    assert Customer.objects.filter(name="Schon Da GmbH").count() == 1


def test_a_huge_file_imports_in_batches(tenant, dave, django_capture_on_commit_callbacks):
    n = 20_000
    out = io.StringIO()
    out.write("Firma;PLZ;Ort;Telefon;Vorname;Nachname\n")
    for i in range(n):
        out.write(
            f"Großimport {i} GmbH;{10000 + i % 900};Stadt {i % 300};+49 30 "
            f"{1000000 + i};Vor{i};Nach{i}\n"
        )
    job = _check_and_run(_job(out.getvalue(), dave), dave, django_capture_on_commit_callbacks)
    assert job.state == ImportJob.State.DONE, job.errors[:3]
    assert job.created_customers == n and job.created_contacts == n
    assert Customer.objects.filter(name__startswith="Großimport ").count() == n
    assert (
        ContactPerson.objects.filter(
            last_name__startswith="Nach", customer__name__startswith="Großimport"
        ).count()
        == n
    )


def test_wrong_encoding_gives_a_clear_error(tenant, dave):
    with pytest.raises(imports.ImportFileError, match=r"not valid UTF-8.*line 2"):
        imports.import_job_create(user=dave, upload=_upload("Name\nMüller\n", encoding="cp1252"))
    job = imports.import_job_create(
        user=dave, upload=_upload("Name\nMüller\n", encoding="cp1252"), encoding="cp1252"
    )
    assert job.header == ["Name"]


def test_excel_files_and_empty_files_are_refused_clearly(tenant, dave):
    with pytest.raises(imports.ImportFileError, match="Excel"):
        imports.import_job_create(user=dave, upload=SimpleUploadedFile("x.xlsx", b"PK\x03\x04rest"))
    with pytest.raises(imports.ImportFileError, match="empty"):
        imports.import_job_create(user=dave, upload=SimpleUploadedFile("x.csv", b""))


def test_oversized_uploads_are_refused_on_the_page(tenant, client_for, dave, monkeypatch):
    from customers import forms

    monkeypatch.setattr(forms, "MAX_BYTES", 10)
    response = client_for(dave).post(
        "/customers/import/", {"file": _upload("Name\nA very long line\n"), "encoding": "utf-8"}
    )
    assert response.status_code == 200 and b"too large" in response.content
    assert not ImportJob.objects.exists()


def test_the_pages_walk_through_upload_mapping_dry_run_and_import(
    tenant, client_for, dave, django_capture_on_commit_callbacks
):
    client = client_for(dave)
    response = client.post(
        "/customers/import/", {"file": _upload(GOOD), "encoding": "utf-8", "delimiter": ""}
    )
    job = ImportJob.objects.get()
    assert response["Location"] == f"/customers/import/{job.pk}/mapping/"
    page = client.get(f"/customers/import/{job.pk}/mapping/").content.decode()
    assert "Firma" in page and "Müller Maschinenbau GmbH" in page  # header and preview values
    data = {f"col_{i}": job.mapping.get(str(i), "") for i in range(len(job.header))}
    data.update({"default_owner": dave.pk, "skip_existing": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/customers/import/{job.pk}/mapping/", data)
    assert response["Location"] == f"/customers/import/{job.pk}/"
    detail = client.get(f"/customers/import/{job.pk}/").content.decode()
    assert 'data-testid="import-ready"' in detail and "2 customers" in detail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/customers/import/{job.pk}/start/")
    fragment = client.get(f"/customers/import/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert b'data-state="done"' in fragment.content and b"hx-trigger" not in fragment.content
    assert b"<html" not in fragment.content
    assert Customer.objects.filter(name="Weber & Söhne KG").exists()
    # a finished job cannot be started again
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/customers/import/{job.pk}/start/")
    assert Customer.objects.filter(name="Weber & Söhne KG").count() == 1


def test_a_running_job_keeps_polling_and_shows_progress(tenant, client_for, dave):
    job = _job(GOOD, dave)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING, total_rows=100)
    imports.import_progress_set(job_id=job.pk, phase="write", done=40, total=100)
    fragment = (
        client_for(dave)
        .get(f"/customers/import/{job.pk}/progress/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'hx-trigger="every 1s"' in fragment and 'aria-valuenow="70"' in fragment


def test_mapping_needs_a_name_column_and_each_field_once(tenant, client_for, dave):
    job = _job(GOOD, dave)
    client = client_for(dave)
    data = {f"col_{i}": "" for i in range(len(job.header))}
    assert (
        b"Map one column to the name"
        in client.post(f"/customers/import/{job.pk}/mapping/", data).content
    )
    data.update({"col_0": "name", "col_1": "name"})
    assert (
        b"more than one column" in client.post(f"/customers/import/{job.pk}/mapping/", data).content
    )


def test_the_command_reports_per_line_and_imports(tenant, dave, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="Rejected: 7 error"):
        call_command("import_customers", str(bad), schema="alpha", stdout=out)
    assert "line 4, column Land: unknown country" in out.getvalue()
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_customers",
        str(good),
        schema="alpha",
        owner="dave@alpha.test",
        stdout=out,
        dry_run=True,
    )
    assert (
        "Dry run fine: 2 customers" in out.getvalue()
        and not Customer.objects.filter(name="Weber & Söhne KG").exists()
    )
    call_command(
        "import_customers",
        str(good),
        schema="alpha",
        owner="dave@alpha.test",
        stdout=out,
        map=["Betreuer="],
    )
    weber = Customer.objects.get(name="Weber & Söhne KG")
    assert weber.owner == dave and "Imported 2 customers" in out.getvalue()


def test_the_command_reports_in_the_tenants_language(tenant, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="Abgelehnt: 7 Fehler"):
        call_command("import_customers", str(bad), schema="alpha", stdout=out, language="de")
    assert "Zeile 4, Spalte Land:" in out.getvalue() and "[Fehler]" in out.getvalue()
    assert "line 4" not in out.getvalue()
