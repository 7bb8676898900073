"""CSV import of customers with contact persons: reading, column mapping, row checks, the writes.

The flow: ``import_job_create`` stores the upload and reads its header; ``import_job_map`` saves the
column mapping and queues the dry run; ``import_job_check`` reads every row and writes a report
(line, column, reason) without touching customers; ``import_job_start`` queues the real import;
``import_job_run`` checks again and writes everything in one transaction, or nothing.
Progress goes to the cache (the job row only changes outside the import's transaction).
"""

from __future__ import annotations

import csv
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm import events
from crm.lib.broker import task_send_safely
from crm.models import User
from customers import normalize
from customers.bulk import copy_rows, reserve_ids
from customers.models import ContactPerson, Customer, ImportJob
from customers.services import size_class_derive, size_thresholds_get

MAX_BYTES = getattr(settings, "CUSTOMER_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
BATCH_SIZE = 5000
REPORT_LIMIT = 1000
ENCODINGS = [("utf-8", gettext_lazy("UTF-8 (also with BOM)")), ("cp1252", gettext_lazy("Windows-1252 (older Excel)")),
             ("latin-1", gettext_lazy("ISO-8859-1 (Latin-1)"))]
DELIMITERS = [(";", gettext_lazy("Semicolon ;")), (",", gettext_lazy("Comma ,")), ("\t", gettext_lazy("Tab"))]

# field name -> (label, header aliases as folded by normalize.text_fold)
IMPORT_FIELDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "name": (gettext_lazy("Name"), ("name", "firma", "company", "firmenname", "unternehmen", "kunde", "customer", "company name")),
    "kind": (gettext_lazy("Kind (company / person)"), ("kind", "art", "typ", "type", "kundenart")),
    "status": (gettext_lazy("Status (lead / customer)"), ("status",)),
    "street": (gettext_lazy("Street"), ("street", "strasse", "adresse", "address", "anschrift")),
    "postal_code": (gettext_lazy("Postal code"), ("postal code", "plz", "postleitzahl", "zip", "zip code", "postcode")),
    "city": (gettext_lazy("City"), ("city", "ort", "stadt", "town")),
    "country": (gettext_lazy("Country"), ("country", "land", "laenderkennzeichen")),
    "phone": (gettext_lazy("Phone"), ("phone", "telefon", "tel", "telephone")),
    "email": (gettext_lazy("E-mail"), ("email", "e mail", "mail")),
    "website": (gettext_lazy("Web"), ("website", "web", "webseite", "homepage", "url", "internet")),
    "industry": (gettext_lazy("Industry"), ("industry", "branche")),
    "owner": (gettext_lazy("Owner (e-mail of a user)"), ("owner", "betreuer", "verantwortlich", "owner email", "owner e mail")),
    "annual_revenue": (gettext_lazy("Annual revenue"), ("annual revenue", "revenue", "umsatz", "jahresumsatz")),
    "employees": (gettext_lazy("Employees"), ("employees", "mitarbeiter", "mitarbeiterzahl", "beschaeftigte")),
    "size_class": (gettext_lazy("Size class (A-D)"), ("size class", "groessenklasse", "klasse", "size")),
    "contact_first_name": (gettext_lazy("Contact: first name"), ("contact first name", "vorname", "first name", "ansprechpartner vorname")),
    "contact_last_name": (gettext_lazy("Contact: last name"), ("contact last name", "nachname", "last name", "ansprechpartner", "ansprechpartner nachname", "contact")),
    "contact_position": (gettext_lazy("Contact: position"), ("position", "contact position", "funktion", "rolle")),
    "contact_email": (gettext_lazy("Contact: e-mail"), ("contact email", "contact e mail", "ansprechpartner e mail", "ansprechpartner email")),
    "contact_phone": (gettext_lazy("Contact: phone"), ("contact phone", "ansprechpartner telefon", "durchwahl")),
    "contact_mobile": (gettext_lazy("Contact: mobile"), ("mobile", "mobil", "handy", "contact mobile")),
}
COUNTRY_NAMES = {
    "deutschland": "DE", "germany": "DE", "oesterreich": "AT", "austria": "AT", "schweiz": "CH", "switzerland": "CH",
    "suisse": "CH", "svizzera": "CH", "liechtenstein": "LI", "luxemburg": "LU", "luxembourg": "LU",
    "niederlande": "NL", "netherlands": "NL", "belgien": "BE", "belgium": "BE", "frankreich": "FR", "france": "FR",
    "italien": "IT", "italy": "IT", "daenemark": "DK", "denmark": "DK", "polen": "PL", "poland": "PL",
    "tschechien": "CZ", "czechia": "CZ", "spanien": "ES", "spain": "ES",
}
KINDS = {"company": "company", "firma": "company", "unternehmen": "company", "person": "person",
         "private person": "person", "privatperson": "person", "privat": "person"}
