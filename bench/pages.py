"""What the benchmark measures: every page and htmx fragment, generated from the lists themselves.

``pages(ctx)`` lists the requests measured the same way (p50/p95 server time, queries, size, and
the two floors). Most of them are generated, not written down: for every list of ``LISTS`` (its
django-tables2 Table and its FilterSet) the page in its default order, first and a deep page; every
orderable column in both directions, first and deep page; every filter alone with a value drawn
from the data; the common combinations (owner or team + status + phase, text search + each sort);
its htmx table fragment. Then the kanban of every process with every card sort, its fragments, and
the fragments and pages that are not lists (``SINGLE_PAGES``, ``FRAGMENTS``). A new sortable
column or filter is therefore measured without anyone adding it; tests/crm/test_bench_pages.py
proves the coverage on the small test tenant (every orderable column, every filter, every Table
and FilterSet of the product, every ``hx-get`` URL of the templates).

Each request names its URL by URL name, so a page that does not exist is left out instead of
failing. A request whose SQL must not be replayed (it writes) or whose time is not a page's says
why in ``floor``. ``actions`` (bench/actions.py) measures the flows that are not one request.

Budgets from PRODUCT.md: 100 ms p95 per page and fragment, 150 ms for map data and selections.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import FieldError
from django.db import connection
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_tenants.utils import schema_context

SCHEMA = "bench"
PASSWORD = "crm-demo-2026"  # noqa: S105 - seeded demo password
HTMX = {"HX-Request": "true"}
PAGE_MS, MAP_MS = 100, 150
SEARCH_MS = 50  # issue 18: the global search under 50 ms at p95
DEEP_ROWS = 10_000  # a "deep page" starts this many rows down (or halfway, in a shorter list)

# The common combinations of filters (PRODUCT.md: owner/team + status + phase); a combination
# is measured on every list whose FilterSet has all of its filters.
COMBOS: tuple[tuple[str, ...], ...] = (
    ("owner", "status"),
    ("team", "status"),
    ("owner", "status", "phase"),
    ("team", "status", "phase"),
    ("team", "has_open_projects"),
    ("team", "size_class"),
    ("employee", "kind"),
    ("team", "kind", "period"),
)


def _rows(sql: str, params=None, schema: str = SCHEMA) -> list[tuple]:
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _first(sql: str, params=None, schema: str = SCHEMA):
    rows = _rows(sql, params, schema)
    return rows[0][0] if rows else None


def _url(name: str, schema: str = SCHEMA, **kwargs) -> str | None:
    try:
        with schema_context(schema):
            return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


# --- the lists ----------------------------------------------------------------------------------


def _customer_filter(ctx):
    from customers.filters import CustomerFilter

    return CustomerFilter(None, request=ctx["request"])


def _contact_filter(ctx):
    from customers.filters import ContactFilter

    return ContactFilter(None, request=ctx["request"])


def _project_filter(lead: bool):
    def make(ctx):
        from sales.filters import ProjectFilter
        from sales.models import SalesProject

        # with the request: its user's custom-field filters (customfields.filters) are measured too
        return ProjectFilter(
            None, queryset=SalesProject.objects.all(), lead=lead, request=ctx.get("request")
        )

    return make


def _group_filter(ctx):
    from sales.filters import GroupFilter
    from sales.models import ProjectGroup

    return GroupFilter(None, queryset=ProjectGroup.objects.all())


def _activity_filter(ctx):
    from activity.filters import ActivityFilter
    from crm.models import Team
    from crm.selectors import user_list_active

    return ActivityFilter(
        None, users=list(user_list_active()), teams=list(Team.objects.order_by("name"))
    )


def _customer_table():
    from customers.tables import CustomerTable

    return CustomerTable


def _contact_table():
    from customers.tables import ContactTable

    return ContactTable


def _project_table():
    from sales.tables import ProjectTable

    return ProjectTable


def _group_table():
    from sales.tables import GroupTable

    return GroupTable


def _map_table():
    from mapview.tables import MapCustomerTable

    return MapCustomerTable


@dataclass(frozen=True)
class ListSpec:
    """One list page: its URL, its Table (sorts) and FilterSet (filters), how it pages."""

    label: str
    url: str  # URL name
    table: object = None  # () -> Table class; its orderable columns are sorted
    filterset: object = None  # (ctx) -> an unbound FilterSet; each of its filters is measured
    per_page: int = 25
    rows: str = ""  # SQL counting the unfiltered list's rows (for the deep page)
    fragment: dict = field(default_factory=lambda: dict(HTMX))  # headers of its htmx table fragment
    kwargs: str = ""  # a ctx key whose value is the URL's pk
    # (parameter, [values]) measured like filters: parameters that are no FilterSet's
    extra: tuple = ()
    budget: int = PAGE_MS
    sorts: tuple = ()  # sorts of a list without a Table ("" = its default order)


LISTS: tuple[ListSpec, ...] = (
    ListSpec(
        "Customer overview",
        "customers:customer_list",
        _customer_table,
        _customer_filter,
        25,
        "SELECT count(*) FROM customers_customer",
        {**HTMX, "HX-Target": "table"},
    ),
    ListSpec(
        "Contact persons",
        "customers:contact_list",
        _contact_table,
        _contact_filter,
        25,
        "SELECT count(*) FROM customers_contactperson",
        {**HTMX, "HX-Target": "table"},
    ),
    ListSpec(
        "Sales list",
        "sales:project_list",
        _project_table,
        _project_filter(False),
        50,
        "SELECT count(*) FROM sales_salesproject p JOIN sales_process r ON r.id = p.process_id "
        "WHERE r.kind <> 'lead'",
    ),
    ListSpec(
        "Leads (list)",
        "sales:lead_list",
        _project_table,
        _project_filter(True),
        50,
        "SELECT count(*) FROM sales_salesproject p JOIN sales_process r ON r.id = p.process_id "
        "WHERE r.kind = 'lead'",
    ),
    ListSpec(
        "Project groups",
        "sales:group_list",
        _group_table,
        _group_filter,
        50,
        "SELECT count(*) FROM sales_projectgroup",
    ),
    ListSpec(
        "Activity log",
        "activity:activity_list",
        None,
        _activity_filter,
        25,
        "",
        {**HTMX, "HX-Target": "activity-results"},
        sorts=("", "occurred_at"),
    ),
    ListSpec(
        "Saved selections",
        "mapview:selection_list",
        None,
        None,
        25,
        "SELECT count(*) FROM mapview_selection",
        {},
        budget=MAP_MS,
        sorts=("",),
    ),
    ListSpec(
        "Saved selection detail",
        "mapview:selection_detail",
        _map_table,
        None,
        50,
        "SELECT count(*) FROM mapview_selectionitem WHERE selection_id = %(selection)s",
        {**HTMX, "HX-Target": "table"},
        kwargs="selection",
        budget=MAP_MS,
    ),
    ListSpec(
        "Customers without coordinates",
        "mapview:missing",
        _map_table,
        _customer_filter,
        50,
        "SELECT count(*) FROM customers_customer WHERE latitude IS NULL OR longitude IS NULL",
        {**HTMX, "HX-Target": "table"},
        extra=(("geocode_status", ("pending", "not_found", "failed")),),
        budget=MAP_MS,
    ),
)


def orderable_columns(table_class) -> list[str]:
    """The names of a Table's sortable columns (the ``sort`` values its header links use)."""
    return [column.name for column in table_class([]).columns.iterorderable()]


