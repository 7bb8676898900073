"""Accessibility in Chromium, measured by axe-core (WCAG 2.1 A and AA rules), in English and German:
every menu page, the dashboard, the detail pages, forms showing their errors, the kanban with the
move dialog open and the map with a popup and a drawn selection. Any violation fails the test."""

from __future__ import annotations

import base64
import json
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import axe_violations
from tests.e2e.conftest import desktop_page, login
from tests.e2e.leaflet import draw_rectangle, screen_point

pytestmark = pytest.mark.e2e

TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
LOCALES = {"en": "en-US", "de": "de-DE"}


@pytest.fixture(params=sorted(LOCALES))
def lang(request):
    return request.param


@pytest.fixture
def page(browser, request, lang):
    """A page whose browser asks for ``lang`` (the e2e users keep "the browser's language")."""
    with desktop_page(browser, request, locale=LOCALES[lang]) as pg:
        pg.on("dialog", lambda d: d.dismiss())
        pg.route(
            "**/*tile.openstreetmap.org/**",
            lambda route: route.fulfill(status=200, content_type="image/png", body=TILE),
        )
        yield pg


@pytest.fixture
def scene(e2e_db):
    """A lead and a customer (located, with a contact, projects, a group, an activity, a
    selection)."""
    from activity.models import Activity
    from crm.models import User
    from customers.models import Customer
    from tests.builders.activity import make_activity
    from tests.builders.customers import make_contact
    from tests.builders.mapview import make_located_customer, make_selection
    from tests.builders.sales import make_group, make_process, make_project

    tag = uuid.uuid4().hex[:6]
    dave = User.objects.get(email="dave@e2e.test")
    customer = make_located_customer(
        48.137,
        11.575,
        name=f"A11y customer {tag}",
        owner=dave,
        city="München",
        postal_code="80331",
        country="DE",
        street="Marienplatz 1",
        phone="+49 89 123 456",
    )
    lead = make_located_customer(
        48.139,
        11.58,
        name=f"A11y lead {tag}",
        owner=dave,
        city="München",
        postal_code="80331",
        country="DE",
        status=Customer.Status.LEAD,
    )
    contact = make_contact(
        customer=customer, first_name="Lena", last_name=f"Licht {tag}", phone="+49 89 999 11"
    )
    process = make_process(name=f"A11y {tag}", order=0)
    project = make_project(
        process=process,
        owner=dave,
        customer=customer,
        title=f"A11y project {tag}",
        volume=Decimal("5000"),
    )
    other = make_project(process=process, owner=dave, customer=customer, title=f"A11y rival {tag}")
    make_project(process=process, owner=dave, customer=lead, title=f"A11y lead project {tag}")
    group = make_group(projects=[project, other], name=f"A11y group {tag}")
    activity = make_activity(
        customer=customer, employee=dave, subject=f"A11y call {tag}", kind=Activity.Kind.CALL
    )
    selection = make_selection(owner=dave, customers=[customer, lead], name=f"A11y selection {tag}")
    return {
        "tag": tag,
        "customer": customer,
        "lead": lead,
        "contact": contact,
        "process": process,
        "project": project,
        "group": group,
        "activity": activity,
        "selection": selection,
    }


class Audit:
    """Collects axe-core's findings over many page states; fails once at the end with all of
    them."""

    def __init__(self, page):
        self.page = page
        self.found: dict[str, list] = {}
        self.states: list[str] = []

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response.status == 200, (url, response.status)
        self.page.wait_for_load_state("networkidle")

    def check(self, label: str) -> None:
        self.states.append(label)
        violations = axe_violations(self.page)
        if violations:
            self.found[label] = violations

    def visit_and_check(self, url: str, label: str | None = None) -> None:
        self.visit(url)
        self.check(label or url.split("/", 3)[-1])

    def assert_clean(self) -> None:
        assert self.found == {}, json.dumps(self.found, indent=1, ensure_ascii=False)


def submit_empty(page, form_selector: str = "main form[method=post]") -> None:
    """Submit a form past the browser's own checks, so the server's error messages show."""
    form = page.locator(form_selector).first
    form.evaluate("f => { f.noValidate = true; }")
    with page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").last.click()