STATUSES = {"customer": "customer", "kunde": "customer", "lead": "lead", "interessent": "lead"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, size, not a CSV)."""


# --- reading the file --------------------------------------------------------------------------

def decode_csv_bytes(raw: bytes, *, encoding: str = "utf-8") -> str:
    """The file's text without BOM; a clear ImportFileError when it is not text in that encoding."""
    if raw.startswith(b"PK\x03\x04"):
        raise ImportFileError(_("This is an Excel or other zip file, not CSV. Save it as \"CSV UTF-8\" and upload that."))
    if b"\x00" in raw[:4096]:
        raise ImportFileError(_("This does not look like a CSV text file (it contains binary data or is UTF-16)."))
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _("The file is not valid %(encoding)s: byte 0x%(byte)02X in line %(line)d cannot be read. "
              "Save it as \"CSV UTF-8\" or choose the encoding it was written in.")
            % {"encoding": encoding.upper(), "byte": raw[exc.start], "line": line}
        ) from exc
    except LookupError as exc:
        raise ImportFileError(_("Unknown encoding %(encoding)s.") % {"encoding": encoding}) from exc


def sniff_delimiter(text: str) -> str:
    """; or , or tab, whichever the header line uses most (outside quotes)."""
    first = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _reader(text: str, delimiter: str):
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)


