"""manage.py import_customers --schema S FILE: the CSV import for operators, with the same per-line
report."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from crm.lib.commands import command_translation
from crm.models import User
from customers import imports
from customers.models import ImportJob
from tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Import customers (with contact persons) from a CSV file into a tenant: dry run, report, "
        "then all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--schema", required=True, help="the tenant's schema name")
        parser.add_argument(
            "--encoding", default="utf-8", choices=[e for e, _l in imports.ENCODINGS]
        )
        parser.add_argument("--delimiter", default="", help="; or , or tab (default: detected)")
        parser.add_argument(
            "--owner", default="", help="e-mail of the user who owns rows without an owner column"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="map a column (header text) to a field; fields: "
            f"{', '.join(imports.IMPORT_FIELDS)} and cf_<key> / contact_cf_<key> for custom fields",
        )
        parser.add_argument(
            "--keep-existing", action="store_true", help="import rows even if the customer exists"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report only; write nothing"
        )
        parser.add_argument(
            "--language", default="", help="language of the report (default: the tenant's)"
        )

    def handle(self, *args, **opts):
        # the report is read by the tenant's admin: in the tenant's language, like the import page
        with command_translation(schema=opts["schema"], requested=opts["language"]):
            self._handle(**opts)

    def _handle(self, **opts):
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        schema = opts["schema"]
        if not Tenant.objects.filter(schema_name=schema).exclude(schema_name="public").exists():
            raise CommandError(_("No tenant with schema “%(schema)s”.") % {"schema": schema})
        delimiter = {"tab": "\t", "\\t": "\t"}.get(opts["delimiter"], opts["delimiter"])
        with schema_context(schema):
            owner = None
            if opts["owner"]:
                owner = User.objects.filter(email__iexact=opts["owner"], is_active=True).first()
                if owner is None:
                    raise CommandError(
                        _("No active user “%(email)s” in “%(schema)s”.")
                        % {"email": opts["owner"], "schema": schema}
                    )
            upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
            try:
                job = imports.import_job_create(
                    user=None, upload=upload, encoding=opts["encoding"], delimiter=delimiter
                )
            except imports.ImportFileError as exc:
                raise CommandError(str(exc)) from exc
            job.mapping = self._mapping(job, opts["map"])
            job.default_owner = owner
            job.skip_existing = not opts["keep_existing"]
            job.state = ImportJob.State.CHECKING
            job.save()
            self.stdout.write(_("Columns: %(columns)s") % {"columns": self._describe(job)})
            job = self._with_progress(job, imports.import_job_check, _("checking"))
            self._report(job)
            if job.state != ImportJob.State.CHECKED:
                raise CommandError(
                    _("Rejected: %(n)s error(s); nothing was imported.") % {"n": job.error_count}
                )
            self.stdout.write(
                _("Dry run fine: %(c)s customers, %(p)s contact persons, %(s)s rows skipped.")
                % {"c": job.created_customers, "p": job.created_contacts, "s": job.skipped_rows}
            )
            if opts["dry_run"]:
                return
            ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING)
            started = time.monotonic()
            job = self._with_progress(job, imports.import_job_run, _("importing"))
            if job.state != ImportJob.State.DONE:
                self._report(job)
                raise CommandError(job.message or _("The import failed; nothing was imported."))
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Imported %(c)s customers and %(p)s contact persons in %(s)s s (job "
                        "#%(job)s)."
                    )
                    % {
                        "c": job.created_customers,
                        "p": job.created_contacts,
                        "s": f"{time.monotonic() - started:.1f}",
                        "job": job.pk,
                    }
                )
            )

    def _mapping(self, job: ImportJob, pairs: list[str]) -> dict[str, str]:
        mapping = dict(job.mapping)
        for pair in pairs:
            column, _sep, field = pair.partition("=")
            if field and field not in imports.import_fields(user=job.created_by):
                raise CommandError(_("Unknown field “%(field)s”.") % {"field": field})
            if column not in job.header:
                raise CommandError(
                    _("No column “%(column)s” in the file; columns: %(columns)s")
                    % {"column": column, "columns": ", ".join(job.header)}
                )
            index = str(job.header.index(column))
            mapping = {k: v for k, v in mapping.items() if v != field or not field}
            if field:
                mapping[index] = field
            else:
                mapping.pop(index, None)
        return mapping

    def _describe(self, job: ImportJob) -> str:
        return ", ".join(f"{h} -> {job.mapping.get(str(i), '-')}" for i, h in enumerate(job.header))

    def _with_progress(self, job: ImportJob, func, label: str) -> ImportJob:
        """Run ``func`` in a thread (its own connection, same schema) and draw a progress line
        meanwhile."""
        from django.db import connection

        if not sys.stdout.isatty():
            return func(job_id=job.pk)  # no one watches a progress line: run in this thread
        schema = connection.schema_name
        done = threading.Event()
        result: dict = {}

        def run():
            try:
                with schema_context(schema):
                    result["job"] = func(job_id=job.pk)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                result["error"] = exc
            finally:
                connection.close()
                done.set()

        threading.Thread(target=run, daemon=True).start()
        while not done.wait(0.5):
            progress = imports.import_progress_get(job=ImportJob.objects.get(pk=job.pk))
            self.stdout.write(f"\r{label}: {progress.get('percent', 0):3d} %", ending="")
            self.stdout.flush()
        self.stdout.write(f"\r{label}: {_('done')}   ")
        if "error" in result:
            raise result["error"]
        return result["job"]

    def _report(self, job: ImportJob) -> None:
        if job.message:
            self.stderr.write(job.message)
        for entry in job.errors:
            level = _("warning") if entry.get("level") == "warning" else _("error")
            self.stdout.write(
                _("line %(line)s, column %(column)s: %(reason)s [%(level)s]")
                % {
                    "line": entry["line"],
                    "column": entry["column"],
                    "reason": entry["reason"],
                    "level": level,
                }
            )
        shown = len(job.errors)
        if job.error_count + job.warning_count > shown:
            self.stdout.write(
                _("... %(n)s more not shown") % {"n": job.error_count + job.warning_count - shown}
            )
