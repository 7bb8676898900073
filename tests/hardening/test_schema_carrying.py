"""Celery tasks, the cache and uploaded files carry their tenant's schema and respect it.

The ids collide across tenants on purpose (the same import-job id in alpha and beta), so anything
that lost the schema on the way would read or write the other tenant's row.
"""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from crm.models import User
from customers import imports
from customers.models import Customer, ImportJob
from tests.builders.sales import make_process, make_project
from tests.conftest import tenant_client

SHARED_ID = 987_650_000  # an import-job id used in both tenants


def _job(schema: str, pk: int, body: str) -> ImportJob:
    """An uploaded import job with a fixed id in ``schema`` (as import_job_create would store
    it)."""
    with schema_context(schema):
        job = ImportJob(
            pk=pk,
            original_name=f"{schema}.csv",
            header=["Name", "Ort"],
            mapping={"0": "name", "1": "city"},
            created_by=User.objects.get(email=f"dave@{schema}.test"),
        )
        job.file.save("upload.csv", ContentFile(body.encode()), save=False)
        job.save()
        return job


# --- Celery ---------------------------------------------------------------------------------


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def worker_env(media_root):
    return {"MEDIA_ROOT": str(media_root)}  # the worker reads the uploads the test stores


@pytest.mark.slow
def test_a_task_queued_in_each_tenant_runs_in_that_tenants_schema_on_a_real_worker(
    real_worker, django_db_blocker
):
    pk = SHARED_ID + int(uuid.uuid4().int % 1000)
    rows = {"alpha": 3, "beta": 5}  # different files behind the same job id
    with django_db_blocker.unblock():
        try:
            for schema, n in rows.items():
                job = _job(
                    schema,
                    pk,
                    "Name;Ort\n" + "".join(f"{schema} worker {i};Bonn\n" for i in range(n)),
                )
                with schema_context(schema):
                    imports.import_job_map(
                        job=job, mapping={"0": "name", "1": "city"}
                    )  # queues the dry run
            deadline = time.monotonic() + 60
            checked = {}
            while len(checked) < 2 and time.monotonic() < deadline:
                for schema in rows:
                    with schema_context(schema):
                        job = ImportJob.objects.get(pk=pk)
                    if job.state != ImportJob.State.CHECKING:
                        checked[schema] = job
                time.sleep(0.2)
            assert {s: (j.state, j.total_rows) for s, j in checked.items()} == {
                "alpha": (ImportJob.State.CHECKED, 3),
                "beta": (ImportJob.State.CHECKED, 5),
            }
            assert (
                real_worker.log.read_text().count("customers.import_job_check") >= 2
            )  # the worker ran them
        finally:
            for schema in rows:
                with schema_context(schema):
                    ImportJob.objects.filter(pk=pk).delete()
            connection.set_schema_to_public()


# --- the cache ------------------------------------------------------------------------------


def test_the_same_cache_key_in_two_tenants_holds_two_values(tenant, tenant_cache):
    with schema_context("alpha"):
        tenant_cache.set("hardening:key", "alpha's value")
    with schema_context("beta"):
        assert tenant_cache.get("hardening:key") is None
        tenant_cache.set("hardening:key", "beta's value")
    with schema_context("alpha"):
        assert tenant_cache.get("hardening:key") == "alpha's value"
    with schema_context("beta"):
        assert tenant_cache.get("hardening:key") == "beta's value"
        tenant_cache.delete("hardening:key")
    with schema_context("alpha"):
        assert tenant_cache.get("hardening:key") == "alpha's value"


