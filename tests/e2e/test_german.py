"""A German user walks the product and finds no English text of ours: every page of the menu, the
dashboard, the kanban with its move dialog and a move (its live-region announcement), the CSV import
page, a contact person's page, "Log activity", the lead board, the sales settings, saved selections,
customers without coordinates, a form with errors, the map with a popup, the tenant admin (with the
phase ordering that sales.js adds there), My settings, the custom-fields pages, every "+ Neu" dialog
(one with errors), the global search (list, no hits, results page) and the 404 and 403 pages.

"English text of ours" = a visible text node, or a title / aria-label / placeholder / alt, that
reads exactly as a message of our German catalog whose German differs from the English. Names and
other data (process, phase, customer, user names) are allowed whatever their language.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import E2E_SCHEMA

pytestmark = pytest.mark.e2e

CATALOG = Path(__file__).resolve().parents[2] / "locale" / "de" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
COUNT = r"[\d.,\s\u00a0\u202f]+?"

# Every text node and the texts of attributes a user meets (tooltips, screen-reader labels), also
# of hidden elements (a menu, a dialog's later step); not scripts, styles, or data for scripts.
TEXTS_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && parent.closest("script, style, template, noscript")) continue;
    const text = node.nodeValue.replace(/\\s+/g, " ").trim();
    if (text) out.push(text);
  }
  const labelled = "[title], [aria-label], [placeholder], [alt], input[type=submit][value]";
  document.querySelectorAll(labelled).forEach((el) => {
    for (const name of ["title", "aria-label", "placeholder", "alt", "value"]) {
      if (name === "value" && el.type !== "submit") continue;
      const text = (el.getAttribute(name) || "").replace(/\\s+/g, " ").trim();
      if (text) out.push(text);
    }
  });
  out.push(document.title.trim());
  return out;
}"""


def _english_messages() -> tuple[set[str], list[re.Pattern]]:
    """Our catalog's English texts that German reads differently: exact ones and, for messages
    with placeholders, a pattern that a whole text must match."""
    from babel.messages.pofile import read_po

    with CATALOG.open("rb") as po_file:
        catalog = read_po(po_file, locale="de")
    exact, patterns = set(), []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        for english in ids:
            english = " ".join(english.split())
            if english in strings or not re.search(r"[A-Za-z]{3}", PLACEHOLDER.sub("", english)):
                continue  # the same in German (Name, Status, Team), or no words of its own
            if PLACEHOLDER.search(english):
                # %(n)s is a count everywhere in the catalog: it matches a number only, so "%(n)s
                # lead" does not claim a data name ending in "lead" ("Lead acquisition – New lead")
                pattern = "".join(
                    COUNT
                    if piece == "%(n)s"
                    else ".+?"
                    if PLACEHOLDER.fullmatch(piece)
                    else re.escape(piece)
                    for piece in re.split(f"({PLACEHOLDER.pattern})", english)
                )
                patterns.append(re.compile(pattern))
            else:
                exact.add(english)
    # a word that is one message's English and another's German ("Filter": the button "Filter"
    # is "Filtern", the heading "Filters" is "Filter") is German on a German page
    german = {
        " ".join(text.split())
        for message in catalog
        if message.id and message.string
        for text in (
            message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        )
    }
    return exact - german, patterns


def _data_names() -> set[str]:
    """Names that are data, not our texts (they may be English words: a process called Sales, a
    contact person whose position was typed as "Buyer")."""
    from crm.models import Team, User
    from customers.models import ContactPerson, Customer
    from sales.models import GroupType, LostReason, Phase, Process, SalesProject

    names = set()
    for model, field in (
        (Process, "name"),
        (Phase, "name"),
        (LostReason, "name"),
        (GroupType, "name"),
        (Team, "name"),
        (Customer, "name"),
        (ContactPerson, "position"),
        (SalesProject, "title"),
    ):
        names.update(model.objects.values_list(field, flat=True))
    for user in User.objects.all():
        names.update({str(user), user.get_full_name(), user.email})
    return names


def _english_on(page, exact: set[str], patterns: list[re.Pattern], allowed: set[str]) -> list[str]:
    found = []
    for text in page.evaluate(TEXTS_JS):
        if text in allowed:
            continue
        if text in exact or any(p.fullmatch(text) for p in patterns):
            found.append(text)
    return sorted(set(found))


