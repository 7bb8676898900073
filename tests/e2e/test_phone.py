"""A phone at 390×844 (an iPhone 12-14): every menu page fits the screen's width (lists scroll inside
their own box, never the page), the submenu waits behind the menu button so the page's own content
starts on the first screen, and the kanban scrolls column by column."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
FITS = """() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth,
  wide: [...document.querySelectorAll('main *')].filter((el) => {
    const r = el.getBoundingClientRect();
    if (r.right <= window.innerWidth + 1 || r.width === 0) return false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return false;
    }
    return true;
  }).slice(0, 3).map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right)) })"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.route("**/*tile.openstreetmap.org/**", lambda route: route.abort())
    yield page
    context.close()


def test_every_menu_page_fits_a_phone_and_starts_with_its_content(phone, live_server_url):
    page = phone
    login(page, live_server_url, "dave")
    # the submenu is behind the menu button: hidden first, shown by the button
    expect(page.get_by_test_id("submenu")).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    phone_menu = page.get_by_test_id("submenu-phone")
    expect(phone_menu).to_be_visible()
    hrefs = phone_menu.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert {"/customers/", "/customers/contacts/", "/activity/", "/map/"} <= set(hrefs), hrefs
    problems = {}
    for href in [
        "/",
        *hrefs,
        "/sales/projects/board/",
        "/customers/new/",
        "/activity/new/",
        "/map/selections/",
        "/customers/?selection=2147483000",
    ]:
        page.goto(live_server_url + href)
        page.wait_for_load_state("networkidle")
        fit = page.evaluate(FITS)
        top = page.evaluate(
            "() => document.querySelector('main h1, main h2, main form, main table')"
            "?.getBoundingClientRect().top"
        )
        if fit["doc"] > fit["view"] or fit["wide"] or top is None or top > PHONE["height"] / 2:
            problems[href] = {**fit, "content_top": top}
    assert problems == {}


def test_the_kanban_scrolls_by_column_on_a_phone(phone, live_server_url):
    page = phone
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/board/")
    columns = page.locator(".sales-columns")
    assert columns.evaluate("el => getComputedStyle(el).scrollSnapType").startswith("x")
    first, second = page.locator(".sales-column").nth(0), page.locator(".sales-column").nth(1)
    assert first.evaluate("el => el.getBoundingClientRect().width") > PHONE["width"] * 0.6
    # a swipe of most of a column's width settles on the next column's start, not in between
    columns.evaluate(
        "el => el.scrollBy({left: el.querySelector('.sales-column').offsetWidth * 0.7, behavior: 'instant'})"
    )
    page.wait_for_function("""() => { const box = document.querySelector('.sales-columns');
        const second = box.querySelectorAll('.sales-column')[1];
        return Math.abs(second.getBoundingClientRect().left - box.getBoundingClientRect().left) < 20; }""")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(second).to_be_attached()


def test_the_project_list_after_a_failed_bulk_action_fits_a_phone(phone, live_server_url, e2e_db):
    """The bulk form's error (issue 14, item 9) wraps inside the screen with the form."""
    from crm.models import User
    from tests.builders.sales import make_process, make_project

    page = phone
    alice = User.objects.get(email="alice@e2e.test")
    process = make_process(name=f"Phone bulk {uuid.uuid4().hex[:6]}")
    make_project(process=process, owner=alice)
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/?process={process.pk}")
    page.locator("[data-project-id] input[name=ids]").first.check()
    page.select_option("#bulk_action", "phase")
    page.select_option("#bulk_phase", str(process.phases.get(name="Lost").pk))
    with page.expect_navigation():
        page.locator("#bulk-form button[type=submit]").click()
    errors = page.get_by_test_id("bulk-errors")
    expect(errors).to_be_visible()
    fit = page.evaluate(FITS)
    assert fit["doc"] <= fit["view"] and not fit["wide"], fit
    assert errors.evaluate("el => el.getBoundingClientRect().right") <= PHONE["width"]
