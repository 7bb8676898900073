"""Browser: the tenant admin orders the contact list's columns on the Overviews page by keyboard
alone at phone width (buttons, no drag); focus stays on the moved column's button; the list
follows; the reset brings the default back."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_columns_are_ordered_by_keyboard_at_390_px(page, live_server_url, e2e_db):
    from customfields.models import ListLayout

    ListLayout.objects.filter(key="contacts").delete()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server_url, "dave")
    try:
        page.goto(f"{live_server_url}/fields/layouts/contacts/")
        columns = page.get_by_test_id("layout-column")
        expect(columns.first).to_have_attribute("data-key", "name")
        up = columns.nth(1).get_by_test_id("layout-up")  # the customer column
        up.focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**focus=up-customer")
        expect(columns.first).to_have_attribute("data-key", "customer")
        # the moved column keeps the focus (on "Down": "Up" is disabled at the top)
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.value === 'down'"
            " && document.activeElement.closest('[data-key]').dataset.key === 'customer'"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.goto(f"{live_server_url}/customers/contacts/")
        expect(page.locator("thead th").first).to_contain_text("Customer")
        page.goto(f"{live_server_url}/fields/layouts/contacts/")
        page.get_by_test_id("layout-reset").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("alert").or_(page.locator(".alert")).first).to_be_visible()
        expect(columns.first).to_have_attribute("data-key", "name")
    finally:
        ListLayout.objects.filter(key="contacts").delete()