def guess_mapping(header: list[str]) -> dict[str, str]:
    """Column index (as str) -> field, from header names in English or German."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    folded = [normalize.text_fold(h) for h in header]
    for exact_pass in (True, False):
        for index, name in enumerate(folded):
            if str(index) in mapping or not name:
                continue
            for fname, (_label, aliases) in IMPORT_FIELDS.items():
                if fname in taken:
                    continue
                if name in aliases or name == fname.replace("_", " ") or (
                    not exact_pass and any(name.startswith(a + " ") for a in aliases)
                ):
                    mapping[str(index)] = fname
                    taken.add(fname)
                    break
    return mapping


# --- checking rows -----------------------------------------------------------------------------

@dataclass
class ImportPlan:
    """What a checked file would write: customers with their contacts, and the report."""

    customers: list[dict] = field(default_factory=list)  # field attname -> value, ready for COPY
    contacts: list[list[dict]] = field(default_factory=list)  # per customer, same order
    report: list[dict] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    skipped_rows: int = 0
    total_rows: int = 0

    def add(self, *, line: int, column: str, reason: str, level: str = "error") -> None:
        if level == "error":
            self.error_count += 1
        else:
            self.warning_count += 1
        if len(self.report) < REPORT_LIMIT:
            self.report.append({"line": line, "column": str(column), "reason": str(reason), "level": level})

    @property
    def contact_count(self) -> int:
        return sum(len(c) for c in self.contacts)


def _decimal(text: str) -> Decimal:
    cleaned = text.replace(" ", "").replace("€", "").replace("EUR", "").replace("'", "")
    if "," in cleaned and "." in cleaned:
        # German "1.234.567,89" or English "1,234,567.89": the last separator is the decimal one.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".") if len(cleaned.rsplit(",", 1)[1]) != 3 else cleaned.replace(",", "")
    elif cleaned.count(".") > 1:
        cleaned = cleaned.replace(".", "")
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value


class _RowChecker:
    """Checks rows one by one and turns good ones into unsaved model instances."""

    def __init__(self, *, job: ImportJob, header: list[str], plan: ImportPlan):
        self.job, self.header, self.plan = job, header, plan
        self.mapping = {int(k): v for k, v in job.mapping.items() if v}
        self.columns = {fname: header[index] if index < len(header) else fname for index, fname in self.mapping.items()}
        self.users = {email.lower(): pk for pk, email in User.objects.filter(is_active=True).values_list("pk", "email")}
        if job.created_by_id and not job.created_by.is_tenant_admin:
            from customers.selectors import owner_choices

            self.allowed_owner_ids = set(owner_choices(user=job.created_by).values_list("pk", flat=True))
        else:
            self.allowed_owner_ids = None
        self.thresholds = size_thresholds_get()
        self.existing: dict[tuple[str, str], int] = {}
        if job.skip_existing:
            for pk, key, pc, city in Customer.objects.values_list("pk", "name_key", "postal_code", "city").iterator(chunk_size=5000):
                self.existing.setdefault((key, pc), pk)
                self.existing.setdefault((key, normalize.text_fold(city)), pk)
        self.in_file: dict[tuple[str, str, str], int] = {}  # customer key -> index in plan.customers
        self.max_lengths = {f.name: f.max_length for f in Customer._meta.fields if getattr(f, "max_length", None)}
        self.contact_max = {f.name: f.max_length for f in ContactPerson._meta.fields if getattr(f, "max_length", None)}

    def _err(self, line: int, fname: str, reason: str) -> None:
        self.plan.add(line=line, column=self.columns.get(fname, fname), reason=reason)

    def check(self, line: int, row: list[str]) -> None:
        if len(row) != len(self.header):
            self.plan.add(line=line, column="—", reason=_("expected %(n)d columns, found %(m)d") % {"n": len(self.header), "m": len(row)})
            return
        v = {fname: row[index].strip() for index, fname in self.mapping.items()}
        errors_before = self.plan.error_count
        values: dict[str, Any] = {}
        name = v.get("name", "")
        if not name:
            self._err(line, "name", _("a name is required"))
        values["name"] = name
        for fname in ("street", "postal_code", "city", "phone", "industry", "website"):
            values[fname] = v.get(fname, "")
        for fname, text in values.items():
            limit = self.max_lengths.get(fname)
            if limit and len(text) > limit:
                self._err(line, fname, _("longer than %(n)d characters") % {"n": limit})
        kind = v.get("kind", "")
        values["kind"] = KINDS.get(normalize.text_fold(kind), None) if kind else Customer.Kind.COMPANY
        if values["kind"] is None:
            self._err(line, "kind", _("unknown kind \"%(v)s\" (company or person)") % {"v": kind})
        status = v.get("status", "")
        values["status"] = STATUSES.get(normalize.text_fold(status)) if status else Customer.Status.CUSTOMER
        if values["status"] is None:
            self._err(line, "status", _("unknown status \"%(v)s\" (lead or customer)") % {"v": status})
        country = v.get("country", "")
        if not country:
            values["country"] = "DE"
        elif len(country) == 2 and country.isalpha():
            values["country"] = country.upper()
        elif normalize.text_fold(country) in COUNTRY_NAMES:
            values["country"] = COUNTRY_NAMES[normalize.text_fold(country)]
        else:
            self._err(line, "country", _("unknown country \"%(v)s\" (use a code such as DE, AT, CH)") % {"v": country})
        email = v.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self._err(line, "email", _("\"%(v)s\" is not a valid e-mail address") % {"v": email})
        values["email"] = email
        owner = v.get("owner", "")
        values["owner_id"] = self.job.default_owner_id
        if owner:
            owner_id = self.users.get(owner.lower())
            if owner_id is None:
                self._err(line, "owner", _("no active user with the e-mail \"%(v)s\"") % {"v": owner})
            elif self.allowed_owner_ids is not None and owner_id not in self.allowed_owner_ids:
                self._err(line, "owner", _("you cannot make \"%(v)s\" owner") % {"v": owner})
            values["owner_id"] = owner_id
        revenue = v.get("annual_revenue", "")
        values["annual_revenue"] = None
        if revenue:
            try:
                values["annual_revenue"] = _decimal(revenue)
                if values["annual_revenue"] < 0 or values["annual_revenue"] >= Decimal("1e14"):
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                self._err(line, "annual_revenue", _("\"%(v)s\" is not an amount") % {"v": revenue})
        employees = v.get("employees", "")
        values["employees"] = None
        if employees:
            digits = employees.replace(".", "").replace(",", "").replace(" ", "").replace("'", "")
            if digits.isdigit() and int(digits) < 2**31:
                values["employees"] = int(digits)
            else:
                self._err(line, "employees", _("\"%(v)s\" is not a whole number") % {"v": employees})
        size = v.get("size_class", "").upper()
        if size and size not in Customer.SizeClass.values:
            self._err(line, "size_class", _("size class must be A, B, C or D"))
        contact = {key[len("contact_"):]: v.get(key, "") for key in IMPORT_FIELDS if key.startswith("contact_")}
        has_contact = any(contact.values())
        if has_contact and not contact["last_name"]:
            self._err(line, "contact_last_name", _("a contact person needs a last name"))
        if contact.get("email"):
            try:
                validate_email(contact["email"])
            except ValidationError:
                self._err(line, "contact_email", _("\"%(v)s\" is not a valid e-mail address") % {"v": contact["email"]})
        for key, text in contact.items():
            limit = self.contact_max.get(key)
            if limit and len(text) > limit:
                self._err(line, f"contact_{key}", _("longer than %(n)d characters") % {"n": limit})
        if self.plan.error_count != errors_before:
            return
        self._add(line, values, size, contact if has_contact else None)

    def _add(self, line: int, values: dict, size: str, contact: dict | None) -> None:
        key = normalize.name_key(values["name"])
        file_key = (key, values["postal_code"], normalize.text_fold(values["city"]))
        index = self.in_file.get(file_key)
        if index is None:
            existing = self.existing.get((key, values["postal_code"])) if values["postal_code"] else None
            if existing is None and values["city"]:
                existing = self.existing.get((key, normalize.text_fold(values["city"])))
            if existing is not None:
                self.plan.skipped_rows += 1
                self.plan.add(line=line, column=self.columns.get("name", "name"), level="warning",
                              reason=_("customer already exists (#%(pk)d), row skipped") % {"pk": existing})
                return
            customer = dict(values, created_by_id=self.job.created_by_id, size_class_manual=bool(size))
            customer["size_class"] = size or size_class_derive(
                annual_revenue=customer["annual_revenue"], employees=customer["employees"], thresholds=self.thresholds
            )
            self.in_file[file_key] = index = len(self.plan.customers)
            self.plan.customers.append(customer)
            self.plan.contacts.append([])
        if contact:
            self.plan.contacts[index].append(contact)


def _progress_key(job_id: int) -> str:
    return f"customers:import-progress:{job_id}"


def import_progress_set(*, job_id: int, phase: str, done: int, total: int) -> None:
    cache.set(_progress_key(job_id), {"phase": phase, "done": done, "total": total}, timeout=3600)


def import_progress_get(*, job: ImportJob) -> dict:
    """{"phase", "done", "total", "percent"} of a running job (or its final numbers)."""
    data = cache.get(_progress_key(job.pk)) if job.is_active else None
    if data is None:
        done = job.total_rows if job.state in (ImportJob.State.DONE, ImportJob.State.CHECKED) else 0
        data = {"phase": job.state, "done": done, "total": job.total_rows}
    total = data["total"] or 0
    # Checking is the first half of an import's bar, writing the second.
    if job.state == ImportJob.State.IMPORTING:
        half = 0 if data["phase"] == "check" else 50
        data["percent"] = half + (round(50 * data["done"] / total) if total else 0)
    elif job.state in (ImportJob.State.DONE, ImportJob.State.CHECKED):
        data["percent"] = 100
    else:
        data["percent"] = round(100 * data["done"] / total) if total else 0
    return data


def import_plan_build(*, job: ImportJob, progress_phase: str = "check") -> ImportPlan:
    """Read and check every row of the job's file; nothing is written."""
    job.file.open("rb")
    try:
        raw = job.file.read()
    finally:
        job.file.close()
    text = decode_csv_bytes(raw, encoding=job.encoding)
    reader = _reader(text, job.delimiter)
    plan = ImportPlan()
    header = next(reader, None)
    if not header:
        raise ImportFileError(_("The file is empty."))
    if "name" not in job.mapping.values():
        plan.add(line=1, column="—", reason=_("no column is mapped to the name"))
        return plan
    checker = _RowChecker(job=job, header=header, plan=plan)
    total = max(1, text.count("\n"))
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            plan.total_rows += 1
            checker.check(line, row)
            if plan.total_rows % 5000 == 0:
                import_progress_set(job_id=job.pk, phase=progress_phase, done=plan.total_rows, total=total)
    except csv.Error as exc:
        plan.add(line=reader.line_num, column="—", reason=_("the CSV is malformed: %(e)s") % {"e": exc})
    if plan.total_rows == 0 and not plan.error_count:
        plan.add(line=2, column="—", reason=_("the file has no data rows"))
    return plan


