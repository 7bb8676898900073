"""Screenshots at 390×844 of every menu page in English and German (issue 16, item 4): not a test
of the suite (the file name does not start with test_); run it on its own and look at the PNGs:

    .venv/bin/python -m pytest -q tests/e2e/phone_screenshots.py   # writes test-artifacts/phone/
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, E2E_SCHEMA, login
from tests.e2e.test_phone import FITS

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize(
    "lang", ["en", "de"][: 1 if __import__("os").environ.get("SHOTS_EN") else 2]
)
def test_screenshots(browser, live_server_url, e2e_db, lang):
    from crm.models import User
    from customers.models import Customer
    from sales.models import Process
    from tests.builders.customers import make_customer
    from tests.builders.sales import make_project

    alice = User.objects.get(email=f"alice@{E2E_SCHEMA}.test")
    before = alice.language
    User.objects.filter(pk=alice.pk).update(language=lang)
    customer = make_customer(
        name="Bäckerei Schäfer & Söhne GmbH",
        owner=alice,
        city="Kiel",
        street="Holstenstraße 1",
        postal_code="24103",
        latitude=54.32,
        longitude=10.13,
        geocode_status=Customer.GeocodeStatus.FOUND,
    )
    process = Process.objects.filter(kind="sales").order_by("order", "id").first()
    project = make_project(
        process=process, owner=alice, customer=customer, title="Neue Backstraße Linie 2"
    )
    out = ARTIFACTS / "phone"
    out.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.route("**/*tile.openstreetmap.org/**", lambda route: route.abort())
    try:
        login(page, live_server_url, "alice")
        page.get_by_role("button", name="Menü" if lang == "de" else "Menu").click()
        expect(page.get_by_test_id("submenu-phone")).to_be_visible()
        page.wait_for_function("() => !document.querySelector('.collapsing')")  # opened fully
        page.screenshot(path=str(out / f"{lang}-00-menu.png"))
        hrefs = (
            page.get_by_test_id("submenu-phone")
            .locator("a")
            .evaluate_all("links => links.map(a => a.getAttribute('href'))")
        )
        pages = [
            "/",
            *hrefs,
            "/sales/projects/board/",
            f"/customers/{customer.pk}/",
            "/activity/new/",
            "/customers/new/",
            "/map/selections/",
        ]
        for i, href in enumerate(pages, 1):
            page.goto(live_server_url + href)
            page.wait_for_load_state("networkidle")
            name = href.strip("/").replace("/", "_") or "dashboard"
            print(href, page.evaluate(FITS))
            page.screenshot(path=str(out / f"{lang}-{i:02d}-{name}.png"), full_page=True)
        page.goto(f"{live_server_url}/customers/{customer.pk}/")
        page.get_by_test_id("quicklog-toggle").first.click()
        expect(page.get_by_test_id("quicklog-form").first).to_be_visible()
        page.get_by_test_id("quicklog-form").first.scroll_into_view_if_needed()
        page.screenshot(path=str(out / f"{lang}-90-quicklog.png"))
    finally:
        context.close()
        project.delete()
        customer.delete()
        User.objects.filter(pk=alice.pk).update(language=before)
