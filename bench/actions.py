"""The measurements that are not one GET: a kanban move (POST), the CSV import of 100,000 rows (a
flow of requests and a background job), and tenant provisioning (a service call).

Each returns a result row in the shape of bench/run.py's page rows, with ``floor`` saying why the
SQL and bare-Django floors do not apply.
"""

from __future__ import annotations

import csv
import io
import random
import statistics
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.db import connection
from django_tenants.utils import schema_context

from bench.pages import HTMX, PAGE_MS, PASSWORD, SCHEMA

IMPORT_SCHEMA, IMPORT_DOMAIN = "bench_import", "import.bench.localhost"
IMPORT_ADMIN = "admin@import.bench.test"
PROBE_SCHEMA, PROBE_DOMAIN = "bench_provision_probe", "probe.bench.localhost"
IMPORT_BUDGET_S = 120  # PRODUCT.md: 100,000 customers from CSV in under 2 minutes
PROVISION_BUDGET_MS = 2000

# header -> import field (the mapping the bench posts; the header uses the German aliases the
# mapping page guesses, as a real export from another CRM would)
IMPORT_COLUMNS = [
    ("Firma", "name"),
    ("Strasse", "street"),
    ("PLZ", "postal_code"),
    ("Ort", "city"),
    ("Land", "country"),
    ("Telefon", "phone"),
    ("E-Mail", "email"),
    ("Branche", "industry"),
    ("Mitarbeiter", "employees"),
    ("Umsatz", "annual_revenue"),
    ("Vorname", "contact_first_name"),
    ("Nachname", "contact_last_name"),
]
# The custom fields of the import-with-custom-columns row (defined in the scratch tenant), their
# German labels as headers: a unique text, a choice by its German label, a German date and amount.
CUSTOM_COLUMNS = [
    ("USt-IdNr", "cf_vat_id"),
    ("Branchensegment", "cf_segment"),
    ("Kunde seit", "cf_since"),
    ("Kreditlimit", "cf_credit"),
]
SEGMENTS = [("retail", "Retail", "Einzelhandel"), ("industry", "Manufacturing", "Industrie")]
CITIES = [
    ("10115", "Berlin"),
    ("20095", "Hamburg"),
    ("80331", "München"),
    ("50667", "Köln"),
    ("60311", "Frankfurt am Main"),
    ("70173", "Stuttgart"),
    ("40213", "Düsseldorf"),
    ("04109", "Leipzig"),
    ("28195", "Bremen"),
    ("01067", "Dresden"),
    ("30159", "Hannover"),
    ("90402", "Nürnberg"),
]
INDUSTRIES = [
    "Maschinenbau",
    "Handel",
    "Chemie",
    "Logistik",
    "IT-Dienstleistungen",
    "Bau",
    "Pharma",
]


def import_csv(rows: int, *, seed: int = 9, custom: bool = False) -> bytes:
    """A CSV of ``rows`` distinct customers with one contact each (semicolons, UTF-8); with
    ``custom`` also the CUSTOM_COLUMNS."""
    from crm.seed import FIRST, LAST  # the sample users' names, for the contact persons

    rnd = random.Random(seed)  # noqa: S311 - sample data, not security
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    columns = IMPORT_COLUMNS + (CUSTOM_COLUMNS if custom else [])
    writer.writerow([h for h, _field in columns])
    for i in range(rows):
        postal, city = rnd.choice(CITIES)
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        extra = []
        if custom:
            extra = [
                f"DE{100000000 + i}",
                rnd.choice(SEGMENTS)[2],
                f"{rnd.randint(1, 28)}.{rnd.randint(1, 12)}.{rnd.randint(1990, 2025)}",
                f"{rnd.randint(1, 900)}.{rnd.randint(0, 999):03d},00",
            ]
        writer.writerow(
            [
                f"Importfirma {i:06d} {last} GmbH",
                f"Hauptstraße {rnd.randint(1, 200)}",
                postal,
                city,
                "DE",
                f"+49 30 {rnd.randint(1000000, 9999999)}",
                f"info{i}@import{i % 997}.example",
                rnd.choice(INDUSTRIES),
                rnd.randint(1, 5000),
                f"{rnd.randint(10, 90000) * 1000}",
                first,
                last,
                *extra,
            ]
        )
    return out.getvalue().encode("utf-8")


