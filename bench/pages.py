"""What the benchmark measures: every page and htmx fragment of the product, and the actions.

``pages(ctx)`` lists the requests measured the same way (p50/p95 server time, queries, size, and
the two floors). Each names its URL by URL name, so a page that has not landed yet is left out
instead of failing. A request whose SQL must not be replayed (it writes) or whose time is not a
page's (a background job) says why in ``floor``. ``actions`` (bench/actions.py) measures the
flows that are not one request: the CSV import, a kanban move, tenant provisioning.

Budgets from PRODUCT.md: 100 ms p95 per page and fragment, 150 ms for map data and selections.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.db import connection
from django.urls import NoReverseMatch, reverse
from django_tenants.utils import schema_context

SCHEMA = "bench"
HTMX = {"HX-Request": "true"}
PAGE_MS, MAP_MS = 100, 150


def _rows(sql: str, params=None) -> list[tuple]:
    with schema_context(SCHEMA), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _first(sql: str, params=None):
    rows = _rows(sql, params)
    return rows[0][0] if rows else None


def _url(name: str, **kwargs) -> str | None:
    try:
        with schema_context(SCHEMA):
            return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def context(user_email: str) -> dict:
    """Ids and parameters the pages need, read from the reference tenant."""
    user_id = _first("SELECT id FROM crm_user WHERE email = %s", [user_email])
    processes = [r[0] for r in _rows("SELECT id FROM sales_process WHERE kind = 'sales' ORDER BY \"order\", id")]
    first = processes[0] if processes else None
    # The fullest open column of the first process: its "load more" and a card to move.
    column = _first(
        "SELECT ph.id FROM sales_phase ph JOIN sales_salesproject p ON p.phase_id = ph.id "
        "WHERE ph.process_id = %s AND ph.outcome = 'open' AND NOT ph.parks GROUP BY ph.id ORDER BY count(*) DESC LIMIT 1",
        [first],
    ) if first else None
    other_phase = _first(
        "SELECT id FROM sales_phase WHERE process_id = %s AND outcome = 'open' AND NOT parks AND id <> %s "
        "ORDER BY \"order\", id LIMIT 1", [first, column],
    ) if column else None
    movable = _first(
        "SELECT id FROM sales_salesproject WHERE owner_id = %s AND phase_id = %s ORDER BY id LIMIT 1", [user_id, column]
    ) if column else None
    # The team whose customers number closest to 10,000: the CSV export of 10,000 rows.
    team = _first(
        "SELECT u.team_id FROM customers_customer c JOIN crm_user u ON u.id = c.owner_id WHERE u.team_id IS NOT NULL "
        "GROUP BY u.team_id ORDER BY abs(count(*) - 10000) LIMIT 1"
    )
    extent = _rows("SELECT min(longitude), min(latitude), max(longitude), max(latitude) FROM customers_customer")[0]
    return {
        "user": user_id,
        "customer": _first("SELECT id FROM customers_customer ORDER BY id LIMIT 1 OFFSET 500"),
        "contact": _first("SELECT id FROM customers_contactperson ORDER BY id LIMIT 1 OFFSET 500"),
        "project": _first("SELECT id FROM sales_salesproject ORDER BY id LIMIT 1 OFFSET 500"),
        "group": _first("SELECT id FROM sales_projectgroup ORDER BY id LIMIT 1"),
        "selection": _first("SELECT id FROM mapview_selection ORDER BY id LIMIT 1"),
        "processes": processes,
        "column": column,
        "other_phase": other_phase,
        "movable": movable,
        "team": team,
        "extent": extent if extent[0] is not None else None,
    }


def country_polygon(extent) -> list[list[float]]:
    """A polygon (lat, lon corners, as the map sends them) around every customer, with a margin."""
    west, south, east, north = extent
    return [[north + 0.5, west - 0.5], [north + 0.5, east + 0.5], [(north + south) / 2, east + 1.0],
            [south - 0.5, east + 0.5], [south - 0.5, west - 0.5], [(north + south) / 2, west - 1.0]]


def _viewport(extent, zoom: int, span_lon: float | None) -> str:
    """A viewport at ``zoom``: the whole extent (country) or a window of ``span_lon`` degrees
    (about a 1,200 x 800 pixel screen) centred on the densest area."""
    west, south, east, north = extent
    if span_lon is None:
        box = (west - 0.5, south - 0.5, east + 0.5, north + 0.5)
    else:
        lon, lat = _rows(
            "SELECT round(longitude::numeric, 1), round(latitude::numeric, 1) FROM customers_customer "
            "WHERE latitude IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1"
        )[0]
        lon, lat = float(lon), float(lat)
        box = (lon - span_lon / 2, lat - span_lon / 3, lon + span_lon / 2, lat + span_lon / 3)
    return "?" + urlencode({"bbox": ",".join(f"{v:.6f}" for v in box), "zoom": zoom})


def pages(ctx: dict) -> list[dict]:
    """Every page and fragment: label, method, path (with query), headers, body, budget, floor."""
    processes, first = ctx["processes"], (ctx["processes"] or [None])[0]
    board_query = urlencode({"process": first}) if first else ""
    spec: list[tuple] = [
        # label, URL name + kwargs, query, headers, budget
        ("Dashboard", ("crm:dashboard", {}), "", {}, PAGE_MS),
        ("Customer overview: first page", ("customers:customer_list", {}), "", {}, PAGE_MS),
        ("Customer overview: deep page", ("customers:customer_list", {}), "?page=2000", {}, PAGE_MS),
        ("Customer overview: text search", ("customers:customer_list", {}), "?q=M%C3%BCller", {}, PAGE_MS),
        ("Customer overview: sort by city", ("customers:customer_list", {}), "?sort=city", {}, PAGE_MS),
        ("Customer overview: sort by pipeline value", ("customers:customer_list", {}), "?sort=-pipeline_value", {},
         PAGE_MS),
        ("Customer overview: with open projects, deep page", ("customers:customer_list", {}),
         "?has_open_projects=true&page=1000", {}, PAGE_MS),
        ("Customer overview: sort by owner", ("customers:customer_list", {}), "?sort=owner", {}, PAGE_MS),
        ("Customer overview: table fragment (htmx)", ("customers:customer_list", {}), "?page=2",
         {**HTMX, "HX-Target": "table"}, PAGE_MS),
        ("Customer overview: filtered fragment (htmx)", ("customers:customer_list", {}), "?size_class=A&sort=-name",
         {**HTMX, "HX-Target": "table"}, PAGE_MS),
        ("Contact persons", ("customers:contact_list", {}), "", {}, PAGE_MS),
        ("Contact persons: table fragment (htmx)", ("customers:contact_list", {}), "?page=3",
         {**HTMX, "HX-Target": "table"}, PAGE_MS),
        ("Customer detail", ("customers:customer_detail", {"pk": ctx["customer"]}), "", {}, PAGE_MS),
        ("Contact detail", ("customers:contact_detail", {"pk": ctx["contact"]}), "", {}, PAGE_MS),
        ("Sales list", ("sales:project_list", {}), "", {}, PAGE_MS),
        ("Sales list: table fragment (htmx)", ("sales:project_list", {}), f"?{board_query}&page=2", HTMX, PAGE_MS),
        ("Sales list: text search (htmx)", ("sales:project_list", {}), "?q=GmbH", HTMX, PAGE_MS),
        ("Sales list: open, deep page (htmx)", ("sales:project_list", {}), "?status=open&page=200", HTMX, PAGE_MS),
        ("Project detail", ("sales:project_detail", {"pk": ctx["project"]}), "", {}, PAGE_MS),
        ("Leads (kanban)", ("sales:lead_kanban", {}), "", {}, PAGE_MS),
        ("Leads (list)", ("sales:lead_list", {}), "", {}, PAGE_MS),
        ("Project groups", ("sales:group_list", {}), "", {}, PAGE_MS),
        ("Project groups: list fragment (htmx)", ("sales:group_list", {}), "?page=2", HTMX, PAGE_MS),
        ("Project group detail", ("sales:group_detail", {"pk": ctx["group"]}), "", {}, PAGE_MS),
        ("Activity log", ("activity:activity_list", {}), "", {}, PAGE_MS),
        ("Activity log: entries fragment (htmx)", ("activity:activity_list", {}), "",
         {**HTMX, "HX-Target": "activity-entries"}, PAGE_MS),
        ("Activity log: filter fragment (htmx)", ("activity:activity_list", {}), "?kind=call&period=90d",
         {**HTMX, "HX-Target": "activity-results"}, PAGE_MS),
        ("Activity log: summary and chart (htmx)", ("activity:activity_summary", {}), "", HTMX, PAGE_MS),
        ("Activity log: summary and chart, 12 months (htmx)", ("activity:activity_summary", {}), "?period=365d",
         HTMX, PAGE_MS),
        ("Map page", ("mapview:map", {}), "", {}, PAGE_MS),
        ("Saved selections", ("mapview:selection_list", {}), "", {}, PAGE_MS),
        ("Saved selection detail", ("mapview:selection_detail", {"pk": ctx["selection"]}), "", {}, PAGE_MS),
        ("Customers without coordinates", ("mapview:missing", {}), "", {}, PAGE_MS),
    ]
    for i, process_id in enumerate(processes[:3]):
        spec.append((f"Kanban, process {i + 1}", ("sales:project_kanban", {}), f"?process={process_id}", {}, PAGE_MS))
    if first:
        spec.append(("Kanban: board fragment (htmx filter)", ("sales:project_kanban", {}), f"?{board_query}&sort=value",
                     HTMX, PAGE_MS))
    if ctx["column"]:
        spec.append(("Kanban: load more (htmx)", ("sales:project_kanban_column", {}),
                     f"?{board_query}&column={ctx['column']}&offset=15", HTMX, PAGE_MS))
    if ctx["movable"]:
        query = urlencode({"board": 1, "board_process": first, "from_phase": ctx["column"], "board_query": board_query})
        spec.append(("Kanban: move dialog (htmx)", ("sales:project_move", {"pk": ctx["movable"]}), f"?{query}",
                     {**HTMX, "HX-Target": "sales-dialog-body"}, PAGE_MS))
    if ctx["extent"]:
        for label, zoom, span in (("country", 6, None), ("region", 9, 2.5), ("city", 13, 0.16)):
            spec.append((f"Map data: {label} (zoom {zoom})", ("mapview:map_data", {}),
                         _viewport(ctx["extent"], zoom, span), {"Accept": "application/json"}, MAP_MS))
    if ctx["team"]:
        spec.append(("CSV export, one team (about 10,000 rows)", ("customers:customer_export", {}),
                     f"?team={ctx['team']}", {}, PAGE_MS * 10))

    out = []
    for label, (name, kwargs), query, headers, budget in spec:
        if any(v is None for v in kwargs.values()):
            continue
        path = _url(name, **kwargs)
        if path:
            out.append({"label": label, "method": "GET", "path": path + query, "headers": headers, "budget_ms": budget,
                        "floor": True})
    preview = _url("mapview:selection_preview")
    if preview and ctx["extent"]:
        geometry = {"shapes": [{"type": "polygon", "points": country_polygon(ctx["extent"])}], "ids": []}
        out.append({
            "label": "Map: drawn polygon over the whole country (htmx POST)", "method": "POST", "path": preview,
            "headers": {**HTMX, "HX-Target": "selection-result"}, "body": {"geometry": json.dumps(geometry)},
            "budget_ms": MAP_MS, "floor": True,  # it only reads: its SQL replays like a GET's
        })
    return out


def throughput_paths(ctx: dict) -> list[tuple[str, str]]:
    out = []
    for label, name, query in (("Customer overview", "customers:customer_list", ""),
                               ("Kanban", "sales:project_kanban", f"?process={ctx['processes'][0]}" if ctx["processes"] else "")):
        path = _url(name)
        if path:
            out.append((label, path + query))
    return out
