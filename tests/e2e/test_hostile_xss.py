"""Script payloads saved in every text field stay inert text on every page that shows them
(checked in Chromium: no dialog fires, no injected handler runs), and CSV exports neutralise cells
a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from crm.models import User
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def script(label: str) -> str:
    return f"<script>alert('{label}');window.__xss='{label}'</script>"


def img(label: str) -> str:
    return f"\"><img src=x onerror=\"alert('{label}');window.__xss='{label}'\">"


@pytest.fixture
def hostile(e2e_db):
    """One record of each kind with a payload in each text field (committed), removed afterwards."""
    from activity.models import Activity
    from activity.services import activity_create
    from customers.models import Customer
    from customers.services import contact_create, customer_create
    from mapview.models import Selection
    from mapview.services import selection_create
    from sales.models import Process, ProjectGroup, SalesProject
    from tests.builders.sales import make_group, make_process, make_project

    tag = uuid.uuid4().hex[:8]
    alice = User.objects.get(email="alice@e2e.test")
    customer = customer_create(
        user=alice,
        name=f"{tag} {script('customer name')}",
        city=img("city"),
        street="javascript:alert('street')",
        postal_code="24103",
        country="DE",
        industry='=HYPERLINK("http://evil.example","x")',
    )
    Customer.objects.filter(pk=customer.pk).update(
        latitude=54.3233, longitude=10.1228, geocode_status="manual"
    )
    contact = contact_create(
        user=alice,
        customer=customer,
        first_name=script("first name"),
        last_name=f"{tag} {img('last name')}",
        position="+SUM(1;1)",
        notes="javascript:alert(1)",
    )
    process = make_process(name=f"XSS {tag} {img('process')}", order=0)
    offer = process.phases.get(name="Offer")
    projects = [
        make_project(
            process=process,
            phase=offer,
            owner=alice,
            customer=customer,
            title=f"{tag} {payload}",
            description=img("description"),
        )
        for payload in (script("project title"), img("project title"))
    ]
    SalesProject.objects.filter(pk=projects[1].pk).update(title="-2+3 " + tag)
    group = make_group(
        projects=projects,
        name=f"{tag} {script('group name')}",
        description=img("group description"),
        created_by=alice,
    )
    activity = activity_create(
        user=alice,
        kind="note",
        subject=script("activity subject"),
        text=img("activity notes"),
        customer=customer,
        project=projects[0],
    )
    selection = selection_create(
        name=f"{tag} {img('selection name')}", owner=alice, customer_ids=[customer.pk]
    )
    yield {
        "tag": tag,
        "customer": customer,
        "contact": contact,
        "process": process,
        "projects": projects,
        "group": group,
        "activity": activity,
        "selection": selection,
    }
    Selection.objects.filter(pk=selection.pk).delete()
    Activity.objects.filter(customer_id=customer.pk).delete()
    SalesProject.objects.filter(customer_id=customer.pk).delete()
    ProjectGroup.objects.filter(pk=group.pk).delete()
    Process.objects.filter(pk=process.pk).delete()
    Customer.objects.filter(pk=customer.pk).delete()


def _inert(page, where: str) -> None:
    page.wait_for_load_state("networkidle")
    assert page.dialogs == [], f"a dialog fired on {where}: {page.dialogs}"
    assert page.evaluate("() => window.__xss") is None, where
    assert page.locator("img[src=x]").count() == 0, where


def test_payloads_in_every_text_field_stay_text_on_every_page(page, live_server_url, hostile):
    base, tag = live_server_url, hostile["tag"]
    c, group, selection = hostile["customer"], hostile["group"], hostile["selection"]
    login(page, base, "alice")
    pages = {
        "customer list": f"/customers/?q={tag}",
        "customer detail (with timeline)": f"/customers/{c.pk}/",
        "contact list": f"/customers/contacts/?q={tag}",
        "contact detail": f"/customers/contacts/{hostile['contact'].pk}/",
        "kanban": f"/sales/projects/board/?process={hostile['process'].pk}",
        "project list": f"/sales/projects/?q={tag}",
        "project detail": f"/sales/projects/{hostile['projects'][0].pk}/",
        "activity log": "/activity/",
        "activity detail": f"/activity/{hostile['activity'].pk}/",
        "group list": f"/sales/groups/?q={tag}",
        "group detail": f"/sales/groups/{group.pk}/",
        "selection list": "/map/selections/",
        "selection detail": f"/map/selections/{selection.pk}/",
    }
    for where, url in pages.items():
        page.goto(base + url)
        _inert(page, where)
    # shown as the literal text that was typed
    page.goto(f"{base}/customers/{c.pk}/")
    assert page.get_by_text(script("customer name"), exact=False).count() >= 1
    entry = page.get_by_test_id("timeline").get_by_text(script("activity subject"), exact=False)
    entry.first.wait_for()  # the timeline entry (loaded by htmx)
    _inert(page, "customer timeline")
    page.goto(f"{base}/sales/projects/board/?process={hostile['process'].pk}")
    assert page.get_by_text(script("project title"), exact=False).count() >= 1  # the kanban card
    _inert(page, "kanban (text check)")

    # the map popup of the customer
    page.route("**/*tile.openstreetmap.org/**", lambda route: route.abort())
    page.goto(f"{base}/map/?q={tag}")
    page.wait_for_function("() => document.getElementById('crm-map').dataset.total !== undefined")
    page.evaluate("document.getElementById('crm-map').__crmMap.setView([54.3233, 10.1228], 15)")
    page.wait_for_function("() => document.getElementById('crm-map').dataset.mode === 'points'")
    page.wait_for_timeout(300)
    x, y = page.evaluate("""() => { const box = document.getElementById('crm-map');
        const m = box.__crmMap; const r = box.getBoundingClientRect();
        const p = m.latLngToContainerPoint([54.3233, 10.1228]);
        return [r.left + p.x, r.top + p.y]; }""")
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    page.wait_for_timeout(300)
    assert script("customer name") in popup.inner_text()
    _inert(page, "map popup")


def _csv(page, url: str) -> list[dict]:
    # fetched by the browser (its session; *.localhost resolves there)
    text = page.evaluate(
        "async (url) => { const r = await fetch(url); return r.ok ? await r.text() : null; }", url
    )
    assert text is not None, url
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_exports_neutralise_formula_cells(page, live_server_url, hostile):
    base, tag = live_server_url, hostile["tag"]
    login(page, base, "alice")
    [customer] = _csv(page, f"{base}/customers/export/?q={tag}")
    assert customer["industry"] == "'" + '=HYPERLINK("http://evil.example","x")'
    assert customer["name"].startswith(tag)  # ordinary text unchanged
    [contact] = _csv(page, f"{base}/customers/contacts/export/?q={tag}")
    assert contact["position"] == "'+SUM(1;1)"
    titles = sorted(row["title"] for row in _csv(page, f"{base}/sales/projects/export/?q={tag}"))
    assert f"'-2+3 {tag}" in titles
    [selected] = _csv(page, f"{base}/map/selections/{hostile['selection'].pk}/export/")
    assert selected["industry"].startswith("'=")
    for row in (customer, contact, selected):
        for value in row.values():
            assert not (value or "").lstrip().startswith(("=", "+", "-", "@")), row
