"""The database's share of every generated page, measured in buffers as well as milliseconds.

    .venv/bin/python bench/plans.py [--only SUBSTRING] [--top 40] [--schema bench]

Requests every GET page of bench/pages.py in-process (Django's test client, the bench user) on
the reference tenant, captures its SQL and runs each SELECT under ``EXPLAIN (ANALYZE, BUFFERS)``.
Prints the pages whose statements read the most buffers and took the longest, each with its
costliest statement's plan nodes (a sequential scan or a sort of the whole table shows there).

Buffers do not depend on how busy the machine is, milliseconds do: on a shared machine the buffer
count is the figure to compare before and after an index.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.env import production_like  # noqa: E402 - the repository is on the path only now

production_like()


def _nodes(plan: dict, depth: int = 0):
    yield depth, plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child, depth + 1)


def explain(cursor, sql: str, params) -> dict:
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params or None)
    raw = cursor.fetchone()[0]
    data = (json.loads(raw) if isinstance(raw, str) else raw)[0]
    top = data["Plan"]
    buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    return {"ms": data["Execution Time"], "buffers": buffers, "plan": top}


def plan_summary(plan: dict) -> str:
    parts = []
    for depth, node in _nodes(plan):
        what = node["Node Type"]
        if node.get("Relation Name"):
            what += f" on {node['Relation Name']}"
        if node.get("Index Name"):
            what += f" using {node['Index Name']}"
        parts.append(f"{'  ' * depth}{what} (rows {node.get('Actual Rows')})")
    return "\n".join(parts[:12])


def page_statements(client, page: dict) -> list:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in page["headers"].items()}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page["path"], **headers)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return response.status_code, [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip()[:5].upper() in ("SELEC", "WITH ")
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", action="append", default=[], metavar="SUBSTRING")
    parser.add_argument("--skip", action="append", default=[], metavar="SUBSTRING")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--schema", default="bench")
    parser.add_argument("--json", default=None, help="also write every page's figures here")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    from bench.pages import context, pages
    from crm.models import User

    email = os.environ.get("BENCH_USER", "anna.1@demo.test")
    ctx = context(email, schema=args.schema)
    client = Client(HTTP_HOST=f"{args.schema}.localhost")
    with schema_context(args.schema):
        client.force_login(User.objects.get(email=email))
    rows = []
    for page in pages(ctx):
        label = page["label"].lower()
        if (
            page["method"] != "GET"
            or (args.only and not any(o.lower() in label for o in args.only))
            or any(s.lower() in label for s in args.skip)
        ):
            continue
        status, statements = page_statements(client, page)
        figures = []
        with schema_context(args.schema), connection.cursor() as cursor:
            for sql in statements:
                if sql.startswith("EXPLAIN") or "pg_class" in sql:
                    continue
                try:
                    figures.append({"sql": sql, **explain(cursor, sql, None)})
                except Exception as exc:  # noqa: BLE001 - a statement the capture cannot replay
                    figures.append({"sql": sql, "ms": 0.0, "buffers": 0, "error": str(exc)[:80]})
        worst = max(figures, key=lambda f: f["buffers"], default=None)
        row = {
            "label": page["label"],
            "path": page["path"],
            "status": status,
            "budget": page["budget_ms"],
            "statements": len(figures),
            "ms": sum(f["ms"] for f in figures),
            "buffers": sum(f["buffers"] for f in figures),
            "worst_sql": worst["sql"][:400] if worst else "",
            "worst_plan": plan_summary(worst["plan"]) if worst and "plan" in worst else "",
        }
        rows.append(row)
        print(
            f"{row['buffers']:8d} buf {row['ms']:8.1f} ms  q{row['statements']:3d}  "
            f"HTTP {status}  {row['label']}",
            flush=True,
        )
    print("\nThe most buffers:")
    for row in sorted(rows, key=lambda r: -r["buffers"])[: args.top]:
        print(f"{row['buffers']:8d} buf {row['ms']:8.1f} ms  {row['label']}  {row['path']}")
        print("    " + row["worst_plan"].replace("\n", "\n    "))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
