"""A CSV import task that runs again (its worker was killed, or the broker delivered it twice)
does no harm. The drill with a real worker killed by SIGKILL is `make check-faults`."""

from __future__ import annotations

import psycopg
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from customers import imports
from customers.models import ContactPerson, Customer, ImportJob

ROWS = "Firma;PLZ;Ort;Nachname\n" + "".join(
    f"Redelivered {n} GmbH;1010;Wien;Person{n}\n" for n in range(30)
)


def _importing_job(user) -> ImportJob:
    job = imports.import_job_create(
        user=user, upload=SimpleUploadedFile("r.csv", ROWS.encode(), content_type="text/csv")
    )
    imports.import_job_map(job=job, mapping=job.mapping, default_owner=user, skip_existing=True)
    imports.import_job_check(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED, job.errors
    imports.import_job_start(job=job, user=user)
    return job


def _imported() -> int:
    return Customer.objects.filter(name__startswith="Redelivered ").count()


def test_a_run_whose_worker_died_is_taken_over_by_the_redelivered_task(tenant, dave):
    job = _importing_job(dave)
    # What a killed worker leaves behind: the job started, nothing written (one transaction).
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now())
    job = imports.import_job_run(job_id=job.pk)
    assert job.state == ImportJob.State.DONE, job.message
    assert job.created_customers == _imported() == 30
    assert ContactPerson.objects.filter(customer__name__startswith="Redelivered ").count() == 30


def test_running_the_task_again_after_it_finished_writes_nothing(tenant, dave):
    job = _importing_job(dave)
    imports.import_job_run(job_id=job.pk)
    again = imports.import_job_run(job_id=job.pk)
    assert again.state == ImportJob.State.DONE and again.created_customers == 30
    assert _imported() == 30


def test_a_second_delivery_while_the_first_still_runs_leaves_it_alone(tenant, dave):
    job = _importing_job(dave)
    db = connection.settings_dict
    other = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    )
    key = ["customers.import_job:" + tenant.schema_name, job.pk]
    try:  # the first run holds the job's lock in its own session
        other.execute("SELECT pg_advisory_lock(hashtext(%s), %s)", key)
        second = imports.import_job_run(job_id=job.pk)
        assert second.state == ImportJob.State.IMPORTING and _imported() == 0
        other.execute("SELECT pg_advisory_unlock(hashtext(%s), %s)", key)  # the first run ends
    finally:
        other.close()
    assert imports.import_job_run(job_id=job.pk).state == ImportJob.State.DONE
    assert _imported() == 30
