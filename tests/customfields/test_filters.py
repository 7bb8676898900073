"""Filters by custom field in the customer overview, contact list, project and lead lists, the
kanban and the map: each type, German input, only fields the role may see (a hidden field's
parameter never narrows a list), hostile values a filter error and never a 500."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from customfields import indexes
from sales.models import Process
from tests.builders.customers import make_contact, make_customer
from tests.builders.customfields import INDUSTRY_OPTIONS, make_field
from tests.builders.mapview import make_located_customer
from tests.builders.sales import make_process, make_project

GERMANY = "5.5,47.2,15.1,55.1"


def _rows(response, testid: str) -> str:
    html = response.content.decode()
    match = re.search(rf'data-testid="{testid}".*', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def customer_fields(tenant):
    return {
        "code": make_field(key="code", label_en="Code", filterable=True),
        "rating": make_field(key="rating", field_type="money", filterable=True),
        "ends": make_field(key="ends", label_en="Contract end", field_type="date", filterable=True),
        "vip": make_field(key="vip", label_en="VIP", field_type="boolean", filterable=True),
        "segment": make_field(
            key="segment", field_type="choice", options=INDUSTRY_OPTIONS, filterable=True
        ),
        "tags": make_field(
            key="tags", field_type="multi_choice", options=INDUSTRY_OPTIONS, filterable=True
        ),
        "secret": make_field(key="secret", filterable=True, visible_roles=["admin", "manager"]),
        "plain": make_field(key="plain"),  # not filterable
    }


@pytest.fixture
def two_customers(customer_fields):
    first = make_customer(
        name="Filter Müller GmbH",
        custom={
            "code": "Straße-Ä1",
            "rating": "1234.56",
            "ends": "2026-12-02",
            "vip": True,
            "segment": "retail",
            "tags": ["retail", "public"],
            "secret": "GEHEIM",
            "plain": "p1",
        },
    )
    second = make_customer(
        name="Filter Zweite AG",
        custom={"code": "xyz", "rating": "99", "ends": "2027-03-01", "segment": "public"},
    )
    return first, second


def _names(client, params, url="/customers/") -> set[str]:
    response = client.get(url, params)
    assert response.status_code == 200
    rows = response.context["table"].page.object_list
    return {row.record.name for row in rows}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"cf_code": "STRASSE-a"}, {"Filter Müller GmbH"}),  # case and umlauts folded
        ({"cf_code": "strasse-ae1"}, {"Filter Müller GmbH"}),
        ({"cf_rating_from": "1.000,50"}, {"Filter Müller GmbH"}),  # German input
        (
            {"cf_rating_from": "99", "cf_rating_to": "1,234.56"},
            {"Filter Müller GmbH", "Filter Zweite AG"},
        ),
        ({"cf_rating_to": "100"}, {"Filter Zweite AG"}),
        ({"cf_ends_from": "2.12.2026", "cf_ends_to": "31.12.2026"}, {"Filter Müller GmbH"}),
        ({"cf_ends_from": "2027-01-01"}, {"Filter Zweite AG"}),
        ({"cf_vip": "true"}, {"Filter Müller GmbH"}),
        ({"cf_vip": "false"}, {"Filter Zweite AG"}),  # never set counts as no
        ({"cf_segment": ["industry", "public"]}, {"Filter Zweite AG"}),
        ({"cf_segment": ["retail", "public"]}, {"Filter Müller GmbH", "Filter Zweite AG"}),
        ({"cf_tags": "public"}, {"Filter Müller GmbH"}),
    ],
)
def test_the_customer_overview_filters_by_each_type(
    tenant, alice, client_for, two_customers, params, expected
):
    assert _names(client_for(alice), {"q": "Filter", **params}) == expected


def test_the_filters_are_on_the_page_only_for_filterable_fields_the_role_sees(
    tenant, alice, carol, client_for, two_customers
):
    html = client_for(alice).get("/customers/").content.decode()
    for name in (
        "cf_code",
        "cf_rating_from",
        "cf_rating_to",
        "cf_ends_from",
        "cf_vip",
        "cf_segment",
        "cf_tags",
    ):
        assert f'name="{name}"' in html, name
    assert 'name="cf_secret"' not in html and 'name="cf_plain"' not in html
    assert "Contract end from" in html
    assert 'name="cf_secret"' in client_for(carol).get("/customers/").content.decode()


def test_a_hidden_fields_parameter_never_narrows_the_list(
    tenant, alice, carol, client_for, two_customers
):
    both = {"Filter Müller GmbH", "Filter Zweite AG"}
    # the salesperson may not see "secret": filtering by it would reveal who has which value
    assert _names(client_for(alice), {"q": "Filter", "cf_secret": "GEHEIM"}) == both
    assert _names(client_for(alice), {"q": "Filter", "cf_secret": "nothing"}) == both
    assert _names(client_for(carol), {"q": "Filter", "cf_secret": "GEHEIM"}) == {
        "Filter Müller GmbH"
    }
    # a field not marked filterable is not a filter either
    assert _names(client_for(carol), {"q": "Filter", "cf_plain": "zzz"}) == both
    export = client_for(alice).get("/customers/export/", {"q": "Filter", "cf_secret": "nothing"})
    body = (
        b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    )
    assert "Filter Zweite AG" in body and "Filter Müller GmbH" in body


@pytest.mark.parametrize(
    "params",
    [
        {"cf_rating_from": "abc"},
        {"cf_rating_from": "1e309"},
        {"cf_rating_to": "9" * 40},
        {"cf_ends_from": "2026-02-30"},
        {"cf_ends_to": "99999-01-01"},
        {"cf_segment": "nonsense"},
        {"cf_code": "a\x00b"},
        {"cf_code": "x" * 500},
    ],
)
def test_hostile_values_are_a_filter_error_never_a_500(
    tenant, alice, client_for, two_customers, params
):
    client = client_for(alice)
    for url in ("/customers/", "/customers/export/", "/map/"):
        response = client.get(url, params)
        assert response.status_code == 200, (url, params)
    html = client.get("/customers/", params).content.decode()
    assert 'data-testid="filter-error"' in html
    data = client.get("/map/data/", {"bbox": GERMANY, "zoom": 6, **params})
    assert data.status_code < 500


def test_an_unknown_yes_no_value_is_ignored(tenant, alice, client_for, two_customers):
    assert _names(client_for(alice), {"q": "Filter", "cf_vip": "maybe"}) == {
        "Filter Müller GmbH",
        "Filter Zweite AG",
    }


def test_the_export_and_bulk_scope_follow_the_custom_filters(
    tenant, alice, client_for, two_customers
):
    export = client_for(alice).get("/customers/export/", {"q": "Filter", "cf_vip": "true"})
    body = (
        b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    )
    assert "Filter Müller GmbH" in body and "Filter Zweite AG" not in body


def test_the_map_filters_by_custom_fields(tenant, alice, client_for, customer_fields):
    make_located_customer(48.1, 11.5, name="Map Retail", custom={"segment": "retail"})
    make_located_customer(48.2, 11.6, name="Map Public", custom={"segment": "public"})
    client = client_for(alice)
    page = client.get("/map/", {"cf_segment": "retail"}).content.decode()
    assert 'name="cf_segment"' in page
    data = client.get("/map/data/", {"bbox": GERMANY, "zoom": 6, "cf_segment": "retail"}).json()
    assert [p["name"] for p in data["points"]] == ["Map Retail"]
    hidden = client.get("/map/data/", {"bbox": GERMANY, "zoom": 6, "cf_secret": "x"}).json()
    assert hidden["total"] == 2  # a field the role may not see filters nothing
    # a drawn selection keeps the filters it was made with, custom ones too
    response = client.post(
        "/map/selections/new/?cf_segment=retail",
        {
            "name": "Retail in Munich",
            "geometry": json.dumps(
                {"shapes": [{"type": "rectangle", "bounds": [11.3, 48.0, 11.8, 48.3]}], "ids": []}
            ),
        },
    )
    assert response.status_code == 302
    from mapview.models import Selection

    selection = Selection.objects.get(name="Retail in Munich")
    assert [c.name for c in selection.customers.all()] == ["Map Retail"]
    assert selection.definition["filters"] == "cf_segment=retail"


def test_the_contact_list_filters_by_contact_fields(tenant, alice, client_for):
    make_field(entity="contact", key="badge", label_en="Badge", filterable=True)
    make_field(key="code", filterable=True)  # a customer field: not a contact filter
    make_contact(last_name="Ausweis", custom={"badge": "B-4711"})
    make_contact(last_name="Ohne")
    client = client_for(alice)
    response = client.get("/customers/contacts/", {"cf_badge": "b-47"})
    names = {row.record.last_name for row in response.context["table"].page.object_list}
    assert names == {"Ausweis"}
    html = response.content.decode()
    assert 'name="cf_badge"' in html and 'name="cf_code"' not in html


def test_the_project_and_lead_lists_and_the_board_filter_by_custom_fields(
    tenant, alice, client_for
):
    make_field(
        entity="project", key="ends", label_en="Contract end", field_type="date", filterable=True
    )
    make_field(
        entity="lead",
        key="source",
        label_en="Source",
        field_type="choice",
        filterable=True,
        options=[
            {"value": "fair", "en": "Fair", "de": "Messe"},
            {"value": "web", "en": "Web", "de": "Web"},
        ],
    )
    process = make_process()
    soon = make_project(
        process=process, title="Ends soon", volume=Decimal("100"), custom={"ends": "2026-12-31"}
    )
    make_project(
        process=process, title="Ends later", volume=Decimal("300"), custom={"ends": "2028-01-31"}
    )
    client = client_for(alice)
    response = client.get("/sales/projects/", {"cf_ends_to": "31.12.2026"})
    assert [r.record.title for r in response.context["table"].page.object_list] == ["Ends soon"]
    assert response.context["totals"].count == 1  # the totals count the filtered rows
    html = response.content.decode()
    assert 'name="cf_ends_from"' in html and 'name="cf_source"' not in html  # a lead field
    board = client.get(
        "/sales/projects/board/", {"process": process.pk, "cf_ends_to": "2026-12-31"}
    )
    cards = [c for col in board.context["columns"] for c in col.cards]
    assert [c.pk for c in cards] == [soon.pk]
    assert 'name="cf_ends_to"' in board.content.decode()  # carried along by the board's form
    export = client.get("/sales/projects/export/", {"cf_ends_to": "2026-12-31"})
    body = (
        b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    )
    assert "Ends soon" in body and "Ends later" not in body

    lead_process = make_process(kind=Process.Kind.LEAD)
    make_project(process=lead_process, title="From the fair", custom={"source": "fair"})
    make_project(process=lead_process, title="From the web", custom={"source": "web"})
    leads = client.get("/sales/leads/", {"cf_source": "fair"})
    assert [r.record.title for r in leads.context["table"].page.object_list] == ["From the fair"]
    assert 'name="cf_ends_from"' in leads.content.decode()  # a lead has the project fields too


def test_filtering_by_a_custom_field_costs_no_extra_query(
    tenant, alice, client_for, customer_fields, django_assert_max_num_queries
):
    indexes.indexes_ensure(concurrently=False)
    for i in range(30):
        make_customer(name=f"Budget {i}", custom={"rating": str(i * 100), "segment": "retail"})
    client = client_for(alice)
    client.get("/customers/")  # warm the definitions' cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as plain:
        client.get("/customers/")
    with django_assert_max_num_queries(len(plain.captured_queries)):
        response = client.get(
            "/customers/", {"cf_rating_from": "1.000", "cf_segment": "retail", "cf_code": "x"}
        )
    assert response.status_code == 200