def _custom_fields_define(admin) -> None:
    """The import row's custom fields in the scratch tenant (through the service, as the page
    does, by the tenant admin ``admin``)."""
    from customfields.services import definition_create

    options = [{"value": v, "en": en, "de": de} for v, en, de in SEGMENTS]
    for key, label_en, label_de, field_type, extra in (
        ("vat_id", "VAT id", "USt-IdNr", "text", {"unique": True}),
        ("segment", "Industry segment", "Branchensegment", "choice", {"options": options}),
        ("since", "Customer since", "Kunde seit", "date", {}),
        ("credit", "Credit limit", "Kreditlimit", "money", {}),
    ):
        definition_create(
            user=admin,
            entity="customer",
            key=key,
            label_en=label_en,
            label_de=label_de,
            field_type=field_type,
            **extra,
        )


def _row(
    label: str,
    times_ms: list[float],
    *,
    queries,
    size: int,
    status: int,
    budget: float,
    floor: str,
    **extra,
) -> dict:
    return {
        "label": label,
        "path": extra.pop("path", ""),
        "status": status,
        "p50": statistics.median(times_ms),
        "p95": _pct(times_ms, 95),
        "queries": queries,
        "bytes": size,
        "budget": budget,
        "floor": floor,
        **extra,
    }


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- a kanban move
# ----------------------------------------------------------------------------------


def kanban_move(
    client, ctx: dict, samples: int, url: Callable[[str, dict], str | None]
) -> dict | None:
    """Drag a card to another column and back (the htmx POST of the board), ``samples`` times."""
    pk, there, back = ctx.get("movable"), ctx.get("other_phase"), ctx.get("column")
    path = url("sales:project_move", {"pk": pk}) if pk and there else None
    if not path:
        return None
    process = ctx["processes"][0]
    times, queries, size, status = [], 0, 0, 0
    for i in range(samples + 2):
        with schema_context(SCHEMA), connection.cursor() as cursor:
            cursor.execute("SELECT version, phase_id FROM sales_salesproject WHERE id = %s", [pk])
            version, current = cursor.fetchone()
        target = there if current == back else back
        body = {
            "phase": target,
            "process": process,
            "version": version,
            "board": "1",
            "board_process": process,
            "board_query": urlencode({"process": process}),
            "from_phase": current,
        }
        resp, content = client.request("POST", path, body, {**HTMX, **client.csrf_header()})
        status = resp.status
        if i >= 2:
            times.append(float(resp.getheader("X-Server-ms") or 0))
            queries, size = int(resp.getheader("X-Queries") or 0), len(content)
    with schema_context(SCHEMA), connection.cursor() as cursor:  # leave the card where it was
        cursor.execute("SELECT phase_id FROM sales_salesproject WHERE id = %s", [pk])
        if cursor.fetchone()[0] != back:
            cursor.execute("SELECT version FROM sales_salesproject WHERE id = %s", [pk])
            client.request(
                "POST",
                path,
                {
                    "phase": back,
                    "process": process,
                    "version": cursor.fetchone()[0],
                    "board": "1",
                    "board_process": process,
                    "from_phase": there,
                    "board_query": urlencode({"process": process}),
                },
                {**HTMX, **client.csrf_header()},
            )
    return _row(
        "Kanban: move a card (htmx POST, two columns redrawn)",
        times,
        queries=queries,
        size=size,
        status=status,
        budget=PAGE_MS,
        path=path,
        floor="n/a: it writes (replaying its SQL would move the card again)",
    )


# --- tenant provisioning
# ------------------------------------------------------------------------------


def _drop_tenant(schema: str) -> None:
    from tenants.models import Tenant

    connection.set_schema_to_public()
    tenant = Tenant.objects.filter(schema_name=schema).first()
    if tenant:
        tenant.domains.all().delete()
        tenant.delete(force_drop=True)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def provisioning(samples: int = 3) -> dict:
    """``tenant_provision`` of a new tenant (schema cloned from the template, domain, admin,
    defaults)."""
    from tenants.services import tenant_provision
    from tenants.template import template_migrate

    started = time.perf_counter()
    refreshed = template_migrate()  # a template behind the migrations is brought up to date once
    refresh_ms = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(samples):
        _drop_tenant(PROBE_SCHEMA)
        started = time.perf_counter()
        tenant_provision(
            schema=PROBE_SCHEMA,
            name="Probe",
            domain=PROBE_DOMAIN,
            admin_email="admin@probe.test",
            admin_password=PASSWORD,
        )
        times.append((time.perf_counter() - started) * 1000)
        _drop_tenant(PROBE_SCHEMA)
    note = (
        f"; the template first caught up with {len(refreshed)} migrations in {refresh_ms:.0f} ms"
        if refreshed
        else ""
    )
    return _row(
        f"Tenant provisioning ({samples} tenants)",
        times,
        queries="–",
        size=0,
        status=200,
        budget=PROVISION_BUDGET_MS,
        floor="n/a: a service call, not a page (schema clone, domain, admin user with a hashed "
        "password, default sales process)" + note,
    )


