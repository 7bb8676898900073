"""Browser journey of leads: dragging a lead into "Qualified" converts it (gray -> blue)."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

GRAY, BLUE = "rgb(95, 99, 104)", "rgb(10, 88, 202)"  # --crm-lead, --crm-customer


@pytest.fixture
def lead(e2e_db):
    """A lead (customer record with status lead) and its project in the tenant's lead process."""
    from crm.models import User
    from customers.services import customer_create
    from sales.services import process_create_default_lead
    from tests.builders.sales import make_project

    alice = User.objects.get(email="alice@e2e.test")
    tag = uuid.uuid4().hex[:6]
    customer = customer_create(
        user=alice, status="lead", name=f"Graublau {tag} GmbH", city="Kassel"
    )
    process = process_create_default_lead()  # the tenant's lead process (made once)
    project = make_project(
        process=process,
        phase=process.phases.get(name="New lead"),
        customer=customer,
        owner=alice,
        title=f"Lead project {tag}",
    )
    return {"customer": customer, "process": process, "project": project, "tag": tag}


def name_color(page, name: str) -> str:
    row = page.get_by_test_id("customer-row").filter(has_text=name)
    expect(row).to_have_count(1)
    return row.locator("a", has_text=name).first.evaluate("el => getComputedStyle(el).color")


def test_drag_a_lead_into_qualified_and_it_turns_from_gray_to_blue(page, live_server_url, lead):
    name = lead["customer"].name
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/customers/?q=Graublau+{lead['tag']}")
    assert name_color(page, name) == GRAY

    page.get_by_test_id("submenu").get_by_role("link", name="Leads").click()
    page.goto(f"{live_server_url}/sales/leads/board/?process={lead['process'].pk}")
    qualified = lead["process"].phases.get(name="Qualified")
    target = page.locator(f"#col-{qualified.pk}")
    before = int(target.get_by_test_id("col-count").inner_text())
    card = page.locator(f".sales-card[data-title='{lead['project'].title}']")
    card.drag_to(target.locator(".sales-column-body"))
    expect(target.get_by_test_id("col-count")).to_have_text(str(before + 1))
    expect(target.locator(f".sales-card[data-title='{lead['project'].title}']")).to_have_count(1)

    page.goto(f"{live_server_url}/customers/?q=Graublau+{lead['tag']}")
    assert name_color(page, name) == BLUE
    lead["customer"].refresh_from_db()
    assert (
        lead["customer"].status == "customer"
        and lead["customer"].converted_by.email == "alice@e2e.test"
    )