def test_login_page_has_no_axe_violation(page, live_server_url, lang):
    audit = Audit(page)
    audit.visit_and_check(f"{live_server_url}/login/", "login")
    page.fill("input[name=email]", "nobody@e2e.test")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    audit.check("login with error")
    audit.assert_clean()


def test_every_menu_page_and_form_has_no_axe_violation(page, live_server_url, lang, scene):
    login(page, live_server_url, "dave")  # the tenant admin sees every page
    audit = Audit(page)
    audit.visit_and_check(f"{live_server_url}/", "dashboard")
    menu = page.locator("[data-testid=submenu] a, .crm-topbar a.nav-link")
    hrefs = sorted(
        {
            href
            for href in menu.evaluate_all("links => links.map(a => a.getAttribute('href'))")
            if href and href.startswith("/") and not href.startswith("/admin/")
        }
    )
    assert {"/customers/", "/customers/contacts/", "/activity/", "/map/"} <= set(hrefs), hrefs
    extra = [
        "/sales/projects/",
        "/sales/leads/board/",
        "/sales/leads/",
        "/sales/groups/",
        "/customers/new/",
        "/customers/contacts/new/",
        "/customers/import/",
        "/activity/new/",
        "/activity/summary/",
        "/map/selections/",
        "/map/missing/",
        f"/customers/?selection={scene['selection'].pk}",
        "/customers/?selection=2147483000",
        "/sales/settings/",
        "/sales/projects/new/",
        "/me/settings/",
        "/fields/layouts/",
        "/fields/layouts/customers/",
        "/fields/layouts/kanban/",
        "/fields/standard/",
        f"/sales/projects/board/?process={scene['process'].pk}",
    ]
    for href in dict.fromkeys([*hrefs, *extra]):
        audit.visit_and_check(live_server_url + href, href)

    # an htmx swap: the overview's filter bar redraws the table
    audit.visit(f"{live_server_url}/customers/")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.locator("input[name=q]").first.fill(scene["tag"])
    page.wait_for_load_state("networkidle")
    audit.check("customer overview filtered")

    # forms with their errors shown
    for href in [
        "/customers/new/",
        "/customers/contacts/new/",
        "/sales/projects/new/",
        f"/customers/{scene['customer'].pk}/edit/",
        f"/sales/projects/{scene['project'].pk}/edit/",
    ]:
        audit.visit(live_server_url + href)
        page.locator(
            "main form[method=post] input[type=text]:visible, "
            "main form[method=post] input:not([type])"
            ":visible"
        ).evaluate_all("inputs => inputs.forEach(i => { i.value = ''; })")
        submit_empty(page)
        expect(
            page.locator(".invalid-feedback, .is-invalid, .alert-danger, .errorlist").first
        ).to_be_attached()
        audit.check(f"{href} with errors")
    audit.assert_clean()