# --- the CSV import
# -------------------------------------------------------------------------------------


def _job_state(job_id: int) -> tuple[str, int, int]:
    with schema_context(IMPORT_SCHEMA), connection.cursor() as cursor:
        cursor.execute(
            "SELECT state, processed_rows, created_customers FROM customers_importjob "
            "WHERE id = %s",
            [job_id],
        )
        return cursor.fetchone()


def _wait(job_id: int, done: set[str], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _job_state(job_id)[0]
        if state in done:
            return state
        time.sleep(0.2)
    raise SystemExit(
        f"the import job {job_id} did not finish within {timeout:.0f} s (state {state})"
    )


def csv_import_custom(
    make_client, rows: int, *, before_drop: Callable[[], None] = lambda: None
) -> dict:
    """The CSV import with four custom-field columns (unique text, choice, date, money)."""
    return csv_import(make_client, rows, before_drop=before_drop, custom=True)


def csv_import(
    make_client,
    rows: int,
    *,
    before_drop: Callable[[], None] = lambda: None,
    custom: bool = False,
) -> dict:
    """Upload, map, dry-run and import ``rows`` customers into a scratch tenant, timed end to end.

    The scratch tenant (bench_import) is provisioned for the run and dropped after it, so the
    reference tenant does not grow with every run; the import's duplicate check then reads an
    empty table, which is noted beside the figure.
    """
    from tenants.services import tenant_provision

    _drop_tenant(IMPORT_SCHEMA)
    tenant_provision(
        schema=IMPORT_SCHEMA,
        name="Bench import",
        domain=IMPORT_DOMAIN,
        admin_email=IMPORT_ADMIN,
        admin_password=PASSWORD,
    )
    columns = IMPORT_COLUMNS + (CUSTOM_COLUMNS if custom else [])
    try:
        if custom:
            with schema_context(IMPORT_SCHEMA):
                from crm.models import User

                _custom_fields_define(User.objects.get(email=IMPORT_ADMIN))
        data = import_csv(rows, custom=custom)
        client = make_client(IMPORT_DOMAIN)
        client.login(IMPORT_ADMIN)
        client.request("GET", "/customers/import/")
        started = time.perf_counter()
        resp, _ = client.multipart(
            "/customers/import/",
            {"encoding": "utf-8", "delimiter": ";"},
            {"file": ("bench-import.csv", data, "text/csv")},
        )
        location = resp.getheader("Location") or ""
        if resp.status != 302 or "/mapping/" not in location:
            raise SystemExit(
                f"the import upload answered HTTP {resp.status} ({location or 'no redirect'})"
            )
        job_id = int(location.rstrip("/").split("/")[-2])
        mapping = {f"col_{i}": field for i, (_h, field) in enumerate(columns)}
        resp, _ = client.request(
            "POST",
            location,
            {**mapping, "default_owner": "", "skip_existing": "on"},
            client.csrf_header(),
        )
        if resp.status != 302:
            raise SystemExit(f"the import mapping answered HTTP {resp.status}")
        state = _wait(job_id, {"checked", "rejected", "failed", "uploaded"}, 600)
        checked = time.perf_counter()
        if state != "checked":
            raise SystemExit(f"the import dry run ended in state {state!r}")
        resp, _ = client.request(
            "POST", f"/customers/import/{job_id}/start/", {}, client.csrf_header()
        )
        state = _wait(job_id, {"done", "rejected", "failed", "checked"}, 900)
        finished = time.perf_counter()
        _state, _processed, created = _job_state(job_id)
        if state != "done":
            raise SystemExit(f"the import ended in state {state!r}")
    finally:
        # the worker stops before its tenant goes (geocoding of the imported rows is queued)
        before_drop()
        _drop_tenant(IMPORT_SCHEMA)
    total = finished - started
    return {
        "label": f"CSV import of {rows:,} customers with contacts"
        + (" and 4 custom-field columns" if custom else "")
        + " (upload to done)",
        "path": "/customers/import/",
        "status": 200,
        "p50": total * 1000,
        "p95": total * 1000,
        "queries": "–",
        "bytes": len(data),
        "budget": IMPORT_BUDGET_S * 1000,
        "rows_per_s": rows / total,
        "created": created,
        "check_s": checked - started,
        "import_s": finished - checked,
        "floor": f"n/a: a background job; {rows / total:,.0f} rows/s; "
        f"dry run {checked - started:.1f} s, import {finished - checked:.1f} s, "
        f"{created:,} customers created, "
        "into an empty scratch tenant",
    }
