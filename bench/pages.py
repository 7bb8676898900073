"""The pages the benchmark measures (every page and htmx fragment of the product).

Each entry names a URL by its URL name, so a page that has not landed yet is left out instead of
failing. Budgets from PRODUCT.md: 100 ms p95 per page, 150 ms for map data and selections.
"""

from __future__ import annotations

from django.db import connection
from django.urls import NoReverseMatch, reverse
from django_tenants.utils import schema_context

SCHEMA = "bench"
HTMX = {"HX-Request": "true"}


def _first(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        return row[0] if row else None


def _ids() -> dict:
    with schema_context(SCHEMA):
        return {
            "customer": _first("SELECT id FROM customers_customer ORDER BY id LIMIT 1 OFFSET 500"),
            "contact": _first("SELECT id FROM customers_contactperson ORDER BY id LIMIT 1 OFFSET 500"),
            "project": _first("SELECT id FROM sales_salesproject ORDER BY id LIMIT 1 OFFSET 500"),
            "processes": [r for r in _all("SELECT id FROM sales_process WHERE kind='sales' ORDER BY \"order\", id")],
            "lead_process": _first("SELECT id FROM sales_process WHERE kind='lead' ORDER BY id LIMIT 1"),
        }


def _all(sql: str) -> list:
    with schema_context(SCHEMA), connection.cursor() as cursor:
        cursor.execute(sql)
        return [r[0] for r in cursor.fetchall()]


def _url(name: str, **kwargs) -> str | None:
    try:
        with schema_context(SCHEMA):
            return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def pages() -> list[dict]:
    ids = _ids()
    spec: list[tuple[str, str | None, str, dict, int]] = [
        # label, path, query, headers, budget ms
        ("Dashboard", _url("crm:dashboard"), "", {}, 100),
        ("Customer overview: first page", _url("customers:customer_list"), "", {}, 100),
        ("Customer overview: deep page", _url("customers:customer_list"), "?page=2000", {}, 100),
        ("Customer overview: text search", _url("customers:customer_list"), "?q=M%C3%BCller", {}, 100),
        ("Customer overview: sort by city", _url("customers:customer_list"), "?sort=city", {}, 100),
        ("Customer overview: htmx table fragment", _url("customers:customer_list"), "?page=2", HTMX, 100),
        ("Contact persons", _url("customers:contact_list"), "", {}, 100),
        ("Customer detail", _url("customers:customer_detail", pk=ids["customer"]), "", {}, 100),
        ("Contact detail", _url("customers:contact_detail", pk=ids["contact"]), "", {}, 100),
        ("Sales list", _url("sales:project_list"), "", {}, 100),
        ("Project detail", _url("sales:project_detail", pk=ids["project"]), "", {}, 100),
        ("Leads (kanban)", _url("sales:lead_kanban"), "", {}, 100),
        ("Leads (list)", _url("sales:lead_list"), "", {}, 100),
        ("Project groups", _url("sales:group_list"), "", {}, 100),
        ("Activity log", _url("activity:activity_list"), "", {}, 100),
        ("Map page", _url("mapview:map"), "", {}, 100),
    ]
    for i, process_id in enumerate(ids["processes"][:3]):
        spec.append((f"Kanban, process {i + 1}", _url("sales:project_kanban"), f"?process={process_id}", {}, 100))
    out = []
    for label, path, query, headers, budget in spec:
        if path:
            out.append({"label": label, "method": "GET", "path": path + query, "headers": headers, "budget_ms": budget})
    return out


def throughput_paths() -> list[tuple[str, str]]:
    out = []
    for label, name in (("Customer overview", "customers:customer_list"), ("Kanban", "sales:project_kanban")):
        path = _url(name)
        if path:
            out.append((label, path))
    return out