def test_detail_pages_the_move_dialog_and_the_map_have_no_axe_violation(
    page, live_server_url, lang, scene
):
    tag = scene["tag"]
    login(page, live_server_url, "dave")
    audit = Audit(page)
    audit.visit(f"{live_server_url}/customers/{scene['customer'].pk}/")
    expect(page.get_by_test_id("timeline")).to_be_visible()
    audit.check("customer detail")
    audit.visit(f"{live_server_url}/customers/{scene['lead'].pk}/")
    expect(page.get_by_test_id("timeline")).to_be_visible()
    audit.check("lead detail")
    for label, href in [
        ("contact", f"/customers/contacts/{scene['contact'].pk}/"),
        ("project", f"/sales/projects/{scene['project'].pk}/"),
        ("group", f"/sales/groups/{scene['group'].pk}/"),
        ("activity", f"/activity/{scene['activity'].pk}/"),
        ("selection", f"/map/selections/{scene['selection'].pk}/"),
        ("contact edit", f"/customers/contacts/{scene['contact'].pk}/edit/"),
    ]:
        audit.visit_and_check(live_server_url + href, f"{label} detail")

    # the kanban with the move dialog open
    audit.visit(f"{live_server_url}/sales/projects/board/?process={scene['process'].pk}")
    audit.check("kanban")
    card = page.locator(f".sales-card[data-title='A11y project {tag}']")
    card.get_by_test_id("card-move").click()
    expect(page.get_by_test_id("move-dialog")).to_be_visible()
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.modal.fade:not(.show), "
        ".modal-backdrop.fade:not(.show)')].some(el => getComputedStyle(el).display !== 'none') && "
        "[...document.querySelectorAll('.modal.show')].every(m => getComputedStyle(m).opacity === "
        "'1')"
    )
    # the page behind the open dialog is inert (crm.js): no Tab stop, not read, not audited
    page.wait_for_function(
        "() => document.querySelector('#board').closest('[inert]') !== null"
        " && !document.getElementById('sales-dialog').closest('[inert]')"
        " && !document.getElementById('crm-live').closest('[inert]')"
    )
    audit.check("kanban with the move dialog")

    # the map with a popup, then a drawn selection
    audit.visit(f"{live_server_url}/map/?q={tag}")
    page.wait_for_function("() => document.getElementById('crm-map').dataset.total === '2'")
    page.evaluate(
        "document.getElementById('crm-map').__crmMap.setView([48.138, 11.577], 15, "
        "{animate: false})"
    )
    page.wait_for_function("() => document.getElementById('crm-map').dataset.mode === 'points'")
    audit.check("map")
    x, y = screen_point(page, 48.137, 11.575)
    page.mouse.click(x, y)
    expect(page.locator(".leaflet-popup-content .crm-popup-name")).to_have_text(
        f"A11y customer {tag}"
    )
    # Leaflet fades the popup in: measured half-way, its text blends with the map behind it
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    audit.check("map with a popup")
    page.keyboard.press("Escape")
    draw_rectangle(page, (48.145, 11.565), (48.130, 11.590))
    page.get_by_test_id("selection-count").wait_for()
    assert page.get_by_test_id("selection-count").inner_text() == "2"
    audit.check("map with a drawn selection")
    # "customers near me" with the browser's position next to the scene's customers
    page.context.set_geolocation({"latitude": 48.137, "longitude": 11.575})
    page.context.grant_permissions(["geolocation"])
    page.get_by_test_id("near-me").click()
    expect(page.get_by_test_id("near-row")).to_have_count(2)
    audit.check("map with customers near me")
    audit.assert_clean()


def test_the_project_list_after_a_failed_bulk_action_has_no_axe_violation(
    page, live_server_url, lang, scene
):
    """The list that comes back from a failed bulk move: rows ticked, the action chosen, the
    missing lost reason marked and named beside the form (issue 14, item 9)."""
    process = scene["process"]
    login(page, live_server_url, "dave")
    audit = Audit(page)
    audit.visit(f"{live_server_url}/sales/projects/?process={process.pk}")
    page.locator("[data-project-id] input[name=ids]").first.check()
    page.select_option("#bulk_action", "phase")
    page.select_option("#bulk_phase", str(process.phases.get(name="Lost").pk))
    with page.expect_navigation():
        page.locator("#bulk-form button[type=submit]").click()
    expect(page.get_by_test_id("bulk-errors")).to_be_visible()
    audit.check("project list after a failed bulk action")
    audit.assert_clean()


def test_the_audit_finds_what_it_should(page, live_server_url, lang):
    """Without this, "no violations" could mean axe ran on nothing: a low-contrast text, an image
    without text, an unlabelled field and a table without headers injected into a clean page are
    all reported."""
    login(page, live_server_url, "alice")
    page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('beforeend',
        '<p style="color:#aaa;background:#fff">faint text</p>'
        + '<img src="/static/none.png"><input type="text">'
        + '<table><caption>t</caption><tr><td>a</td><td>1</td><td>2</td></tr>'
        + '<tr><td>b</td><td>3</td><td>4</td></tr>'
        + '<tr><td>c</td><td>5</td><td>6</td></tr></table>')""")
    ids = {v["id"] for v in axe_violations(page)}
    # td-has-header: the one rule axe calls experimental that Lighthouse runs (tests/e2e/axe.py)
    assert {"color-contrast", "image-alt", "label", "td-has-header"} <= ids, ids