# the lists whose sortable custom fields are columns too (issue 19), by the fields' record type
CUSTOM_COLUMNS = {
    "customers:customer_list": "customer",
    "customers:contact_list": "contact",
    "sales:project_list": "project",
    "sales:lead_list": "lead",
}


def custom_sort_columns(url_name: str) -> list[str]:
    """The ``sort`` values of the tenant's sortable custom fields on the list ``url_name``."""
    from customfields.query import is_sortable
    from customfields.selectors import definitions_for

    entity = CUSTOM_COLUMNS.get(url_name)
    if entity is None:
        return []
    return [d.column for d in definitions_for(entity=entity) if is_sortable(d)]


# --- values drawn from the data -----------------------------------------------------------------


def _most_common(model, field_name: str):
    """The most frequent non-empty value of ``field_name`` (a field path) in ``model``'s rows."""
    try:
        row = (
            model.objects.exclude(**{f"{field_name}__isnull": True})
            .order_by()
            .values_list(field_name)
            .annotate(n=Count("pk"))
            .order_by("-n", field_name)[:1]
        )
        row = list(row)
    except (FieldError, ValueError, TypeError):
        return None
    return row[0][0] if row else None


def _choice_values(field) -> list[str]:
    out = []
    for value, label in field.choices:
        if isinstance(label, (list, tuple)):
            out += [str(v) for v, _l in label if str(v)]
        elif str(value) != "":
            out.append(str(value.value if hasattr(value, "value") else value))
    return out