# --- services ----------------------------------------------------------------------------------

def import_job_create(*, user, upload, encoding: str = "utf-8", delimiter: str = "") -> ImportJob:
    """Store an uploaded CSV as an import job after checking size, encoding and header."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportFileError(
            _("The file is too large (%(size)d MB); at most %(max)d MB can be imported at once.")
            % {"size": size // (1024 * 1024), "max": MAX_BYTES // (1024 * 1024)}
        )
    raw = upload.read()
    if len(raw) > MAX_BYTES:
        raise ImportFileError(_("The file is too large; at most %(max)d MB can be imported at once.") % {"max": MAX_BYTES // (1024 * 1024)})
    text = decode_csv_bytes(raw, encoding=encoding)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    delimiter = delimiter or sniff_delimiter(text)
    try:
        header = next(_reader(text, delimiter))
    except (csv.Error, StopIteration) as exc:
        raise ImportFileError(_("The first line cannot be read as a CSV header.")) from exc
    header = [h.strip() for h in header]
    if len(header) < 1 or not any(header):
        raise ImportFileError(_("The first line must name the columns."))
    name = getattr(upload, "name", "import.csv") or "import.csv"
    job = ImportJob(
        original_name=name[-255:], encoding=encoding, delimiter=delimiter, header=header,
        mapping=guess_mapping(header), created_by=user if getattr(user, "is_authenticated", False) else None,
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
    reader = _reader(text, job.delimiter)
    next(reader, None)
    out = []
    for row in reader:
        out.append(row)
        if len(out) >= rows:
            break
    return out


@transaction.atomic
def import_job_map(*, job: ImportJob, mapping: dict[str, str], default_owner=None, skip_existing: bool = True) -> ImportJob:
    """Save the column mapping and queue the dry run."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.state in (ImportJob.State.CHECKING, ImportJob.State.IMPORTING, ImportJob.State.DONE):
        raise ValidationError(_("This import is already running or done."))
    fields = [f for f in mapping.values() if f]
    if len(fields) != len(set(fields)):
        raise ValidationError(_("Each field can be mapped to one column only."))
    if "name" not in fields:
        raise ValidationError(_("Map one column to the name."))
    unknown = set(fields) - set(IMPORT_FIELDS)
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
    from customers import tasks

    task = tasks.import_job_check_task if task_name == "check" else tasks.import_job_run_task
    import_progress_set(job_id=job.pk, phase="queued", done=0, total=0)
    job_id, state = job.pk, job.state
    transaction.on_commit(lambda: _send(task, job_id, state))


