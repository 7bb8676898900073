"""Checking every row of an import: the plan of customers and contacts to write and the report
(line, column, reason); nothing is written here."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from crm.lib.validators import phone_validate, website_validate
from crm.models import User
from customers import normalize
from customers.imports.custom import CONTACT_PREFIX, CustomColumns, import_fields_off
from customers.imports.progress import import_progress_set
from customers.imports.reading import (
    IMPORT_FIELDS,
    ImportFileError,
    csv_reader,
    decode_csv_bytes,
    guess_mapping,
)
from customers.models import ContactPerson, Customer, ImportJob
from customers.services import size_class_derive, size_thresholds_get

__all__ = ["COUNTRY_NAMES", "ImportPlan", "KINDS", "REPORT_LIMIT", "STATUSES", "import_plan_build"]


REPORT_LIMIT = 1000


COUNTRY_NAMES = {
    "deutschland": "DE",
    "germany": "DE",
    "oesterreich": "AT",
    "austria": "AT",
    "schweiz": "CH",
    "switzerland": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "liechtenstein": "LI",
    "luxemburg": "LU",
    "luxembourg": "LU",
    "niederlande": "NL",
    "netherlands": "NL",
    "belgien": "BE",
    "belgium": "BE",
    "frankreich": "FR",
    "france": "FR",
    "italien": "IT",
    "italy": "IT",
    "daenemark": "DK",
    "denmark": "DK",
    "polen": "PL",
    "poland": "PL",
    "tschechien": "CZ",
    "czechia": "CZ",
    "spanien": "ES",
    "spain": "ES",
}


KINDS = {
    "company": "company",
    "firma": "company",
    "unternehmen": "company",
    "person": "person",
    "private person": "person",
    "privatperson": "person",
    "privat": "person",
}


STATUSES = {"customer": "customer", "kunde": "customer", "lead": "lead", "interessent": "lead"}


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
            self.report.append(
                {"line": line, "column": str(column), "reason": str(reason), "level": level}
            )

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
        cleaned = (
            cleaned.replace(",", ".")
            if len(cleaned.rsplit(",", 1)[1]) != 3
            else cleaned.replace(",", "")
        )
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
        self.off = import_fields_off(user=job.created_by)  # switched off: ignored
        self.mapping = {int(k): v for k, v in job.mapping.items() if v and v not in self.off}
        self.columns = {
            fname: header[index] if index < len(header) else fname
            for index, fname in self.mapping.items()
        }
        self.users = {
            email.lower(): pk
            for pk, email in User.objects.filter(is_active=True).values_list("pk", "email")
        }
        if job.created_by_id and not job.created_by.is_tenant_admin:
            from customers.selectors import owner_choices

            self.allowed_owner_ids = set(
                owner_choices(user=job.created_by).values_list("pk", flat=True)
            )
        else:
            self.allowed_owner_ids = None
        self.custom = CustomColumns(user=job.created_by, mapping=self.mapping, add_error=self._err)
        self.thresholds = size_thresholds_get()
        self.existing: dict[tuple[str, str], int] = {}
        if job.skip_existing:
            for pk, key, pc, city in Customer.objects.values_list(
                "pk", "name_key", "postal_code", "city"
            ).iterator(chunk_size=5000):
                self.existing.setdefault((key, pc), pk)
                self.existing.setdefault((key, normalize.text_fold(city)), pk)
        self.in_file: dict[
            tuple[str, str, str], int
        ] = {}  # customer key -> index in plan.customers
        self.max_lengths = {
            f.name: f.max_length for f in Customer._meta.fields if getattr(f, "max_length", None)
        }
        self.contact_max = {
            f.name: f.max_length
            for f in ContactPerson._meta.fields
            if getattr(f, "max_length", None)
        }

    def _err(self, line: int, fname: str, reason: str) -> None:
        self.plan.add(line=line, column=self.columns.get(fname, fname), reason=reason)

    def _formats(self, line: int, values: dict, names: tuple[str, ...], *, prefix: str) -> None:
        """Phone numbers and web addresses get the check (and message) the forms give them."""
        for name in names:
            text = values.get(name, "")
            try:
                (website_validate if name == "website" else phone_validate)(text)
            except ValidationError as exc:
                self._err(
                    line,
                    prefix + name,
                    _('"%(v)s": %(reason)s') % {"v": text, "reason": exc.messages[0]},
                )

    def check(self, line: int, row: list[str]) -> None:
        if len(row) != len(self.header):
            self.plan.add(
                line=line,
                column="—",
                reason=_("expected %(n)d columns, found %(m)d")
                % {"n": len(self.header), "m": len(row)},
            )
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
        self._formats(line, values, ("phone", "website"), prefix="")
        values["custom"] = self.custom.values(line, v, contact=False)
        kind = v.get("kind", "")
        values["kind"] = (
            KINDS.get(normalize.text_fold(kind), None) if kind else Customer.Kind.COMPANY
        )
        if values["kind"] is None:
            self._err(line, "kind", _('unknown kind "%(v)s" (company or person)') % {"v": kind})
        status = v.get("status", "")
        values["status"] = (
            STATUSES.get(normalize.text_fold(status)) if status else Customer.Status.CUSTOMER
        )
        if values["status"] is None:
            self._err(
                line, "status", _('unknown status "%(v)s" (lead or customer)') % {"v": status}
            )
        country = v.get("country", "")
        if not country:
            values["country"] = "DE"
        elif len(country) == 2 and country.isalpha():
            values["country"] = country.upper()
        elif normalize.text_fold(country) in COUNTRY_NAMES:
            values["country"] = COUNTRY_NAMES[normalize.text_fold(country)]
        else:
            self._err(
                line,
                "country",
                _('unknown country "%(v)s" (use a code such as DE, AT, CH)') % {"v": country},
            )
        email = v.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self._err(line, "email", _('"%(v)s" is not a valid e-mail address') % {"v": email})
        values["email"] = email
        owner = v.get("owner", "")
        values["owner_id"] = self.job.default_owner_id
        if owner:
            owner_id = self.users.get(owner.lower())
            if owner_id is None:
                self._err(line, "owner", _('no active user with the e-mail "%(v)s"') % {"v": owner})
            elif self.allowed_owner_ids is not None and owner_id not in self.allowed_owner_ids:
                self._err(line, "owner", _('you cannot make "%(v)s" owner') % {"v": owner})
            values["owner_id"] = owner_id
        revenue = v.get("annual_revenue", "")
        values["annual_revenue"] = None
        if revenue:
            try:
                values["annual_revenue"] = _decimal(revenue)
                if values["annual_revenue"] < 0 or values["annual_revenue"] >= Decimal("1e14"):
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                self._err(line, "annual_revenue", _('"%(v)s" is not an amount') % {"v": revenue})
        employees = v.get("employees", "")
        values["employees"] = None
        if employees:
            digits = employees.replace(".", "").replace(",", "").replace(" ", "").replace("'", "")
            if digits.isdigit() and int(digits) < 2**31:
                values["employees"] = int(digits)
            else:
                self._err(line, "employees", _('"%(v)s" is not a whole number') % {"v": employees})
        size = v.get("size_class", "").upper()
        if size and size not in Customer.SizeClass.values:
            self._err(line, "size_class", _("size class must be A, B, C or D"))
        contact = {
            key[len("contact_") :]: v.get(key, "")
            for key in IMPORT_FIELDS
            if key.startswith("contact_")
        }
        has_contact = any(contact.values()) or any(
            v.get(f) for f in self.custom.mapped if f.startswith(CONTACT_PREFIX)
        )
        if has_contact and not contact["last_name"]:
            self._err(line, "contact_last_name", _("a contact person needs a last name"))
        if contact.get("email"):
            try:
                validate_email(contact["email"])
            except ValidationError:
                self._err(
                    line,
                    "contact_email",
                    _('"%(v)s" is not a valid e-mail address') % {"v": contact["email"]},
                )
        self._formats(line, contact, ("phone", "mobile"), prefix="contact_")
        for key, text in contact.items():
            limit = self.contact_max.get(key)
            if limit and len(text) > limit:
                self._err(line, f"contact_{key}", _("longer than %(n)d characters") % {"n": limit})
        if has_contact:
            contact["custom"] = self.custom.values(line, v, contact=True)
        record = (
            normalize.name_key(name),
            values["postal_code"],
            normalize.text_fold(values["city"]),
        )
        self.custom.claim_in_file(line, values["custom"], record=record)
        if self.plan.error_count != errors_before:
            return
        self._add(line, values, size, contact if has_contact else None)

    def _add(self, line: int, values: dict, size: str, contact: dict | None) -> None:
        key = normalize.name_key(values["name"])
        file_key = (key, values["postal_code"], normalize.text_fold(values["city"]))
        index = self.in_file.get(file_key)
        if index is None:
            existing = (
                self.existing.get((key, values["postal_code"])) if values["postal_code"] else None
            )
            if existing is None and values["city"]:
                existing = self.existing.get((key, normalize.text_fold(values["city"])))
            if existing is not None:
                self.plan.skipped_rows += 1
                self.plan.add(
                    line=line,
                    column=self.columns.get("name", "name"),
                    level="warning",
                    reason=_("customer already exists (#%(pk)d), row skipped") % {"pk": existing},
                )
                return
            if self.custom.taken_by_existing(line, values["custom"]):
                return
            customer = dict(
                values, created_by_id=self.job.created_by_id, size_class_manual=bool(size)
            )
            customer["size_class"] = size or size_class_derive(
                annual_revenue=customer["annual_revenue"],
                employees=customer["employees"],
                thresholds=self.thresholds,
            )
            self.in_file[file_key] = index = len(self.plan.customers)
            self.plan.customers.append(customer)
            self.plan.contacts.append([])
        if contact:
            self.plan.contacts[index].append(contact)


def _switched_off_notes(*, job: ImportJob, header: list[str], plan: ImportPlan, gone) -> None:
    """A note (not an error) for each column that is, or would be, mapped to a standard field the
    tenant switched off: its cells are ignored and nothing of it is written."""
    if not gone:
        return
    mapped = {int(k): v for k, v in job.mapping.items() if v}
    guessed = {int(k): v for k, v in guess_mapping(header).items()}
    for index, title in enumerate(header):
        fname = mapped.get(index) or guessed.get(index)
        if fname in gone:
            plan.add(
                line=1,
                column=title or fname,
                reason=_("column ignored: the field %(field)s is switched off")
                % {"field": IMPORT_FIELDS[fname][0]},
                level="warning",
            )


def import_plan_build(*, job: ImportJob, progress_phase: str = "check") -> ImportPlan:
    """Read and check every row of the job's file; nothing is written."""
    job.file.open("rb")
    try:
        raw = job.file.read()
    finally:
        job.file.close()
    text = decode_csv_bytes(raw, encoding=job.encoding)
    reader = csv_reader(text, job.delimiter)
    plan = ImportPlan()
    header = next(reader, None)
    if not header:
        raise ImportFileError(_("The file is empty."))
    if "name" not in job.mapping.values():
        plan.add(line=1, column="—", reason=_("no column is mapped to the name"))
        return plan
    checker = _RowChecker(job=job, header=header, plan=plan)
    _switched_off_notes(job=job, header=header, plan=plan, gone=checker.off)
    for label in checker.custom.missing_columns():
        plan.add(line=1, column=label, reason=_("no column is mapped to this required field"))
    if plan.error_count:
        return plan
    total = max(1, text.count("\n"))
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            plan.total_rows += 1
            checker.check(line, row)
            if plan.total_rows % 5000 == 0:
                import_progress_set(
                    job_id=job.pk, phase=progress_phase, done=plan.total_rows, total=total
                )
    except csv.Error as exc:
        plan.add(
            line=reader.line_num, column="—", reason=_("the CSV is malformed: %(e)s") % {"e": exc}
        )
    if plan.total_rows == 0 and not plan.error_count:
        plan.add(line=2, column="—", reason=_("the file has no data rows"))
    return plan
