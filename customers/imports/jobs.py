"""Import jobs: create from an upload, preview, map the columns, the dry run, start, run (once,
whatever the broker redelivers)."""

from __future__ import annotations

import csv
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.lib.broker import task_send_safely
from crm.permissions import require_importer
from customers.imports.checks import ImportPlan, import_plan_build
from customers.imports.custom import import_fields
from customers.imports.progress import import_progress_set
from customers.imports.reading import (
    MAX_BYTES,
    ImportFileError,
    csv_reader,
    decode_csv_bytes,
    guess_mapping,
    sniff_delimiter,
)
from customers.imports.writing import plan_write
from customers.models import ImportJob

__all__ = [
    "import_job_check",
    "import_job_create",
    "import_job_map",
    "import_job_run",
    "import_job_start",
    "import_preview",
]


def import_job_create(*, user, upload, encoding: str = "utf-8", delimiter: str = "") -> ImportJob:
    """Store an uploaded CSV as an import job after checking size, encoding and header (a manager
    or tenant admin; ``user`` None: the operator's ``import_customers`` command)."""
    if user is not None:
        require_importer(user)
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportFileError(
            _("The file is too large (%(size)d MB); at most %(max)d MB can be imported at once.")
            % {"size": size // (1024 * 1024), "max": MAX_BYTES // (1024 * 1024)}
        )
    raw = upload.read()
    if len(raw) > MAX_BYTES:
        raise ImportFileError(
            _("The file is too large; at most %(max)d MB can be imported at once.")
            % {"max": MAX_BYTES // (1024 * 1024)}
        )
    text = decode_csv_bytes(raw, encoding=encoding)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    delimiter = delimiter or sniff_delimiter(text)
    try:
        header = next(csv_reader(text, delimiter))
    except (csv.Error, StopIteration) as exc:
        raise ImportFileError(_("The first line cannot be read as a CSV header.")) from exc
    header = [h.strip() for h in header]
    if len(header) < 1 or not any(header):
        raise ImportFileError(_("The first line must name the columns."))
    name = getattr(upload, "name", "import.csv") or "import.csv"
    creator = user if getattr(user, "is_authenticated", False) else None
    job = ImportJob(
        original_name=name[-255:],
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        mapping=guess_mapping(header, fields=import_fields(user=creator)),
        created_by=creator,
        default_owner=user if getattr(user, "is_authenticated", False) else None,
    )
    job.file.save("upload.csv", ContentFile(raw), save=False)
    job.save()
    return job


def import_preview(*, job: ImportJob, rows: int = 5) -> list[list[str]]:
    """The first data rows, for the mapping page."""
    job.file.open("rb")
    try:
        raw = job.file.read(256 * 1024)
    finally:
        job.file.close()
    try:
        text = decode_csv_bytes(raw, encoding=job.encoding)
    except ImportFileError:
        text = raw.decode(job.encoding, errors="replace")
    reader = csv_reader(text, job.delimiter)
    next(reader, None)
    out = []
    for row in reader:
        out.append(row)
        if len(out) >= rows:
            break
    return out


@transaction.atomic
def import_job_map(
    *, job: ImportJob, mapping: dict[str, str], default_owner=None, skip_existing: bool = True
) -> ImportJob:
    """Save the column mapping and queue the dry run."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.state in (ImportJob.State.CHECKING, ImportJob.State.IMPORTING, ImportJob.State.DONE):
        raise ValidationError(_("This import is already running or done."))
    fields = [f for f in mapping.values() if f]
    if len(fields) != len(set(fields)):
        raise ValidationError(_("Each field can be mapped to one column only."))
    if "name" not in fields:
        raise ValidationError(_("Map one column to the name."))
    unknown = set(fields) - set(import_fields(user=job.created_by))
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    job.mapping = {k: v for k, v in mapping.items() if v}
    job.default_owner = default_owner
    job.skip_existing = skip_existing
    job.state = ImportJob.State.CHECKING
    job.errors, job.error_count, job.warning_count, job.skipped_rows = [], 0, 0, 0
    job.message = ""
    job.save()
    _queue(job=job, task_name="check")
    return job


def _queue(*, job: ImportJob, task_name: str) -> None:
    task = (
        "customers.import_job_check" if task_name == "check" else "customers.import_job_run"
    )  # customers.tasks
    import_progress_set(job_id=job.pk, phase="queued", done=0, total=0)
    job_id, state = job.pk, job.state
    transaction.on_commit(lambda: _send(task, job_id, state))


def _send(task, job_id: int, state: str) -> None:
    """Queue the job's task; with the broker down the job goes back one step so it can be
    retried."""
    if task_send_safely(task, [job_id]):
        return
    back = (
        ImportJob.State.UPLOADED if state == ImportJob.State.CHECKING else ImportJob.State.CHECKED
    )
    ImportJob.objects.filter(pk=job_id, state=state, started_at__isnull=True).update(
        state=back,
        message=_(
            "The background service cannot be reached right now; nothing was changed. "
            "Please try again in a few minutes."
        ),
    )


def _store_plan(job: ImportJob, plan: ImportPlan) -> None:
    job.total_rows = plan.total_rows
    job.errors = plan.report
    job.error_count = plan.error_count
    job.warning_count = plan.warning_count
    job.skipped_rows = plan.skipped_rows


def import_job_check(*, job_id: int) -> ImportJob:
    """The dry run: check every row, store the report; the job becomes checked or rejected."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        plan = import_plan_build(job=job)
    except ImportFileError as exc:
        job.state, job.message = ImportJob.State.REJECTED, str(exc)
        job.save(update_fields=["state", "message"])
        return job
    _store_plan(job, plan)
    job.created_customers = len(plan.customers)
    job.created_contacts = plan.contact_count
    job.state = ImportJob.State.REJECTED if plan.error_count else ImportJob.State.CHECKED
    job.message = ""
    job.save()
    return job


@transaction.atomic
def import_job_start(*, job: ImportJob, user) -> ImportJob:
    """Queue the real import of a checked job (once; a manager or tenant admin)."""
    require_importer(user)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.state != ImportJob.State.CHECKED:
        raise ValidationError(_("Only a checked file without errors can be imported."))
    job.state = ImportJob.State.IMPORTING
    job.processed_rows = 0
    job.save(update_fields=["state", "processed_rows"])
    _queue(job=job, task_name="run")
    return job


@contextmanager
def _job_lock(job_id: int):
    """A PostgreSQL session lock on the job: True for the one run that holds it. A worker that dies
    loses its connection and with it the lock, so the redelivered task can take over."""
    key = ["customers.import_job:" + connection.schema_name, job_id]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s), %s)", key)
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s), %s)", key)