@pytest.fixture
def german_world(e2e_db):
    """A German-speaking tenant admin with a board of German phases, a customer on the map and a
    lead."""
    from crm.models import User
    from crm.services import user_create
    from customers.models import Customer
    from sales.models import Phase
    from tests.builders.customers import make_contact, make_customer
    from tests.builders.sales import make_process, make_project

    tag = uuid.uuid4().hex[:6]
    email = f"jana.{tag}@{E2E_SCHEMA}.test"
    jana = user_create(
        email=email,
        password=PASSWORD,
        role=User.Role.ADMIN,
        first_name="Jana",
        last_name="Schäfer",
        language="de",
        validate=False,
    )
    process = make_process(
        name=f"Vertrieb {tag}",
        order=0,
        phases=[
            ("Erstkontakt", 10, Phase.Outcome.OPEN),
            ("Angebot", 50, Phase.Outcome.OPEN),
            ("Gewonnen", 100, Phase.Outcome.WON),
            ("Verloren", 0, Phase.Outcome.LOST),
        ],
    )
    customer = make_customer(
        name=f"Bäckerei Ähren {tag}",
        owner=jana,
        latitude=52.52,
        longitude=13.40,
        geocode_status=Customer.GeocodeStatus.FOUND,
    )
    project = make_project(
        process=process,
        phase=process.phases.get(name="Erstkontakt"),
        owner=jana,
        customer=customer,
        title=f"Großauftrag {tag}",
        volume=Decimal("116600"),
    )
    # a position typed as "Buyer" is data: the contact page shows it as it was typed
    contact = make_contact(customer=customer, last_name=f"Einkauf{tag}", position="Buyer")
    lukas = user_create(
        email=f"lukas.{tag}@{E2E_SCHEMA}.test",
        password=PASSWORD,
        role=User.Role.SALESPERSON,
        first_name="Lukas",
        last_name="Weiß",
        language="de",
        validate=False,
    )
    yield {
        "email": email,
        "salesperson": lukas.email,
        "process": process,
        "project": project,
        "customer": customer,
        "contact": contact,
        "tag": tag,
    }
    contact.delete()
    project.delete()
    customer.delete()
    process.phases.all().delete()
    process.delete()
    lukas.delete()
    jana.delete()


