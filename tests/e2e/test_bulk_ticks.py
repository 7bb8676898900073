"""Bulk actions keep their ticks: on every list with row boxes, tick three rows, act, all three
changed.

The customer overview's filter form once listened to ``change`` on every checkbox and select of the
page (``from:input[type=checkbox]`` is document-wide in htmx), so ticking a row or choosing the new
owner re-ran the filter and replaced the table: of three ticks only two stayed, or none.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(e2e_db):
    from crm.models import User

    return {
        "alice": User.objects.get(email="alice@e2e.test"),
        "bob": User.objects.get(email="bob@e2e.test"),
        "dave": User.objects.get(email="dave@e2e.test"),
    }


def _tick_three(page, rows):
    expect(rows).to_have_count(4)
    for i in range(3):
        rows.nth(i).locator("input[name=ids]").check()
    page.wait_for_load_state(
        "networkidle"
    )  # a filter request fired by a tick would have landed by now
    for i in range(3):
        expect(rows.nth(i).locator("input[name=ids]")).to_be_checked()


def test_customer_overview_assigns_the_owner_of_all_three_ticked_rows(
    page, live_server_url, people
):
    from customers.models import Customer
    from tests.builders.customers import make_customer

    tag = uuid.uuid4().hex[:8]
    made = [make_customer(name=f"Tick {tag} {i}", owner=people["alice"]) for i in range(4)]
    login(page, live_server_url, "dave")
    page.goto(f"{live_server_url}/customers/?q={tag}&sort=name")
    _tick_three(page, page.get_by_test_id("customer-row"))
    page.select_option("#bulk-owner", str(people["bob"].pk))
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("customer-row").first.locator("input[name=ids]")).to_be_checked()
    page.get_by_role("button", name="Assign owner").click()
    expect(page.get_by_text("3 customers now belong to")).to_be_visible()
    owners = dict(
        Customer.objects.filter(pk__in=[c.pk for c in made]).values_list("name", "owner_id")
    )
    assert [owners[f"Tick {tag} {i}"] for i in range(4)] == [people["bob"].pk] * 3 + [
        people["alice"].pk
    ]


@pytest.mark.parametrize("lead", [False, True], ids=["projects", "leads"])
def test_project_and_lead_lists_change_the_owner_of_all_three_ticked_rows(
    page, live_server_url, people, lead
):
    from sales.models import SalesProject
    from sales.services import process_create_default_lead
    from tests.builders.customers import make_customer
    from tests.builders.sales import make_process, make_project

    tag = uuid.uuid4().hex[:8]
    process = process_create_default_lead() if lead else make_process(name=f"Ticks {tag}", order=0)
    phase = process.phases.order_by("order").first()
    customer = make_customer(
        name=f"Tick customer {tag}", owner=people["alice"], status="lead" if lead else "customer"
    )
    made = [
        make_project(
            process=process,
            phase=phase,
            owner=people["alice"],
            customer=customer,
            title=f"Tick {tag} {i}",
        )
        for i in range(4)
    ]
    login(page, live_server_url, "dave")
    page.goto(f"{live_server_url}/sales/{'leads' if lead else 'projects'}/?q={tag}&sort=title")
    _tick_three(page, page.locator("#table tbody tr"))
    page.select_option("#bulk_action", "owner")
    page.select_option("#bulk_owner", str(people["bob"].pk))
    page.wait_for_load_state("networkidle")
    expect(page.locator("#table tbody tr").first.locator("input[name=ids]")).to_be_checked()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("3 projects changed.")).to_be_visible()
    owners = dict(
        SalesProject.objects.filter(pk__in=[p.pk for p in made]).values_list("title", "owner_id")
    )
    assert [owners[f"Tick {tag} {i}"] for i in range(4)] == [people["bob"].pk] * 3 + [
        people["alice"].pk
    ]


def test_a_saved_selection_in_the_overview_keeps_three_ticks_and_takes_them_into_a_selection(
    page, live_server_url, people
):
    """The selections' bulk actions are the overview's: open one with ``?selection=``, tick three,
    add them to another selection and give them a new owner: all three, not two."""
    from customers.models import Customer
    from mapview.models import Selection
    from tests.builders.customers import make_customer
    from tests.builders.mapview import make_selection

    tag = uuid.uuid4().hex[:8]
    made = [make_customer(name=f"Sel {tag} {i}", owner=people["alice"]) for i in range(4)]
    source = make_selection(owner=people["dave"], name=f"Source {tag}", customers=made)
    target = make_selection(owner=people["dave"], name=f"Target {tag}", customers=[])
    login(page, live_server_url, "dave")
    page.goto(f"{live_server_url}/map/selections/{source.pk}/")
    page.get_by_test_id("selection-in-overview").click()
    expect(page.get_by_test_id("overview-selection")).to_contain_text(f"Source {tag}")
    page.goto(page.url + "&sort=name")
    rows = page.get_by_test_id("customer-row")
    _tick_three(page, rows)
    page.select_option("#bulk-selection", str(target.pk))
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Add to selection").click()
    expect(page.get_by_text(f"3 customers added to “Target {tag}”.")).to_be_visible()
    expect(page.get_by_test_id("overview-selection")).to_contain_text(f"Source {tag}")
    assert set(Selection.objects.get(pk=target.pk).items.values_list("customer_id", flat=True)) == {
        c.pk for c in made[:3]
    }

    _tick_three(page, rows)
    page.select_option("#bulk-owner", str(people["bob"].pk))
    page.get_by_role("button", name="Assign owner").click()
    expect(page.get_by_text("3 customers now belong to")).to_be_visible()
    owners = dict(
        Customer.objects.filter(pk__in=[c.pk for c in made]).values_list("name", "owner_id")
    )
    assert [owners[f"Sel {tag} {i}"] for i in range(4)] == [people["bob"].pk] * 3 + [
        people["alice"].pk
    ]
