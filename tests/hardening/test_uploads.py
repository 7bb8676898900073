"""Oversized uploads and files in the wrong encoding: a clear error next to the file field (or
from the command), no import job, no stored file, no customer."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from customers import forms as customer_forms
from customers import imports
from customers.models import Customer, ImportJob

CSV_TEXT = "Name;Ort\nMüller Größe GmbH;Köln\nÆrø Café;Bonn\n"


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def _upload(client, body: bytes, *, encoding: str = "utf-8", name: str = "kunden.csv"):
    return client.post(
        "/customers/import/",
        {"file": SimpleUploadedFile(name, body, content_type="text/csv"), "encoding": encoding},
    )


def _refused(response, media_root, *, says: str) -> None:
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["file"], form.errors
    html = response.content.decode()
    field_at, error_at = html.index('name="file"'), html.index(says)
    assert abs(error_at - field_at) < 1500  # shown next to the file field
    assert not ImportJob.objects.exists()
    assert not _stored_files(media_root)


BAD_FILES = {
    "utf-16 (Excel's 'Unicode text')": (
        "utf-8",
        CSV_TEXT.encode("utf-16"),
        "contains binary data or is UTF-16",
    ),
    "cp1252 sent as utf-8": (
        "utf-8",
        CSV_TEXT.encode("cp1252"),
        "The file is not valid UTF-8: byte 0xFC in line 2",
    ),
    "binary garbage": ("utf-8", bytes(range(256)) * 40, "contains binary data or is UTF-16"),
    "an Excel workbook": (
        "utf-8",
        b"PK\x03\x04" + bytes(200),
        "This is an Excel or other zip file, not CSV",
    ),
    "utf-8 with invalid bytes late in the file": (
        "utf-8",
        ("Name;Ort\n" + "A;B\n" * 3000).encode() + b"\xff\xfe;x\n",
        "byte 0xFF in line 3002",
    ),
    "only a byte-order mark": ("utf-8", b"\xef\xbb\xbf", "The file is empty."),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_files_in_a_wrong_encoding_get_a_clear_error_and_nothing_is_written(
    tenant, client_for, dave, media_root, kind
):
    encoding, body, message = BAD_FILES[kind]
    _refused(_upload(client_for(dave), body, encoding=encoding), media_root, says=message)


def test_the_same_cp1252_file_is_accepted_when_its_encoding_is_chosen(
    tenant, client_for, dave, media_root
):
    response = _upload(client_for(dave), CSV_TEXT.encode("cp1252"), encoding="cp1252")
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert imports.import_preview(job=job)[0] == ["Müller Größe GmbH", "Köln"]


def test_a_file_over_the_import_limit_is_refused_before_anything_is_stored(
    tenant, client_for, dave, media_root, monkeypatch
):
    monkeypatch.setattr(
        customer_forms, "MAX_BYTES", 1024 * 1024
    )  # a 1 MB limit, to keep the test light
    monkeypatch.setattr(imports.jobs, "MAX_BYTES", 1024 * 1024)
    body = ("Name;Ort\n" + "Ein Kunde GmbH;Bonn\n" * 60_000).encode()  # ~1.2 MB
    _refused(
        _upload(client_for(dave), body),
        media_root,
        says="The file is too large (1 MB); at most 1 MB",
    )


@pytest.mark.slow
def test_a_file_over_the_real_50_mb_limit_is_refused(tenant, client_for, dave, media_root):
    assert imports.MAX_BYTES == 50 * 1024 * 1024
    body = b"Name;Ort\n" + b"x" * (imports.MAX_BYTES + 1)
    _refused(
        _upload(client_for(dave), body), media_root, says="at most 50 MB can be imported at once"
    )


def test_a_form_post_over_the_request_size_limit_is_a_400_not_a_500(
    tenant, client_for, dave, settings
):
    # DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB) bounds the non-file fields of a request
    response = client_for(dave).post(
        "/customers/new/",
        {
            "kind": "company",
            "country": "DE",
            "name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        },
    )
    assert response.status_code == 400
    assert not Customer.objects.filter(name__startswith="xxxx").exists()


@pytest.mark.parametrize(
    "kind", ["utf-16 (Excel's 'Unicode text')", "cp1252 sent as utf-8", "binary garbage"]
)
def test_the_import_command_refuses_a_file_in_a_wrong_encoding_with_one_clear_line(
    tenant, tmp_path, media_root, kind
):
    _encoding, body, message = BAD_FILES[kind]
    path = tmp_path / "kunden.csv"
    path.write_bytes(body)
    before = Customer.objects.count()
    with pytest.raises(CommandError) as error:
        call_command(
            "import_customers", "--schema", "alpha", str(path)
        )  # no --encoding: UTF-8 is assumed
    assert message in str(error.value)
    assert Customer.objects.count() == before and not ImportJob.objects.exists()
