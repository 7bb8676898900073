"""Background work of the customers app (tenant-aware: each task runs in the schema it was queued
from)."""

from __future__ import annotations

from crm.celery import app


@app.task(name="customers.import_job_check")
def import_job_check_task(job_id: int) -> None:
    """Dry run of a CSV import: check every row and store the report."""
    from customers.imports import import_job_check

    import_job_check(job_id=job_id)


@app.task(name="customers.import_job_run")
def import_job_run_task(job_id: int) -> None:
    """The real CSV import: all rows in one transaction, or nothing."""
    from customers.imports import import_job_run

    import_job_run(job_id=job_id)