def test_cached_pipeline_rollups_are_kept_per_tenant(
    tenant, other_tenant, tenant_cache, settings, dave
):
    from sales.models import SalesProject
    from sales.selectors.totals import _pipeline_rollup, pipeline_rollup

    settings.SALES_ROLLUP_CACHE_SECONDS = (
        120  # on, as in production (tests switch it off by default)
    )
    make_project(process=make_process(), owner=dave, volume=Decimal("7777777.00"))
    alpha = pipeline_rollup(projects=SalesProject.objects.all())[None]
    assert alpha.volume >= Decimal("7777777.00")
    # the cache is really in use: a row written around the services does not show until it expires
    make_project(process=make_process(), owner=dave, volume=Decimal("5.00"))
    assert pipeline_rollup(projects=SalesProject.objects.all())[None] == alpha
    with schema_context("beta"):
        # the very same SQL text, another schema: beta's own figures, not alpha's cached ones
        beta = pipeline_rollup(projects=SalesProject.objects.all())[None]
        assert beta == _pipeline_rollup(projects=SalesProject.objects.all(), group_by=None)[None]
    assert beta != alpha


FIGURE_PAGES = [
    "/",
    "/sales/projects/",
    "/sales/projects/board/",
    "/sales/groups/",
    "/customers/",
    "/map/",
    "/activity/",
]


def test_pages_with_cached_figures_never_show_one_tenants_numbers_on_the_other(
    tenant, other_tenant, tenant_cache, settings, dave
):
    from tests.builders.mapview import make_located_customer

    settings.SALES_ROLLUP_CACHE_SECONDS = 120
    customer = make_located_customer(
        -33.8688, 151.2093, owner=dave, name="Sydney Pty"
    )  # a far-away map extent
    make_project(
        process=make_process(), customer=customer, owner=dave, volume=Decimal("7777777.00")
    )
    alpha = tenant_client(tenant, dave)
    for url in FIGURE_PAGES:  # fills the caches in alpha
        assert alpha.get(url).status_code == 200, url
    assert "151.2093" in alpha.get("/map/").content.decode()  # alpha's own page shows its extent
    with schema_context("beta"):
        beta = tenant_client(other_tenant, User.objects.get(email="dave@beta.test"))
    for url in FIGURE_PAGES:  # the same URLs, so the same cache keys but for the schema
        page = beta.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        for alpha_figure in ("7,777,777", "7.777.777", "7777777", "151.2093", "Sydney Pty"):
            assert alpha_figure not in text, (url, alpha_figure)


def test_the_import_progress_of_a_job_id_is_kept_per_tenant(
    tenant, other_tenant, tenant_cache, media_root
):
    alpha_job = _job("alpha", SHARED_ID, "Name;Ort\nA;Bonn\n")
    beta_job = _job("beta", SHARED_ID, "Name;Ort\nB;Bonn\n")
    for job in (alpha_job, beta_job):
        job.state = ImportJob.State.IMPORTING
    with schema_context("alpha"):
        imports.import_progress_set(job_id=SHARED_ID, phase="write", done=40, total=80)
        assert imports.import_progress_get(job=alpha_job)["done"] == 40
    with schema_context("beta"):
        assert imports.import_progress_get(job=beta_job)["done"] == 0  # not alpha's 40


def test_failed_logins_on_one_tenant_do_not_lock_out_the_same_address_on_another(
    tenant, other_tenant, tenant_cache, settings
):
    settings.LOGIN_RATE_LIMIT = 3
    email = "shared@example.test"
    for _ in range(4):
        tenant_client(tenant).post("/login/", {"email": email, "password": "wrong"})
    locked = tenant_client(tenant).post("/login/", {"email": email, "password": "wrong"})
    fresh = tenant_client(other_tenant).post("/login/", {"email": email, "password": "wrong"})
    assert "Too many" in locked.content.decode() or locked.status_code == 429
    assert "Too many" not in fresh.content.decode() and fresh.status_code != 429


# --- uploaded files -------------------------------------------------------------------------


def _upload(client, name: str, body: bytes):
    return client.post(
        "/customers/import/",
        {"file": SimpleUploadedFile(name, body, content_type="text/csv"), "encoding": "utf-8"},
    )