def filter_value(filterset, name: str, ctx: dict):
    """A valid value of filter ``name`` drawn from the data: the bench user or team for owners and
    teams, else the most frequent value of the filter's field, else its first choice; the search
    word of ``ctx`` for text; dates around today. Raises ValueError for a filter it cannot fill
    (the coverage test then says which)."""
    from crm.models import Team, User

    flt = filterset.filters[name]
    form_field = filterset.form.fields[name]
    model = filterset.queryset.model
    common = _most_common(model, flt.field_name) if flt.field_name else None
    if isinstance(form_field, forms.ModelChoiceField):  # and ModelMultipleChoiceField
        queryset = form_field.queryset
        preferred = {User: ctx.get("user"), Team: ctx.get("team")}.get(queryset.model)
        for pk in (preferred, common):
            if pk is not None and queryset.filter(pk=pk).exists():
                return str(pk)
        pk = queryset.values_list("pk", flat=True).first()
        if pk is None:
            raise ValueError(f"filter {name}: no {queryset.model.__name__} to choose")
        return str(pk)
    if isinstance(form_field, forms.NullBooleanField):
        return "true"
    if isinstance(form_field, forms.ChoiceField):  # and MultipleChoiceField, TypedChoiceField
        values = _choice_values(form_field)
        if name == "team" and ctx.get("team") and str(ctx["team"]) in values:
            return str(ctx["team"])
        if name in ("employee", "owner") and ctx.get("user") and str(ctx["user"]) in values:
            return str(ctx["user"])
        if common is not None and str(common) in values:
            return str(common)
        if not values:
            raise ValueError(f"filter {name}: no choices")
        return values[0]
    if isinstance(form_field, forms.DateField):
        if isinstance(common, datetime.date):
            return common.isoformat()
        today = timezone.localdate()
        late = flt.lookup_expr in ("lte", "lt") or name.endswith("_to")
        return (today if late else today - datetime.timedelta(days=30)).isoformat()
    if isinstance(form_field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        if common is None and name.startswith("cf_"):  # a custom number's range: from 1 / to 10^6
            return "1000000" if name.endswith("_to") else "1"
        if common is None:
            raise ValueError(f"filter {name}: no value in the data")
        return str(common)
    if isinstance(form_field, forms.CharField):
        return ctx["word"]
    raise ValueError(f"filter {name}: no value for a {type(form_field).__name__}")


def _deep_page(spec: ListSpec, ctx: dict) -> int | None:
    if not spec.rows:
        return None
    count = _first(spec.rows, {"selection": ctx.get("selection")}, ctx["schema"]) or 0
    pages = -(-count // spec.per_page)
    if pages < 3:
        return None
    return min(DEEP_ROWS // spec.per_page + 1, max(2, pages // 2))


def _activity_deep_cursors(ctx: dict) -> dict[str, str]:
    """Cursors of an entry DEEP_ROWS down the default period, newest and oldest first."""
    from activity.models import Activity
    from activity.periods import DEFAULT_PERIOD, period_resolve
    from activity.selectors import cursor_encode

    period = period_resolve(name=DEFAULT_PERIOD)
    rows = Activity.objects.filter(occurred_at__gte=period.start, occurred_at__lt=period.end)
    count = rows.count()
    offset = min(DEEP_ROWS, count // 2)
    out = {}
    if offset < 50:
        return out
    for sort, order in (("", ("-occurred_at", "-id")), ("occurred_at", ("occurred_at", "id"))):
        entry = rows.order_by(*order)[offset]
        out[sort] = cursor_encode(entry)
    return out


def list_pages(spec: ListSpec, ctx: dict) -> list[dict]:
    """Every generated request of one list."""
    kwargs = {"pk": ctx[spec.kwargs]} if spec.kwargs else {}
    if any(v is None for v in kwargs.values()):
        return []
    path = _url(spec.url, ctx["schema"], **kwargs)
    if not path:
        return []
    out: list[dict] = []

    def add(
        label: str,
        params: list[tuple[str, str]],
        headers: dict | None = None,
        kind: str = "page",
        **facts,
    ):
        query = urlencode(params)
        out.append(
            {
                "label": f"{spec.label}: {label}",
                "method": "GET",
                "path": path + (f"?{query}" if query else ""),
                "headers": headers or {},
                "budget_ms": spec.budget,
                "floor": True,
                "list": spec.label,
                "kind": kind,
                **facts,
            }
        )

    deep = _deep_page(spec, ctx)
    table = spec.table() if spec.table else None
    sorts: list[str] = []
    if table is not None:
        for name in orderable_columns(table) + custom_sort_columns(spec.url):
            sorts += [name, f"-{name}"]
    sorts = ["", *sorts] if table is not None else list(spec.sorts)
    cursors = _activity_deep_cursors(ctx) if spec.url == "activity:activity_list" else {}
    for sort in sorts:
        base = [("sort", sort)] if sort else []
        what = f"sort {sort}" if sort else "default order"
        add(f"{what}, first page", base, kind="sort", sort=sort)
        if deep:
            add(
                f"{what}, page {deep}",
                [*base, ("page", str(deep))],
                kind="sort",
                sort=sort,
                deep=True,
            )
        elif sort in cursors:
            add(
                f"{what}, {DEEP_ROWS:,} entries down",
                [*base, ("cursor", cursors[sort])],
                kind="sort",
                sort=sort,
                deep=True,
            )

    filterset = spec.filterset(ctx) if spec.filterset else None
    values: dict[str, str] = {}
    if filterset is not None:
        for name in filterset.filters:
            values[name] = filter_value(filterset, name, ctx)
            add(f"filter {name}={values[name]}", [(name, values[name])], kind="filter", filter=name)
        for combo in COMBOS:
            if all(name in values for name in combo):
                params = [(name, values[name]) for name in combo]
                add("filters " + " + ".join(combo), params, kind="combo", filters=combo)
        text = next((name for name in ("q", "customer_name") if name in values), None)
        if text:
            for sort in sorts:
                if sort and not sort.startswith("-"):
                    add(
                        f"search {values[text]!r} sorted by {sort}",
                        [(text, values[text]), ("sort", sort)],
                        kind="search+sort",
                        sort=sort,
                        filter=text,
                    )
    for name, choices in spec.extra:
        for value in choices:
            add(f"{name}={value}", [(name, value)], kind="filter", filter=name)
    if spec.fragment:
        add(
            "table fragment (htmx)", [("page", "2")] if deep else [], spec.fragment, kind="fragment"
        )
        if values:
            name = next(iter(values))
            add(
                f"table fragment filtered by {name} (htmx)",
                [(name, values[name])],
                spec.fragment,
                kind="fragment",
            )
    return out


# --- the tenant's facts the pages need ----------------------------------------------------------


class _Request:
    """The little of a request the FilterSets read (the tenant's lead function, the user whose
    role decides which custom-field filters there are)."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.user = None


def context(user_email: str, schema: str = SCHEMA) -> dict:
    """Ids and parameters the pages need, read from the tenant ``schema``."""
    from tenants.models import Tenant

    def first(sql, params=None):
        return _first(sql, params, schema)

    with schema_context("public"):
        tenant = Tenant.objects.get(schema_name=schema)
    user_id = first("SELECT id FROM crm_user WHERE email = %s", [user_email])
    processes = [
        r[0]
        for r in _rows(
            "SELECT id FROM sales_process WHERE kind = 'sales' ORDER BY \"order\", id",
            schema=schema,
        )
    ]
    lead_processes = [
        r[0]
        for r in _rows(
            "SELECT id FROM sales_process WHERE kind = 'lead' ORDER BY \"order\", id", schema=schema
        )
    ]
    first_process = processes[0] if processes else None
    # The fullest open column of the first process: its "load more" and a card to move.
    column = (
        first(
            "SELECT ph.id FROM sales_phase ph JOIN sales_salesproject p ON p.phase_id = ph.id "
            "WHERE ph.process_id = %s AND ph.outcome = 'open' AND NOT ph.parks GROUP BY ph.id "
            "ORDER BY count(*) DESC LIMIT 1",
            [first_process],
        )
        if first_process
        else None
    )
    other_phase = (
        first(
            "SELECT id FROM sales_phase WHERE process_id = %s AND outcome = 'open' AND NOT parks "
            "AND id <> %s "
            'ORDER BY "order", id LIMIT 1',
            [first_process, column],
        )
        if column
        else None
    )
    movable = (
        first(
            "SELECT id FROM sales_salesproject WHERE owner_id = %s AND phase_id = %s ORDER BY id "
            "LIMIT 1",
            [user_id, column],
        )
        if column
        else None
    )
    # The team whose customers number closest to 10,000: the CSV export of 10,000 rows.
    team = first(
        "SELECT u.team_id FROM customers_customer c JOIN crm_user u ON u.id = c.owner_id "
        "WHERE u.team_id IS NOT NULL "
        "GROUP BY u.team_id ORDER BY abs(count(*) - 10000) LIMIT 1"
    )
    extent = _rows(
        "SELECT min(longitude), min(latitude), max(longitude), max(latitude) "
        "FROM customers_customer",
        schema=schema,
    )[0]
    customer_name = (
        first("SELECT name FROM customers_customer ORDER BY id LIMIT 1 OFFSET 500")
        or first("SELECT name FROM customers_customer ORDER BY id LIMIT 1")
        or "GmbH"
    )
    words = [w for w in re.findall(r"\w+", customer_name) if len(w) >= 4] or [customer_name]
    request = _Request(tenant)
    from crm.models import User

    with schema_context(schema):
        # the bench user: the filters of the custom fields its role sees are measured too
        request.user = User.objects.filter(pk=user_id).first()
    return {
        "schema": schema,
        "request": request,
        "user": user_id,
        "word": max(words, key=len),
        "name": customer_name,
        "customer": first("SELECT id FROM customers_customer ORDER BY id LIMIT 1 OFFSET 500")
        or first("SELECT id FROM customers_customer ORDER BY id LIMIT 1"),
        "contact": first("SELECT id FROM customers_contactperson ORDER BY id LIMIT 1 OFFSET 500")
        or first("SELECT id FROM customers_contactperson ORDER BY id LIMIT 1"),
        "project": first("SELECT id FROM sales_salesproject ORDER BY id LIMIT 1 OFFSET 500")
        or first("SELECT id FROM sales_salesproject ORDER BY id LIMIT 1"),
        "group": first("SELECT id FROM sales_projectgroup ORDER BY id LIMIT 1"),
        # the largest saved selection: its sorts and deep page
        "selection": first(
            "SELECT selection_id FROM mapview_selectionitem GROUP BY 1 ORDER BY count(*) DESC, 1 "
            "LIMIT 1"
        )
        or first("SELECT id FROM mapview_selection ORDER BY id LIMIT 1"),
        "processes": processes,
        "lead_processes": lead_processes,
        "column": column,
        "other_phase": other_phase,
        "movable": movable,
        "team": team,
        "extent": extent if extent[0] is not None else None,
    }


def country_polygon(extent) -> list[list[float]]:
    """A polygon (lat, lon corners, as the map sends them) around every customer, with a margin."""
    west, south, east, north = extent
    return [
        [north + 0.5, west - 0.5],
        [north + 0.5, east + 0.5],
        [(north + south) / 2, east + 1.0],
        [south - 0.5, east + 0.5],
        [south - 0.5, west - 0.5],
        [(north + south) / 2, west - 1.0],
    ]


def _viewport(extent, zoom: int, span_lon: float | None, schema: str = SCHEMA) -> str:
    """A viewport at ``zoom``: the whole extent (country) or a window of ``span_lon`` degrees
    (about a 1,200 x 800 pixel screen) centred on the densest area."""
    west, south, east, north = extent
    if span_lon is None:
        box = (west - 0.5, south - 0.5, east + 0.5, north + 0.5)
    else:
        lon, lat = _rows(
            "SELECT round(longitude::numeric, 1), round(latitude::numeric, 1) "
            "FROM customers_customer "
            "WHERE latitude IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1",
            schema=schema,
        )[0]
        lon, lat = float(lon), float(lat)
        box = (lon - span_lon / 2, lat - span_lon / 3, lon + span_lon / 2, lat + span_lon / 3)
    return urlencode({"bbox": ",".join(f"{v:.6f}" for v in box), "zoom": zoom})


# --- pages that are not lists, the kanban, the fragments ----------------------------------------


def _single_pages(ctx: dict) -> list[tuple]:
    """(label, (URL name, kwargs), query, headers, budget) of the pages that are not generated."""
    q = {"q": ctx["word"]}
    spec = [
        ("Dashboard", ("crm:dashboard", {}), "", {}, PAGE_MS),
        (
            "Customer detail",
            ("customers:customer_detail", {"pk": ctx["customer"]}),
            "",
            {},
            PAGE_MS,
        ),
        ("Contact detail", ("customers:contact_detail", {"pk": ctx["contact"]}), "", {}, PAGE_MS),
        ("Project detail", ("sales:project_detail", {"pk": ctx["project"]}), "", {}, PAGE_MS),
        ("Project group detail", ("sales:group_detail", {"pk": ctx["group"]}), "", {}, PAGE_MS),
        ("Map page", ("mapview:map", {}), "", {}, PAGE_MS),
        # fragments (htmx) that are not a list's table
        (
            "Activity log: entries fragment (htmx)",
            ("activity:activity_list", {}),
            "",
            {**HTMX, "HX-Target": "activity-entries"},
            PAGE_MS,
        ),
        (
            "Activity log: summary and chart (htmx)",
            ("activity:activity_summary", {}),
            "",
            HTMX,
            PAGE_MS,
        ),
        (
            "Activity log: summary and chart, 12 months (htmx)",
            ("activity:activity_summary", {}),
            "period=365d",
            HTMX,
            PAGE_MS,
        ),
        (
            "Project groups: conflicts, page 2 (htmx)",
            ("sales:group_list", {}),
            "cpage=2",
            {**HTMX, "HX-Target": "conflicts"},
            PAGE_MS,
        ),
        (
            "Contact form: customer picker (htmx)",
            ("customers:customer_picker", {}),
            urlencode({"customer_search": ctx["word"]}),
            HTMX,
            PAGE_MS,
        ),
        (
            "Project form: customer search (htmx)",
            ("sales:customer_search", {}),
            urlencode({"customer_q": ctx["word"]}),
            HTMX,
            PAGE_MS,
        ),
        (
            "Quick log card of a project (htmx)",
            ("activity:activity_create", {}),
            urlencode({"project": ctx["project"], "variant": "card"}),
            HTMX,
            PAGE_MS,
        ),
        ("Map: marker popup", ("mapview:customer_popup", {"pk": ctx["customer"]}), "", {}, MAP_MS),
        # custom fields (issue 19): sorted by the typed expression through its index (the lists'
        # Tables get their custom columns per request, so these are not generated)
        (
            "Customer overview sorted by a custom choice (Industry segment)",
            ("customers:customer_list", {}),
            "sort=cf_segment",
            {},
            PAGE_MS,
        ),
        (
            "Customer overview sorted by a custom text, descending (VAT id)",
            ("customers:customer_list", {}),
            "sort=-cf_vat_id",
            {},
            PAGE_MS,
        ),
        (
            "Sales list sorted by a custom date (Contract end)",
            ("sales:project_list", {}),
            "sort=cf_contract_end",
            {},
            PAGE_MS,
        ),
        (
            "Customer overview: sidebar search (htmx)",
            ("customers:customer_list", {}),
            urlencode(q),
            {**HTMX, "HX-Target": "table"},
            PAGE_MS,
        ),
    ]
    # German (issue 21): the name sorts in the ICU collation crm_de, read from its indexes, and
    # German formats of dates and amounts; the bench user has no language of its own, so the
    # browser's Accept-Language decides, as for a German user without a choice
    german = {"Accept-Language": "de"}
    for label, (name, kwargs), query in (
        ("Dashboard", ("crm:dashboard", {}), ""),
        ("Customer overview sorted by name", ("customers:customer_list", {}), "sort=name"),
        (
            "Customer overview sorted by name, descending",
            ("customers:customer_list", {}),
            "sort=-name",
        ),
        ("Customer overview sorted by city", ("customers:customer_list", {}), "sort=city"),
        ("Contact persons sorted by name", ("customers:contact_list", {}), "sort=name"),
        ("Sales list sorted by title", ("sales:project_list", {}), "sort=title"),
        ("Project groups sorted by name", ("sales:group_list", {}), "sort=name"),
        ("Saved selections (by name)", ("mapview:selection_list", {}), ""),
    ):
        spec.append((f"German: {label}", (name, kwargs), query, german, PAGE_MS))
    # the global search: a common name with umlaut folding, a typo, a missing letter, two
    # letters, the sample word, a whole name as written
    for label, text in (
        ("mueller", "mueller"),
        ("umlaut spelt out (Gebaeude)", "gebaeude"),
        ("a typo (Schmitd)", "schmitd"),
        ("one letter missing (Schneder)", "schneder"),
        ("two letters", "ma"),
        ("the sample word", ctx["word"]),
        ("an exact name", ctx.get("name") or ctx["word"]),
    ):
        spec.append(
            (f"Global search: {label}", ("crm:search", {}), urlencode({"q": text}), {}, SEARCH_MS)
        )
        spec.append(
            (
                f"Global search dropdown: {label} (htmx)",
                ("crm:search", {}),
                urlencode({"q": text, "dropdown": 1}),
                HTMX,
                SEARCH_MS,
            )
        )
    for kind in ("customer", "project", "contact", "group"):
        if ctx[kind]:
            spec.append(
                (
                    f"Timeline of a {kind} (htmx)",
                    ("activity:timeline", {}),
                    urlencode({kind: ctx[kind]}),
                    HTMX,
                    PAGE_MS,
                )
            )
    for lead, processes in ((False, ctx["processes"]), (True, ctx["lead_processes"])):
        from sales.selectors import CARD_SORTS

        name, what = (
            ("sales:lead_kanban", "Leads kanban") if lead else ("sales:project_kanban", "Kanban")
        )
        for i, process_id in enumerate(processes):
            for sort in CARD_SORTS:
                spec.append(
                    (
                        f"{what}, process {i + 1}, cards by {sort}",
                        (name, {}),
                        urlencode({"process": process_id, "sort": sort}),
                        {},
                        PAGE_MS,
                    )
                )
        if processes:
            spec.append(
                (
                    f"{what}: board fragment filtered by owner (htmx)",
                    (name, {}),
                    urlencode({"process": processes[0], "owner": ctx["user"]}),
                    HTMX,
                    PAGE_MS,
                )
            )
    if ctx["column"]:
        from sales.selectors import CARD_SORTS

        for sort in CARD_SORTS:
            spec.append(
                (
                    f"Kanban: load more, cards by {sort} (htmx)",
                    ("sales:project_kanban_column", {}),
                    urlencode(
                        {
                            "process": ctx["processes"][0],
                            "column": ctx["column"],
                            "offset": 15,
                            "sort": sort,
                        }
                    ),
                    HTMX,
                    PAGE_MS,
                )
            )
    if ctx["movable"]:
        board_query = urlencode({"process": ctx["processes"][0]})
        query = urlencode(
            {
                "board": 1,
                "board_process": ctx["processes"][0],
                "from_phase": ctx["column"],
                "board_query": board_query,
            }
        )
        spec.append(
            (
                "Kanban: move dialog (htmx)",
                ("sales:project_move", {"pk": ctx["movable"]}),
                query,
                {**HTMX, "HX-Target": "sales-dialog-body"},
                PAGE_MS,
            )
        )
    if ctx["extent"]:
        for label, zoom, span in (("country", 6, None), ("region", 9, 2.5), ("city", 13, 0.16)):
            spec.append(
                (
                    f"Map data: {label} (zoom {zoom})",
                    ("mapview:map_data", {}),
                    _viewport(ctx["extent"], zoom, span, ctx["schema"]),
                    {"Accept": "application/json"},
                    MAP_MS,
                )
            )
    if ctx["team"]:
        spec.append(
            (
                "CSV export, one team (about 10,000 rows)",
                ("customers:customer_export", {}),
                urlencode({"team": ctx["team"]}),
                {},
                PAGE_MS * 10,
            )
        )
    return spec


def map_filter_pages(ctx: dict) -> list[dict]:
    """The map's data for the whole country under each of the overview's filters alone."""
    path = _url("mapview:map_data", ctx["schema"])
    if not path or not ctx["extent"]:
        return []
    filterset = _customer_filter(ctx)
    viewport = _viewport(ctx["extent"], 6, None, ctx["schema"])
    out = []
    for name in filterset.filters:
        value = filter_value(filterset, name, ctx)
        out.append(
            {
                "label": f"Map data: country, filter {name}={value}",
                "method": "GET",
                "path": f"{path}?{viewport}&{urlencode({name: value})}",
                "headers": {"Accept": "application/json"},
                "budget_ms": MAP_MS,
                "floor": True,
                "list": "Map data",
                "kind": "filter",
                "filter": name,
            }
        )
    return out


def pages(ctx: dict) -> list[dict]:
    """Every page and fragment: label, method, path (with query), headers, body, budget, floor."""
    schema = ctx["schema"]
    out = []
    with schema_context(schema):
        for label, (name, kwargs), query, headers, budget in _single_pages(ctx):
            if any(v is None for v in kwargs.values()):
                continue
            path = _url(name, schema, **kwargs)
            if path:
                out.append(
                    {
                        "label": label,
                        "method": "GET",
                        "path": path + (f"?{query}" if query else ""),
                        "headers": headers,
                        "budget_ms": budget,
                        "floor": True,
                        "kind": "single",
                    }
                )
        for spec in LISTS:
            out += list_pages(spec, ctx)
        out += map_filter_pages(ctx)
    preview = _url("mapview:selection_preview", schema)
    if preview and ctx["extent"]:
        geometry = {
            "shapes": [{"type": "polygon", "points": country_polygon(ctx["extent"])}],
            "ids": [],
        }
        out.append(
            {
                "label": "Map: drawn polygon over the whole country (htmx POST)",
                "method": "POST",
                "path": preview,
                "headers": {**HTMX, "HX-Target": "selection-result"},
                "body": {"geometry": json.dumps(geometry)},
                "budget_ms": MAP_MS,
                "floor": True,
                "kind": "single",  # it only reads: its SQL replays like a GET's
            }
        )
    duplicates = _url("customers:customer_duplicates", schema)
    if duplicates:
        out.append(
            {
                "label": "Customer form: duplicate check (htmx POST)",
                "method": "POST",
                "path": duplicates,
                "headers": HTMX,
                "body": {"name": ctx["word"], "city": "", "postal_code": "", "country": "DE"},
                "budget_ms": PAGE_MS,
                "floor": True,
                "kind": "single",  # it only reads
            }
        )
    return out


def throughput_paths(ctx: dict) -> list[tuple[str, str]]:
    """The pages of the load run, /healthz first: every other figure is read as a share of it."""
    out = []
    kanban = f"?process={ctx['processes'][0]}" if ctx["processes"] else ""
    for label, name, query in (
        ("/healthz", "healthz", ""),
        ("Customer overview", "customers:customer_list", ""),
        ("Contact persons", "customers:contact_list", ""),
        ("Sales list", "sales:project_list", ""),
        ("Kanban", "sales:project_kanban", kanban),
    ):
        path = _url(name, ctx["schema"])
        if path:
            out.append((label, path + query))
    return out
