"""The benchmark's page list is generated from the lists themselves (bench/pages.py): every
orderable column both ways, every filter alone, every Table and FilterSet of the product, every
htmx fragment the templates request. Checked on the small test tenant, never the 100k one, and
without timing anything: each generated page must answer."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import django_filters
import django_tables2
import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from bench import pages as bench_pages
from tests.builders.activity import make_activity
from tests.builders.customers import make_contact, make_customer
from tests.builders.mapview import make_located_customer, make_selection
from tests.builders.sales import make_group, make_process, make_project

PRODUCT_APPS = ("crm", "customers", "sales", "activity", "mapview")


@pytest.fixture
def generated(tenant, carol, alice):
    customer = make_customer(name="Kranbau Hoffmann GmbH", owner=carol, city="Bremen")
    make_located_customer(53.1, 8.8, name="Werft Hoffmann", owner=alice)
    contact = make_contact(customer=customer)
    project = make_project(customer=customer, owner=carol, title="Krananlage")
    other = make_project(customer=customer, owner=alice, process=project.process)
    make_group(projects=[project, other])
    make_project(process=make_process(kind="lead", name="Lead process"), owner=carol)
    make_activity(customer=customer, project=project, employee=carol, contacts=[contact])
    make_selection(owner=carol, customers=[customer])
    ctx = bench_pages.context(carol.email, schema=tenant.schema_name)
    return ctx, bench_pages.pages(ctx)


def _params(page: dict) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(page["path"]).query)


def _product_subclasses(base: type) -> set[type]:
    for app in PRODUCT_APPS:  # import every tables/filters module so their classes exist
        for module in ("tables", "filters"):
            if (Path(settings.BASE_DIR) / app / f"{module}.py").exists():
                importlib.import_module(f"{app}.{module}")
    found, stack = set(), [base]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            concrete = getattr(sub, "base_columns", None) or getattr(sub, "base_filters", None)
            if sub.__module__.split(".")[0] in PRODUCT_APPS and concrete:  # not a bare base class
                found.add(sub)
    return found


def test_every_orderable_column_is_sorted_both_ways(generated):
    ctx, rows = generated
    for spec in bench_pages.LISTS:
        if spec.table is None:
            continue
        sorts = {
            dict(_params(p)).get("sort")
            for p in rows
            if p.get("list") == spec.label and p["kind"] == "sort"
        }
        columns = bench_pages.orderable_columns(spec.table())
        assert columns, spec.label
        for name in columns:
            assert {name, f"-{name}"} <= sorts, (
                f"{spec.label}: column {name} is not sorted both ways"
            )


def test_every_filter_is_measured_alone_with_a_value(generated):
    ctx, rows = generated
    for spec in bench_pages.LISTS:
        if spec.filterset is None:
            continue
        alone = {
            name
            for p in rows
            if p.get("list") == spec.label and p["kind"] == "filter"
            for name, value in _params(p)
            if value
        }
        filters = set(spec.filterset(ctx).filters)
        assert filters, spec.label
        assert filters <= alone, (
            f"{spec.label}: filters never measured alone: {sorted(filters - alone)}"
        )
    combos = [p for p in rows if p["kind"] == "combo" and p["list"] == "Sales list"]
    assert any(set(p["filters"]) == {"owner", "status", "phase"} for p in combos)


def test_a_new_column_or_filter_is_picked_up_without_touching_the_bench(generated, monkeypatch):
    from customers.filters import CustomerFilter
    from customers.tables import CustomerTable

    ctx, _rows = generated
    monkeypatch.setitem(
        CustomerTable.base_columns,
        "postal_code",
        django_tables2.Column(accessor="postal_code", verbose_name="PLZ"),
    )
    monkeypatch.setitem(
        CustomerFilter.base_filters, "city", django_filters.CharFilter(field_name="city")
    )
    rows = bench_pages.list_pages(bench_pages.LISTS[0], ctx)
    paths = [p["path"] for p in rows]
    assert any("sort=-postal_code" in path for path in paths)
    assert any(dict(_params(p)).get("city") == ctx["word"] for p in rows if p["kind"] == "filter")


def test_every_table_and_filterset_of_the_product_has_a_list(generated):
    ctx, _rows = generated
    tables = {spec.table() for spec in bench_pages.LISTS if spec.table}
    filtersets = {type(spec.filterset(ctx)) for spec in bench_pages.LISTS if spec.filterset}
    assert _product_subclasses(django_tables2.Table) - tables == set()
    assert _product_subclasses(django_filters.FilterSet) - filtersets == set()


# Requests the templates make that are writes (measured as actions or not a page at all).
WRITES = {
    "activity:activity_create",
    "activity:activity_done",
    "activity:activity_delete",
    "sales:project_move",
    "mapview:selection_save",
    "customers:customer_contact_create",
    "customers:import_progress",
}


def test_every_htmx_fragment_of_the_templates_is_measured(generated):
    ctx, rows = generated
    measured = set()
    for p in rows:
        try:
            match = resolve(urlsplit(p["path"]).path, urlconf=settings.ROOT_URLCONF)
        except Resolver404:
            continue
        measured.add(match.view_name)
    requested = set()
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        requested |= set(re.findall(r"hx-(?:get|post)=\"\{% url '([\w:]+)'", template.read_text()))
    assert requested, "no hx-get in the templates?"
    # import progress needs a running import: measured by the import action (bench/actions.py)
    assert requested - measured - WRITES == set()
    # the quick-log card is a GET of activity_create: measured although its POST is a write
    assert "activity:activity_create" in measured


def test_every_generated_page_answers(generated, client_for, carol):
    ctx, rows = generated
    client = client_for(carol)
    answered = 0
    checked = [
        p for p in rows if p["kind"] != "sort"
    ]  # sorts are column names: valid by construction
    for page in checked:
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in page["headers"].items()}
        if page["method"] == "GET":
            response = client.get(page["path"], **headers)
        else:
            response = client.post(page["path"], page.get("body") or {}, **headers)
        assert response.status_code < 400, (
            f"{page['label']}: HTTP {response.status_code} for {page['path']}"
        )
        answered += 1
    assert answered == len(checked) > 150


def test_the_sortable_custom_fields_are_benchmarked_both_ways(generated, carol):
    from tests.builders.customfields import make_field

    make_field(key="bench_code", sortable=True)
    make_field(key="bench_plain")  # not sortable: no sort row
    make_field(entity="project", key="bench_end", field_type="date", sortable=True)
    make_customer(name="Bench Feld GmbH", owner=carol, custom={"bench_code": "B1"})
    ctx, _rows = generated
    sorts = {(p.get("list"), dict(_params(p)).get("sort")) for p in bench_pages.pages(ctx)}
    lists = {spec.url: spec.label for spec in bench_pages.LISTS}
    customers, projects = lists["customers:customer_list"], lists["sales:project_list"]
    assert {(customers, "cf_bench_code"), (customers, "-cf_bench_code")} <= sorts
    assert {(projects, "cf_bench_end"), (projects, "-cf_bench_end")} <= sorts
    assert (lists["sales:lead_list"], "cf_bench_end") in sorts  # a lead is a project too
    assert not any(sort and "bench_plain" in sort for _list, sort in sorts)
