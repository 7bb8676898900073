"""The same pages on a single PostgreSQL and through a Citus coordinator, in one run.

    .venv/bin/python bench/citus_compare.py \
        --single postgres://.../crm --citus postgres://...:9710/crm \
        [--schema demo] [--user anna.1@demo.test] [--samples 5] [--pages 40] [--out bench/CITUS.md]

Both databases must hold the same tenant (``make bootstrap`` against each: the demo tenant's 500
customers; or ``seed_demo --customers N``). Each database is measured in its own child process
with Django's test client in-process (the whole request: middleware, views, templates, SQL; no
HTTP server), the pages taken from bench/pages.py (single pages first, then the lists' first
pages), each median of ``--samples`` after one warm-up. Then it provisions and drops a scratch
tenant on each to time provisioning. Prints a Markdown table (and writes it to ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(schema: str, user: str, samples: int, limit: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    from bench.pages import context, pages
    from crm.models import User
    from tenants.models import Domain

    ctx = context(user, schema)
    chosen = [p for p in pages(ctx) if p["method"] == "GET" and "deep" not in p["label"].lower()][
        :limit
    ]
    connection.set_schema_to_public()
    host = (
        Domain.objects.filter(tenant__schema_name=schema, is_primary=True)
        .values_list("domain", flat=True)
        .first()
    )
    client = Client(HTTP_HOST=host)
    with schema_context(schema):
        client.force_login(User.objects.get(email=user))
    out = {}
    for page in chosen:
        headers = {
            f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (page.get("headers") or {}).items()
        }
        times = []
        for n in range(samples + 1):
            started = time.perf_counter()
            try:
                status = client.get(page["path"], **headers).status_code
            except Exception as error:  # noqa: BLE001 - reported as an error row
                print(f"{page['label']}: {error!r}", file=sys.stderr)
                status = 500
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                times = None
                break
            if n:
                times.append(elapsed)
        out[page["label"]] = statistics.median(times) if times else None
    # provisioning: a scratch tenant, then dropped
    from tenants.models import Tenant
    from tenants.services import tenant_provision

    connection.set_schema_to_public()
    name = f"cmp{os.getpid()}"
    started = time.perf_counter()
    tenant = tenant_provision(
        schema=name,
        name="Compare GmbH",
        domain=f"{name}.localhost",
        admin_email=f"admin@{name}.test",
        admin_password=secrets.token_urlsafe(16),
    )
    provision_ms = (time.perf_counter() - started) * 1000
    connection.set_schema_to_public()
    Tenant.objects.filter(pk=tenant.pk).delete()  # auto_drop_schema drops the schema
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    return {"pages": out, "provision_ms": provision_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--single", help="DATABASE_URL of the single PostgreSQL")
    parser.add_argument(
        "--citus", help="DATABASE_URL of the Citus coordinator (or PgBouncer in front)"
    )
    parser.add_argument("--schema", default="demo")
    parser.add_argument("--user", default="anna.1@demo.test")
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--out", default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.schema, args.user, args.samples, args.pages)))
        return
    results = {}
    for label, url in (("single", args.single), ("citus", args.citus)):
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": os.environ.get("DEBUG", "1")}
        command = [
            sys.executable,
            __file__,
            "--child",
            "--schema",
            args.schema,
            "--user",
            args.user,
            "--samples",
            str(args.samples),
            "--pages",
            str(args.pages),
        ]
        child = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 - itself
        if child.returncode:
            sys.exit(f"{label}: {child.stderr[-3000:]}")
        errors = [line for line in child.stderr.splitlines() if ": " in line and "Error" in line]
        if errors:
            print(f"{label}: " + "\n".join(errors[-10:]), file=sys.stderr)
        results[label] = json.loads(child.stdout.strip().splitlines()[-1])
    lines = [
        f"| page ({args.schema}, median of {args.samples}) "
        "| single PostgreSQL ms | Citus coordinator ms | ratio |",
        "|---|---:|---:|---:|",
    ]
    ratios = []
    for page, single in results["single"]["pages"].items():
        citus = results["citus"]["pages"].get(page)
        if single is None or citus is None:
            cells = ["error" if value is None else f"{value:.0f}" for value in (single, citus)]
            lines.append(f"| {page} | {cells[0]} | {cells[1]} | |")
            continue
        ratios.append(citus / single)
        lines.append(f"| {page} | {single:.0f} | {citus:.0f} | {citus / single:.2f} |")
    if ratios:
        median = statistics.median(ratios)
        lines.append(f"| **median ratio over {len(ratios)} pages** | | | **{median:.2f}** |")
    lines.append(
        f"| provisioning a tenant | {results['single']['provision_ms']:.0f} | "
        f"{results['citus']['provision_ms']:.0f} | "
        f"{results['citus']['provision_ms'] / results['single']['provision_ms']:.2f} |"
    )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
