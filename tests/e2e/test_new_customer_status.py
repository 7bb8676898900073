"""Browser check (issue 14, item 7): "+ New" → Customer starts as a customer, and as a lead only
when opened from the Leads area; the customer page links its web address."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.test_new_dialog import _open_new

pytestmark = pytest.mark.e2e


def test_new_customer_status_follows_the_area_and_the_web_address_is_a_link(
    page, live_server_url, e2e_db
):
    from crm.models import User
    from tests.builders.customers import make_customer

    uid = uuid.uuid4().hex[:6]
    customer = make_customer(
        name=f"Webkunde {uid} GmbH",
        owner=User.objects.get(email="alice@e2e.test"),
        website=f"www.webkunde-{uid}.de",
    )
    login(page, live_server_url, "alice")

    page.goto(f"{live_server_url}/customers/")
    dialog = _open_new(page, "Customer")
    expect(dialog.get_by_label("Customer", exact=True)).to_be_checked()
    expect(dialog.get_by_label("Lead", exact=True)).not_to_be_checked()

    page.goto(f"{live_server_url}/sales/leads/")
    page.get_by_role("button", name="+ New").click()
    item = page.locator("a[data-new-dialog][href^='/customers/new/']").first
    expect(item).to_have_attribute("href", "/customers/new/?status=lead")
    item.click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    expect(dialog.get_by_label("Lead", exact=True)).to_be_checked()

    page.goto(f"{live_server_url}/customers/{customer.pk}/")
    link = page.get_by_test_id("customer-website")
    expect(link).to_have_attribute("href", f"https://www.webkunde-{uid}.de")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
