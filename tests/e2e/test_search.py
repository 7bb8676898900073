"""Browser journey: the global search in the top bar ("/" focuses it, arrow keys, Enter, Escape)."""

import uuid

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_type_mueller_in_the_top_bar_and_open_mueller_gmbh(page, live_server_url, e2e_db):
    from tests.builders.customers import make_contact, make_customer

    uid = uuid.uuid4().hex[:6]
    target = make_customer(name=f"Müller {uid} GmbH")
    lead = make_customer(name=f"Müller {uid} Interessent", status="lead")
    make_contact(customer=target, first_name="Jana", last_name=f"Müller{uid}")
    login(page, live_server_url, "alice")

    page.keyboard.press("/")  # the shortcut focuses the box
    box = page.get_by_role("combobox", name="Search")
    assert box.evaluate("el => el === document.activeElement")
    box.type(f"mueller {uid}")
    listbox = page.get_by_role("listbox")
    listbox.wait_for()
    options = listbox.get_by_role("option")
    assert (
        options.filter(has=page.get_by_text(f"Müller {uid} GmbH", exact=True)).count() == 1
    )  # not the contact
    assert "<mark>" in listbox.inner_html()  # the matching part is highlighted
    customer_name = listbox.locator(".crm-name-customer", has_text=f"{uid} GmbH").first
    lead_name = listbox.locator(".crm-name-lead", has_text=f"{uid} Interessent").first
    assert customer_name.evaluate("el => getComputedStyle(el).color") == "rgb(10, 88, 202)"
    assert lead_name.evaluate("el => getComputedStyle(el).color") == "rgb(95, 99, 104)"

    # arrow keys move the active option (aria-activedescendant), Escape closes the list
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") != active
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"

    # Enter opens the best hit
    box.fill("")
    box.type(f"mueller {uid} gmbh")
    page.wait_for_function(
        "() => document.querySelector('#crm-search-dropdown [data-search-best]') !== null"
    )
    box.press("Enter")
    page.wait_for_url(f"**/customers/{target.pk}/")
    assert page.get_by_test_id("customer-name").inner_text() == target.name
    assert lead.pk != target.pk


def test_enter_before_the_list_arrives_still_opens_the_best_hit(page, live_server_url, e2e_db):
    from tests.builders.customers import make_customer

    uid = uuid.uuid4().hex[:6]
    target = make_customer(name=f"Gebäude {uid} Service")
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/customers/")
    box = page.get_by_role("combobox", name="Search")
    box.fill(f"gebaude {uid}")
    box.press("Enter")  # at once: the server's ?go=1 opens the best hit
    page.wait_for_url(f"**/customers/{target.pk}/")