def test_a_german_user_finds_no_english_text_of_ours(page, live_server_url, german_world):
    exact, patterns = _english_messages()
    assert len(exact) > 500 and patterns  # the catalog was read
    allowed = _data_names()
    english: dict[str, list[str]] = {}

    def check(label: str) -> None:
        page.wait_for_load_state("networkidle")  # htmx fragments (timelines, widgets) are in
        expect(page.locator("html")).to_have_attribute("lang", "de")
        found = _english_on(page, exact, patterns, allowed)
        if found:
            english[label] = found

    page.route("**/*tile.openstreetmap.org/**", lambda route: route.abort())  # no network in tests
    page.goto(f"{live_server_url}/login/")
    page.fill("input[name=email]", german_world["email"])
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server_url}/")
    check("dashboard")

    menu = page.locator("[data-testid=submenu] a").evaluate_all(
        "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])"
    )
    labels = [label for label, _href in menu]
    assert len(menu) == 7, labels
    for expected in (
        "Verkaufsprojekte",
        "Interessenten",
        "Projektgruppen",
        "Kundenübersicht",
        "Ansprechpartner",
        "Aktivitätenprotokoll",
        "Karte",
    ):
        assert expected in labels, labels
    for label, href in menu:
        page.goto(f"{live_server_url}{href}")
        check(label)

    process, project = german_world["process"], german_world["project"]
    page.goto(f"{live_server_url}/sales/projects/board/?process={process.pk}")
    card = page.locator(f"#card-{project.pk}")
    expect(card).to_contain_text("116.600\u00a0€")
    check("kanban")
    card.get_by_test_id("card-move").click()
    dialog = page.get_by_test_id("move-dialog")
    expect(dialog).to_be_visible()
    check("move dialog")
    # the move itself: the board's column sums and the screen reader's announcement in German
    dialog.locator("select[name=phase]").select_option(str(process.phases.get(name="Angebot").pk))
    dialog.get_by_test_id("move-submit").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("live-region")).to_have_text("Projekt nach „Angebot“ verschoben.")
    expect(page.locator(f"#card-{project.pk}")).to_contain_text("116.600\u00a0€")
    check("kanban after a move")

    page.goto(f"{live_server_url}/sales/projects/?process={process.pk}")
    check("project list")
    page.goto(f"{live_server_url}/sales/projects/{project.pk}/")
    check("project page")
    page.goto(f"{live_server_url}/customers/{german_world['customer'].pk}/")
    page.locator(".crm-mini-map .leaflet-control-zoom-in").wait_for()
    check("customer page")
    page.goto(f"{live_server_url}/customers/contacts/?q=Einkauf{german_world['tag']}")
    expect(page.locator("td", has_text="Buyer")).to_have_count(1)  # data, as it was typed
    check("contact persons with a position typed in English")

    page.goto(f"{live_server_url}/customers/new/")
    page.fill("input[name=name]", "")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    check("customer form with errors")

    page.goto(f"{live_server_url}/customers/import/")
    check("CSV import")

    # the further pages the menu pages lead to
    for label, url in (
        ("contact person page", f"/customers/contacts/{german_world['contact'].pk}/"),
        ("log activity", "/activity/new/"),
        ("lead board", "/sales/leads/board/"),
        ("sales settings", "/sales/settings/"),
        ("saved selections", "/map/selections/"),
        ("customers without coordinates", "/map/missing/"),
    ):
        page.goto(f"{live_server_url}{url}")
        check(label)

    page.goto(f"{live_server_url}/map/?q={german_world['tag']}")
    page.wait_for_function("() => document.getElementById('crm-map').dataset.total !== undefined")
    # Leaflet's own texts too: zoom buttons, the drawing toolbar, the attribution
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Vergrößern")
    expect(page.locator(".leaflet-draw-draw-rectangle")).to_have_attribute(
        "title", "Rechteck zeichnen"
    )
    expect(page.locator(".leaflet-control-attribution")).to_contain_text(
        "OpenStreetMap-Mitwirkende"
    )
    check("map")
    page.evaluate("document.getElementById('crm-map').__crmMap.setView([52.52, 13.40], 15)")
    page.wait_for_function(
        "() => { const m = document.getElementById('crm-map').__crmMap; let found = false; "
        "m.eachLayer((l) => { if (l instanceof L.CircleMarker) found = true; }); return found; }"
    )
    page.evaluate("""() => { const m = document.getElementById('crm-map').__crmMap;
        m.eachLayer((l) => { if (l instanceof L.CircleMarker) l.fire('click',
          {latlng: l.getLatLng()}); }); }""")
    page.locator(".leaflet-popup-content .crm-popup-name").wait_for()
    check("map with a popup")

    page.goto(f"{live_server_url}/admin/")
    check("tenant admin")
    page.goto(f"{live_server_url}/admin/sales/process/{process.pk}/change/")
    expect(page.locator(".sales-order-handle button").first).to_have_attribute(
        "aria-label", "Nach oben"
    )
    check("tenant admin: a process and its phases")
    page.goto(f"{live_server_url}/me/settings/")
    check("my settings")
    page.goto(f"{live_server_url}/fields/")
    check("custom fields")
    page.goto(f"{live_server_url}/fields/new/")
    check("custom fields: new field")

    # "+ Neu": every create form in the dialog, one of them sent empty (errors in the dialog)
    page.goto(f"{live_server_url}/sales/projects/board/?process={process.pk}")
    new_items = page.locator("#crm-new-button + .dropdown-menu a")
    assert new_items.count() == 5
    for index in range(5):
        page.locator("#crm-new-button").click()
        new_items.nth(index).click()
        dialog = page.get_by_test_id("new-dialog")
        dialog.locator("form").wait_for()
        page.wait_for_function(  # shown: the focus is in it (Escape is ignored while it fades in)
            "() => document.activeElement && document.activeElement.closest('#crm-new-dialog')"
        )
        check(f"+ Neu dialog {index + 1}")
        if index == 1:  # the customer form, sent without a name
            dialog.get_by_test_id("save").click()
            dialog.locator("[aria-invalid=true]").first.wait_for()
            page.wait_for_function(
                "() => document.activeElement && document.activeElement.closest('#crm-new-dialog')"
            )
            check("+ Neu dialog with errors")
        page.keyboard.press("Escape")
        # wholly closed: the backdrop goes only after the fade, when Bootstrap has fired "hidden"
        # and focus has gone back to the opener (later, it would leave the search box and close
        # the list the next lines wait for)
        page.wait_for_function(
            "() => !document.querySelector('#crm-new-dialog.show, .modal-backdrop')"
        )

    # the global search: the top bar's list and the results page
    box = page.locator("[data-crm-search] input[name=q]")
    box.fill(german_world["tag"])
    page.locator("#crm-search-dropdown [data-search-best]").wait_for()
    check("search list")
    box.fill(f"nichts{german_world['tag']}x")
    expect(page.get_by_test_id("search-all")).to_contain_text("Nichts gefunden")
    check("search list without hits")
    page.goto(f"{live_server_url}/search/?q={german_world['tag']}")
    expect(page.get_by_test_id("search-hit").first).to_be_visible()
    check("search results")

    # 404 and 403 (a German salesperson opens the admin's customer's edit page)
    page.goto(f"{live_server_url}/customers/999999999/")
    expect(page.get_by_test_id("error-page")).to_have_attribute("data-status", "404")
    check("404")
    page.context.clear_cookies()
    page.goto(f"{live_server_url}/login/")
    page.fill("input[name=email]", german_world["salesperson"])
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server_url}/")
    page.goto(f"{live_server_url}/customers/{german_world['customer'].pk}/edit/")
    expect(page.get_by_test_id("error-page")).to_have_attribute("data-status", "403")
    check("403")

    assert english == {}, english
