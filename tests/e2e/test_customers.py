"""Browser journey: create a customer with a contact, find it by search, a lead gray and a customer
blue."""

import uuid
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

BLUE = "rgb(10, 88, 202)"
GRAY = "rgb(95, 99, 104)"


def test_create_customer_with_contact_find_it_and_see_lead_gray_customer_blue(
    page, live_server_url, e2e_db
):
    from tests.builders.customers import make_customer

    uid = uuid.uuid4().hex[:8]
    make_customer(
        name=f"Journey {uid} Interessent GmbH", status="lead", city="Kiel", postal_code="24103"
    )
    login(page, live_server_url, "alice")

    # create a customer through the form
    page.goto(f"{live_server_url}/customers/")
    page.get_by_test_id("new-customer").click()
    page.get_by_label("Customer", exact=True).check()
    page.get_by_label("Name").fill(f"Journey {uid} Kunde GmbH")
    page.get_by_label("Street").fill("Hafenstraße 7")
    page.get_by_label("Postal code").fill("20095")
    page.get_by_label("City").fill("Hamburg")
    page.get_by_test_id("save").click()
    page.wait_for_url("**/customers/*/")
    assert page.get_by_test_id("customer-name").inner_text() == f"Journey {uid} Kunde GmbH"
    assert "20095 Hamburg" in page.get_by_test_id("customer-address").inner_text()

    # add a contact person on the customer page (htmx swaps the contacts card)
    page.get_by_test_id("add-contact").click()
    form = page.get_by_test_id("quick-contact-form")
    form.get_by_label("First name").fill("Jördis")
    form.get_by_label("Last name").fill(f"Kontakt{uid}")
    form.get_by_test_id("save-contact").click()
    page.get_by_test_id("contact-item").filter(has_text=f"Kontakt{uid}").wait_for()

    # find the customer by search, without a page load, and by its contact's name
    page.goto(f"{live_server_url}/customers/")
    page.get_by_role("searchbox", name="Search").fill(f"journey {uid}")
    page.wait_for_url(lambda url: uid in url)  # htmx pushed the filter into the URL after the swap
    rows = page.get_by_test_id("customer-row")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=customer-row]').length === 2"
    )
    assert parse_qs(urlparse(page.url).query) == {
        "q": [f"journey {uid}"]
    }  # the filter lives in the URL
    customer_link = page.get_by_role("link", name=f"Journey {uid} Kunde GmbH")
    lead_link = page.get_by_role("link", name=f"Journey {uid} Interessent GmbH")
    assert customer_link.evaluate("a => getComputedStyle(a).color") == BLUE
    assert lead_link.evaluate("a => getComputedStyle(a).color") == GRAY
    assert rows.filter(has_text="Interessent").get_attribute("data-status") == "lead"

    page.get_by_role("searchbox", name="Search").fill(f"kontakt{uid}")
    page.wait_for_url(lambda url: f"kontakt{uid}" in url)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=customer-row]').length === 1"
    )
    assert page.get_by_role("link", name=f"Journey {uid} Kunde GmbH").is_visible()


def test_duplicate_check_offers_open_existing_and_save_anyway(page, live_server_url, e2e_db):
    from tests.builders.customers import make_customer

    uid = uuid.uuid4().hex[:8]
    make_customer(name=f"Müller {uid} Maschinenbau GmbH", city="München", postal_code="80331")
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/customers/new/")
    page.get_by_label("Name").fill(f"Mueller {uid} Maschinenbau AG")
    page.get_by_label("Postal code").fill("80331")
    page.get_by_label("Street").fill("Typed 1")
    page.get_by_test_id("save").click()
    candidate = page.get_by_test_id("duplicate-candidate")
    assert f"Müller {uid} Maschinenbau GmbH" in candidate.inner_text()
    assert candidate.get_by_role("link", name="Open existing").is_visible()
    assert page.get_by_label("Street").input_value() == "Typed 1"  # nothing typed is lost
    page.get_by_test_id("save-anyway").click()
    page.wait_for_url("**/customers/*/")
    assert page.get_by_test_id("customer-name").inner_text() == f"Mueller {uid} Maschinenbau AG"