def test_uploads_are_stored_in_a_folder_of_their_tenant_whatever_the_file_is_called(
    tenant, other_tenant, media_root, dave
):
    with schema_context("beta"):
        beta_dave = User.objects.get(email="dave@beta.test")
    alpha = _upload(tenant_client(tenant, dave), "kunden.csv", b"Name;Ort\nAlpha GmbH;Bonn\n")
    beta = _upload(
        tenant_client(other_tenant, beta_dave),
        "../../alpha/kunden.csv",
        b"Name;Ort\nBeta GmbH;Bonn\n",
    )
    assert alpha.status_code == beta.status_code == 302
    with schema_context("alpha"):
        alpha_job = ImportJob.objects.latest("pk")
    with schema_context("beta"):
        beta_job = ImportJob.objects.latest("pk")
    assert alpha_job.file.name.startswith("imports/alpha/") and beta_job.file.name.startswith(
        "imports/beta/"
    )
    assert (media_root / alpha_job.file.name).read_bytes().endswith(b"Alpha GmbH;Bonn\n")
    assert (media_root / beta_job.file.name).read_bytes().endswith(b"Beta GmbH;Bonn\n")
    assert ".." not in beta_job.file.name
    # uploads are never served by path, on either host
    for client, job in (
        (tenant_client(tenant, dave), alpha_job),
        (tenant_client(other_tenant, beta_dave), alpha_job),
    ):
        assert client.get(f"/media/{job.file.name}").status_code == 404


def test_an_import_id_of_one_tenant_reads_and_processes_only_that_tenants_file(
    tenant, other_tenant, media_root, dave, django_capture_on_commit_callbacks
):
    _job("alpha", SHARED_ID, "Name;Ort\nOnly In Alpha GmbH;Bonn\n")
    _job("beta", SHARED_ID, "Name;Ort\nOnly In Beta GmbH;Köln\n")
    with schema_context("beta"):
        beta_dave = User.objects.get(email="dave@beta.test")
    beta = tenant_client(other_tenant, beta_dave)

    mapping = beta.get(f"/customers/import/{SHARED_ID}/mapping/").content.decode()
    assert "Only In Beta GmbH" in mapping and "Only In Alpha GmbH" not in mapping

    # the dry run and the import (in-process in tests) read beta's file and write beta's rows
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            beta.post(
                f"/customers/import/{SHARED_ID}/mapping/",
                {"col_0": "name", "col_1": "city", "skip_existing": "on"},
            ).status_code
            == 302
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert beta.post(f"/customers/import/{SHARED_ID}/start/").status_code == 302
    with schema_context("beta"):
        assert ImportJob.objects.get(pk=SHARED_ID).state == ImportJob.State.DONE
        assert Customer.objects.filter(name="Only In Beta GmbH").exists()
        assert not Customer.objects.filter(name="Only In Alpha GmbH").exists()
    with schema_context("alpha"):
        assert ImportJob.objects.get(pk=SHARED_ID).state == ImportJob.State.UPLOADED
        assert not Customer.objects.filter(name__startswith="Only In").exists()


def test_an_upload_id_that_exists_only_in_another_tenant_is_404_on_every_import_page(
    tenant, other_tenant, media_root
):
    alpha_only = SHARED_ID + 1
    _job("alpha", alpha_only, "Name;Ort\nSecret Alpha GmbH;Bonn\n")
    with schema_context("beta"):
        beta_dave = User.objects.get(email="dave@beta.test")
    beta = tenant_client(other_tenant, beta_dave)
    for method, url in (
        ("get", "/customers/import/{}/"),
        ("get", "/customers/import/{}/mapping/"),
        ("post", "/customers/import/{}/mapping/"),
        ("get", "/customers/import/{}/progress/"),
        ("post", "/customers/import/{}/start/"),
    ):
        response = getattr(beta, method)(
            url.format(alpha_only), {"col_0": "name"} if method == "post" else None
        )
        assert response.status_code == 404, (method, url)
        assert b"Secret Alpha" not in response.content
    with schema_context("alpha"):
        assert ImportJob.objects.get(pk=alpha_only).state == ImportJob.State.UPLOADED