def _send(task, job_id: int, state: str) -> None:
    """Queue the job's task; with the broker down the job goes back one step so it can be retried."""
    if task_send_safely(task, [job_id]):
        return
    back = ImportJob.State.UPLOADED if state == ImportJob.State.CHECKING else ImportJob.State.CHECKED
    ImportJob.objects.filter(pk=job_id, state=state, started_at__isnull=True).update(
        state=back, message=_("The background service cannot be reached right now; nothing was changed. "
                              "Please try again in a few minutes."),
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
    """Queue the real import of a checked job (once)."""
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
                job.state, job.message = ImportJob.State.REJECTED, _("The file has errors now; nothing was imported.")
            else:
                with transaction.atomic():
                    customers, contacts = _write_plan(job=job, plan=plan)
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
            job.state, job.message = ImportJob.State.FAILED, _("The import failed, nothing was imported: %(e)s") % {"e": exc}
        job.finished_at = timezone.now()
        job.save()
        return job


def _check_not_written_meanwhile(*, plan: ImportPlan) -> None:
    """Refuse when a customer of the plan exists by now (another import of the tenant wrote it while
    this one was being checked): the check must run again, so that such rows are skipped."""
    keys = {(normalize.name_key(c["name"])[:200], c["postal_code"], normalize.text_fold(c["city"])) for c in plan.customers}
    names = sorted({key for key, _pc, _city in keys})
    for start in range(0, len(names), BATCH_SIZE):
        rows = Customer.objects.filter(name_key__in=names[start:start + BATCH_SIZE]).values_list(
            "name_key", "postal_code", "city")
        existing = {(key, "pc", pc) for key, pc, _city in rows if pc} | {
            (key, "city", normalize.text_fold(city)) for key, _pc, city in rows if city}
        if any((key, "pc", pc) in existing or (key, "city", city) in existing for key, pc, city in keys):
            raise ImportFileError(_("Another import added some of these customers while this one was waiting; "
                                    "nothing was imported. Check the file again: existing customers will be skipped."))


@transaction.atomic
def _write_plan(*, job: ImportJob, plan: ImportPlan) -> tuple[int, int]:
    """COPY customers and contacts in batches; progress goes to the cache after each batch."""
    # One import per tenant writes at a time (the lock ends with the transaction); without it two
    # imports of the same file, both checked before either wrote, would create every row twice.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["customers.import_write:" + connection.schema_name])
    if job.skip_existing:
        _check_not_written_meanwhile(plan=plan)
    total = len(plan.customers)
    ids = reserve_ids(Customer, total)
    contact_ids = iter(reserve_ids(ContactPerson, plan.contact_count))
    for start in range(0, total, BATCH_SIZE):
        batch = plan.customers[start:start + BATCH_SIZE]
        people_batch = []
        for offset, customer in enumerate(batch):
            pk = ids[start + offset]
            people = plan.contacts[start + offset]
            customer["id"] = pk
            customer["name_key"] = normalize.name_key(customer["name"])[:200]
            customer["email_domain"] = normalize.email_domain(customer["email"], customer["website"])[:200]
            customer["phone_digits"] = normalize.phone_digits(customer["phone"], customer["country"])[:50]
            customer["search_text"] = normalize.customer_search_text(
                name=customer["name"], city=customer["city"], postal_code=customer["postal_code"],
                contact_names=[" ".join(p for p in (c["first_name"], c["last_name"]) if p) for c in people],
            )
            for contact in people:
                contact["id"] = next(contact_ids)
                contact["customer_id"] = pk
                contact["search_text"] = normalize.contact_search_text(
                    first_name=contact["first_name"], last_name=contact["last_name"], email=contact["email"],
                    position=contact["position"], customer_name=customer["name"],
                )
                people_batch.append(contact)
        copy_rows(Customer, batch)
        copy_rows(ContactPerson, people_batch)
        import_progress_set(job_id=job.pk, phase="write", done=min(total, start + BATCH_SIZE), total=total)
    events.customers_imported.send(sender=Customer, customer_ids=ids, user=job.created_by, job=job)
    return total, plan.contact_count
