"""Kanban card fields: the tenant admin's "kanban" layout decides which standard and custom
fields a card shows (default: customer, volume, owner), a field the role may not see never
appears, and the board's queries do not grow with its cards."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customfields import services
from tests.builders.customfields import make_field
from tests.builders.sales import make_process, make_project


def _board(client, process) -> str:
    url = reverse("sales:project_kanban") + f"?process={process.pk}"
    return client.get(url).content.decode()


def _cards(page: str) -> list[str]:
    return re.findall(r'<article class="sales-card".*?</article>', page, re.S)


def _fields(card: str) -> dict[str, str]:
    found = re.findall(
        r'data-testid="card-field" data-key="([^"]+)"><span class="text-muted">[^<]*:</span> '
        r"([^<]*)</div>",
        card,
    )
    return dict(found)


def test_the_default_card_shows_customer_volume_and_owner(tenant, alice, client_for):
    process = make_process()
    project = make_project(process=process, owner=alice, volume=Decimal("4200"))
    card = _cards(_board(client_for(alice), process))[0]
    assert project.customer.name in card and "4,200 EUR" in card and "sales-owner" in card
    assert _fields(card) == {}


def test_the_chosen_fields_show_in_order_and_hidden_ones_never(
    tenant, dave, alice, carol, client_for
):
    make_field(entity="project", key="contract_end", label_en="Contract end", field_type="date")
    make_field(entity="project", key="margin", label_en="Margin", field_type="money",
               visible_roles=["admin", "manager"])  # fmt: skip
    process = make_process()
    project = make_project(
        process=process,
        owner=alice,
        volume=Decimal("4200"),
        probability=35,
        expected_order_date=date(2027, 3, 7),
        custom={"contract_end": "2028-01-31", "margin": "999.50"},
    )
    services.layout_save(
        user=dave,
        key="kanban",
        columns=["volume", "cf_contract_end", "probability", "cf_margin", "expected_order_date"],
    )
    card = _cards(_board(client_for(alice), process))[0]
    assert project.customer.name not in card and "sales-owner" not in card  # removed
    assert "4,200 EUR" in card
    assert list(_fields(card).items()) == [
        ("cf_contract_end", "01/31/2028"),
        ("probability", "35 %"),
        ("expected_order_date", "03/07/2027"),
    ]  # the margin is not alice's to see
    assert "Margin" not in card and "999" not in card
    card = _cards(_board(client_for(carol), process))[0]
    assert _fields(card)["cf_margin"] == "999.50 EUR"
    page = client_for(carol).get(
        reverse("sales:project_kanban") + f"?process={process.pk}", HTTP_ACCEPT_LANGUAGE="de"
    )
    card = _cards(page.content.decode())[0]
    assert _fields(card)["cf_contract_end"] == "31.01.2028"


def test_the_board_queries_do_not_grow_with_card_fields_and_cards(
    tenant, dave, alice, client_for, django_assert_max_num_queries
):
    make_field(entity="project", key="contract_end", label_en="Contract end", field_type="date")
    make_field(entity="project", key="second", label_en="Second owner", field_type="user")
    services.layout_save(
        user=dave, key="kanban", columns=["customer", "cf_contract_end", "cf_second", "owner"]
    )
    process = make_process()
    phases = list(process.phases.all())
    custom = {"contract_end": "2028-01-31", "second": alice.pk}
    make_project(process=process, owner=alice, custom=custom)
    client = client_for(alice)
    _board(client, process)  # warm-up
    with CaptureQueriesContext(connection) as few:
        _board(client, process)
    for n in range(20):
        make_project(process=process, phase=phases[n % 3], owner=alice, custom=custom)
    with django_assert_max_num_queries(len(few)):
        page = _board(client, process)
    assert page.count(f"> {alice}</div>") == 21  # the user field, read once