def import_job_run(*, job_id: int) -> ImportJob:
    """Check the file again and write all customers and contacts in one transaction, or nothing.

    Safe to run again (a task redelivered after its worker was killed, or delivered twice): one run
    at a time holds the job's lock, and the job becomes done in the transaction that writes the
    rows, so a later run finds it done and writes nothing.
    """
    with _job_lock(job_id) as locked:
        job = ImportJob.objects.select_related("created_by").get(pk=job_id)
        if not locked or job.state != ImportJob.State.IMPORTING:
            return job  # running in another worker right now, or finished
        ImportJob.objects.filter(pk=job_id).update(started_at=timezone.now())
        try:
            plan = import_plan_build(job=job, progress_phase="check")
            if plan.error_count:
                _store_plan(job, plan)
                job.state, job.message = (
                    ImportJob.State.REJECTED,
                    _("The file has errors now; nothing was imported."),
                )
            else:
                with transaction.atomic():
                    customers, contacts = plan_write(job=job, plan=plan)
                    _store_plan(job, plan)
                    job.created_customers, job.created_contacts = customers, contacts
                    job.processed_rows = plan.total_rows
                    job.state, job.message = ImportJob.State.DONE, ""
                    job.finished_at = timezone.now()
                    job.save()
                return job
        except ImportFileError as exc:
            job.state, job.message = ImportJob.State.REJECTED, str(exc)
        except Exception as exc:  # noqa: BLE001 - the job must not stay "importing" forever
            job.state, job.message = (
                ImportJob.State.FAILED,
                _("The import failed, nothing was imported: %(e)s") % {"e": exc},
            )
        job.finished_at = timezone.now()
        job.save()
        return job
