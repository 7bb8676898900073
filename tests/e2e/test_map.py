"""Browser journeys on the map: draw a rectangle around a city, save and export the selection;
hostile customer names in popups never run."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from playwright.sync_api import expect

from crm.models import User
from customers.models import Customer
from mapview.models import Selection
from tests.e2e.conftest import ACTION_TIMEOUT_MS, login
from tests.e2e.leaflet import draw_rectangle

pytestmark = pytest.mark.e2e


@pytest.fixture
def tag():
    return uuid.uuid4().hex[:8]


@pytest.fixture
def made(e2e_db):
    """Customers and selections the test made, deleted afterwards (the e2e data is committed)."""
    created: list[Customer] = []
    yield created
    Selection.objects.filter(items__customer__in=created).delete()
    Customer.objects.filter(pk__in=[c.pk for c in created]).delete()


def create(made, **fields) -> Customer:
    """A customer created like the app does: the address is geocoded after commit (offline)."""
    from customers.services import customer_create

    alice = User.objects.get(email="alice@e2e.test")
    customer = customer_create(user=alice, **fields)
    made.append(customer)
    customer.refresh_from_db()
    assert customer.geocode_status == Customer.GeocodeStatus.FOUND, customer.geocode_status
    return customer


def open_map(page, base_url: str, query: str) -> None:
    page.route("**/*tile.openstreetmap.org/**", lambda route: route.abort())  # no network in tests
    page.goto(f"{base_url}/map/?{query}")
    page.wait_for_function("() => document.getElementById('crm-map').dataset.total !== undefined")


def test_draw_a_rectangle_around_a_city_save_the_selection_and_export_it(
    page, live_server_url, made, tag
):
    munich = [
        create(
            made,
            name=f"Isar {tag} {n} GmbH",
            street=f"Leopoldstraße {n}",
            postal_code="80802",
            city="München",
            country="DE",
        )
        for n in range(3)
    ]
    create(
        made,
        name=f"Spree {tag} AG",
        street="Unter den Linden 1",
        postal_code="10117",
        city="Berlin",
        country="DE",
    )
    create(
        made,
        name=f"Donau {tag} GmbH",
        street="Graben 1",
        postal_code="1010",
        city="Wien",
        country="AT",
    )

    login(page, live_server_url, "alice")
    open_map(page, live_server_url, f"q={tag}")
    assert page.get_by_test_id("map").get_attribute("data-total") == "5"

    # zoom to Munich, then drag a rectangle around the city with the drawing tool
    page.evaluate(
        "document.getElementById('crm-map').__crmMap.setView([48.14, 11.58], 9, {animate: false})"
    )
    page.wait_for_function("() => document.getElementById('crm-map').dataset.total === '3'")
    page.get_by_test_id("map").scroll_into_view_if_needed()
    draw_rectangle(page, (48.30, 11.35), (47.98, 11.80))

    result = page.get_by_test_id("selection-result")
    page.get_by_test_id("selection-count").wait_for()
    assert page.get_by_test_id("selection-count").inner_text() == "3"
    listed = result.get_by_test_id("selection-row").all_inner_texts()
    assert len(listed) == 3 and all(f"Isar {tag}" in row for row in listed)
    assert "Spree" not in result.inner_text()

    page.get_by_label("Save as").fill(f"Munich trip {tag}")
    page.get_by_role("button", name="Save selection").click()
    page.wait_for_url("**/map/selections/*/")
    assert page.get_by_test_id("selection-name").inner_text() == f"Munich trip {tag}"
    rows = page.get_by_test_id("map-customer-row")
    assert rows.count() == 3

    with page.expect_download() as download_info:
        page.get_by_test_id("selection-export").click()
    download = download_info.value
    text = open(download.path(), encoding="utf-8-sig").read()
    exported = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["name"] for r in exported) == sorted(c.name for c in munich)
    assert not page.dialogs


def test_hostile_names_in_popups_and_lists_stay_text(page, live_server_url, made, tag):
    names = [f'<img src=x onerror="alert(1)"> {tag}', f"<script>alert(2)</script> {tag}"]
    customers = [
        create(made, name=name, postal_code="80331", city="München", country="DE") for name in names
    ]

    login(page, live_server_url, "alice")
    open_map(page, live_server_url, f"q={tag}")
    page.evaluate("document.getElementById('crm-map').__crmMap.setView([48.137, 11.575], 15)")
    page.wait_for_function("() => document.getElementById('crm-map').dataset.mode === 'points'")
    page.wait_for_timeout(300)
    # the two customers share coordinates: the map spreads them; click each spread marker
    marker_points = """() => { const box = document.getElementById('crm-map');
        const m = box.__crmMap; const out = [];
        const r = box.getBoundingClientRect();
        m.eachLayer((l) => { if (l instanceof L.CircleMarker) {
          const p = m.latLngToContainerPoint(l.getLatLng());
          out.push([r.left + p.x, r.top + p.y]); } });
        return out; }"""
    assert len(page.evaluate(marker_points)) == 2
    seen = []
    for i in range(2):
        x, y = page.evaluate(marker_points)[i]  # again: an opening popup may pan the map
        page.mouse.click(x, y)
        name = page.locator(".leaflet-popup-content .crm-popup-name")
        name.wait_for()
        seen.append(name.inner_text())
        page.evaluate("document.getElementById('crm-map').__crmMap.closePopup()")
        page.wait_for_function(
            "() => !document.querySelector('.leaflet-popup-content .crm-popup-name')"
        )
        page.wait_for_timeout(400)  # the map may reload after panning
    assert sorted(seen) == sorted(names)  # shown as text
    assert page.locator(".leaflet-popup-content img").count() == 0

    page.get_by_test_id("select-click").click()  # select by clicking the markers
    for i in range(2):
        x, y = page.evaluate(marker_points)[i]
        page.mouse.click(x, y)
        page.wait_for_timeout(300)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=selection-count]')?.textContent === '2'"
    )
    assert page.locator("#selection-result img, #selection-result script").count() == 0
    assert page.dialogs == []
    assert {c.pk for c in customers}  # made


def test_the_legend_toggles_size_classes_and_leads(page, live_server_url, made, tag):
    create(
        made,
        name=f"Big {tag}",
        postal_code="80331",
        city="München",
        country="DE",
        size_class="A",
        size_class_manual=True,
    )
    create(
        made,
        name=f"Small {tag}",
        postal_code="10117",
        city="Berlin",
        country="DE",
        size_class="D",
        size_class_manual=True,
    )
    create(
        made,
        name=f"Lead {tag}",
        postal_code="1010",
        city="Wien",
        country="AT",
        size_class="D",
        size_class_manual=True,
        status="lead",
    )

    login(page, live_server_url, "alice")
    open_map(page, live_server_url, f"q={tag}")
    box = page.get_by_test_id("map")
    assert box.get_attribute("data-total") == "3"
    page.get_by_test_id("legend-D").uncheck()
    page.wait_for_function("() => document.getElementById('crm-map').dataset.total === '1'")
    assert "hide=D" in page.url
    page.get_by_test_id("legend-D").check()
    page.get_by_test_id("legend-lead").uncheck()
    page.wait_for_function("() => document.getElementById('crm-map').dataset.total === '2'")
    page.reload()
    page.wait_for_function("() => document.getElementById('crm-map').dataset.total === '2'")
    assert not page.get_by_test_id("legend-lead").is_checked()


TORSHAVN = {"latitude": 62.0107, "longitude": -6.7741}  # far from any other test's customers


def near_page(browser, live_server_url, *, granted: bool, user: str = "alice"):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation=TORSHAVN,
        permissions=["geolocation"] if granted else [],
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    login(page, live_server_url, user)
    open_map(page, live_server_url, "")
    return context, page


def test_customers_near_me_centres_the_map_and_lists_the_nearest(
    browser, live_server_url, made, tag
):
    from tests.builders.mapview import make_located_customer

    lat, lon = TORSHAVN["latitude"], TORSHAVN["longitude"]
    nearest = make_located_customer(lat + 0.01, lon, name=f"Havn {tag} Fisk")  # ~1.1 km
    further = make_located_customer(lat + 0.1, lon, name=f"Hoyvík {tag} Bátar")  # ~11 km
    far = make_located_customer(lat + 0.5, lon, name=f"Eiði {tag} Ull")  # ~56 km: not near
    made.extend([nearest, further, far])
    context, page = near_page(browser, live_server_url, granted=True)
    try:
        panel = page.get_by_test_id("near-panel")
        # on a phone it comes before the map, so the thumb finds it on the first screen
        assert panel.bounding_box()["y"] < page.get_by_test_id("map").bounding_box()["y"]
        assert page.evaluate("document.getElementById('crm-map').dataset.near") is None
        page.get_by_role("button", name="Show customers near me").click()
        rows = page.get_by_test_id("near-row")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text(nearest.name)
        expect(rows.nth(0).get_by_test_id("near-distance")).to_have_text("1.1 km")
        expect(rows.nth(1)).to_contain_text(further.name)
        expect(page.get_by_test_id("near-count")).to_contain_text(
            "2 matching customers within 25 km"
        )
        center = page.evaluate(
            "() => { const c = document.getElementById('crm-map').__crmMap.getCenter(); return "
            "[c.lat, c.lng]; }"
        )
        assert abs(center[0] - lat) < 0.05 and abs(center[1] - lon) < 0.05, center
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        with page.expect_navigation():
            rows.nth(0).get_by_role("link").click()
        assert page.url.endswith(f"/customers/{nearest.pk}/")
    finally:
        context.close()


def test_a_denied_position_is_explained_in_the_users_language(browser, live_server_url, e2e_db):
    from crm.models import User
    from crm.services import user_create
    from tests.conftest import PASSWORD

    name = f"near.{uuid.uuid4().hex[:6]}"
    user = user_create(
        email=f"{name}@e2e.test",
        password=PASSWORD,
        role=User.Role.SALESPERSON,
        first_name="Jana",
        last_name="Nah",
        language="de",
        validate=False,
    )
    context, page = near_page(browser, live_server_url, granted=False, user=name)
    try:
        page.get_by_role("button", name="Kunden in meiner Nähe zeigen").click()
        expect(page.get_by_test_id("near-error")).to_have_text(
            "Der Browser hat der Karte Ihren Standort nicht freigegeben. Erlauben Sie ihn in den"
            " Website-Einstellungen des Browsers und versuchen Sie es erneut."
        )
        expect(page.get_by_test_id("near-row")).to_have_count(0)
    finally:
        context.close()
        user.delete()
