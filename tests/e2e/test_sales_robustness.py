"""Browser journeys of the bugs found in the sales and lead views (issue 14, item 9): a failed bulk
action keeps its ticks and its action, the lost reason is asked for once, a lead converted by a drag
says so, and "Reopen in “Follow-up later”" asks for the follow-up date."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

LOST_REASON_NEEDED = "Please give a reason why the project was lost."


@pytest.fixture
def four(e2e_db):
    """A fresh process with four of Alice's projects in its first phase."""
    from crm.models import User
    from tests.builders.customers import make_customer
    from tests.builders.sales import make_process, make_project

    tag = uuid.uuid4().hex[:6]
    alice = User.objects.get(email="alice@e2e.test")
    process = make_process(name=f"Robust {tag}")
    contacted = process.phases.get(name="Contacted")
    customer = make_customer(name=f"Robust customer {tag}", owner=alice)
    projects = [
        make_project(
            process=process,
            phase=contacted,
            owner=alice,
            customer=customer,
            title=f"Robust {tag} {i}",
            volume=Decimal(4000 - i),
        )
        for i in range(4)
    ]
    return {"process": process, "tag": tag, "projects": projects, "contacted": contacted}


def _lead(tag: str, *, phase_name: str = "New lead"):
    from crm.models import User
    from customers.services import customer_create
    from sales.services import process_create_default_lead
    from tests.builders.sales import make_project

    alice = User.objects.get(email="alice@e2e.test")
    customer = customer_create(user=alice, status="lead", name=f"Lead {tag} GmbH", city="Kassel")
    process = process_create_default_lead()
    project = make_project(
        process=process,
        phase=process.phases.get(name=phase_name),
        customer=customer,
        owner=alice,
        title=f"Lead project {tag}",
    )
    return process, project, alice


def test_a_failed_bulk_move_keeps_the_ticks_and_the_action_and_asks_for_the_reason_once(
    page, live_server_url, four
):
    from sales.models import LostReason, SalesProject

    process = four["process"]
    lost = process.phases.get(name="Lost")
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/?process={process.pk}")
    rows = page.locator("[data-project-id]")
    expect(rows).to_have_count(4)
    for i in range(3):
        rows.nth(i).locator("input[name=ids]").check()
    page.select_option("#bulk_action", "phase")
    page.select_option("#bulk_phase", str(lost.pk))
    page.get_by_role("button", name="Apply").click()

    expect(page.get_by_test_id("bulk-errors")).to_have_text(LOST_REASON_NEEDED)
    expect(page.get_by_text(LOST_REASON_NEEDED)).to_have_count(1)
    for i in range(3):
        expect(rows.nth(i).locator("input[name=ids]")).to_be_checked()
    expect(rows.nth(3).locator("input[name=ids]")).not_to_be_checked()
    expect(page.locator("#bulk_action")).to_have_value("phase")
    expect(page.locator("#bulk_phase")).to_have_value(str(lost.pk))
    expect(page.locator("#bulk_lost_reason")).to_be_visible()
    expect(page.locator("#bulk_lost_reason")).to_have_attribute("aria-invalid", "true")
    assert not SalesProject.objects.filter(process=process, phase=lost).exists()

    reason = LostReason.objects.filter(is_active=True).order_by("order", "id").first()
    page.select_option("#bulk_lost_reason", str(reason.pk))
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("3 projects changed.")).to_be_visible()
    titles = set(
        SalesProject.objects.filter(process=process, phase=lost).values_list("title", flat=True)
    )
    assert titles == {f"Robust {four['tag']} {i}" for i in range(3)}


def test_a_drop_into_lost_asks_for_the_reason_once(page, live_server_url, four):
    from sales.models import LostReason, SalesProject

    process, tag = four["process"], four["tag"]
    lost = process.phases.get(name="Lost")
    page.set_viewport_size({"width": 1920, "height": 900})  # every column in view for the drag
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/board/?process={process.pk}")
    card = page.locator(f".sales-card[data-title='Robust {tag} 0']")
    card.drag_to(page.locator(f"#col-{lost.pk} .sales-column-body"))
    dialog = page.get_by_test_id("move-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#move_phase")).to_have_value(str(lost.pk))
    page.get_by_test_id("move-submit").click()

    expect(page.locator("#move_lost_reason")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text(LOST_REASON_NEEDED)).to_have_count(1)
    expect(page.get_by_test_id("move-error")).to_have_count(0)
    expect(page.get_by_test_id("board-message")).to_have_count(0)

    reason = LostReason.objects.filter(is_active=True).order_by("order", "id").first()
    page.select_option("#move_lost_reason", str(reason.pk))
    page.get_by_test_id("move-submit").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(f"#col-{lost.pk} .sales-card[data-title='Robust {tag} 0']")).to_have_count(
        1
    )
    assert SalesProject.objects.get(title=f"Robust {tag} 0").lost_reason == reason


def test_a_lead_dragged_into_qualified_says_that_it_is_now_a_customer(
    page, live_server_url, e2e_db
):
    tag = uuid.uuid4().hex[:6]
    process, project, _alice = _lead(tag)
    qualified = process.phases.get(name="Qualified")
    page.set_viewport_size({"width": 1920, "height": 900})
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/leads/board/?process={process.pk}")
    card = page.locator(f".sales-card[data-title='{project.title}']")
    card.drag_to(page.locator(f"#col-{qualified.pk} .sales-column-body"))
    expect(page.get_by_test_id("board-message")).to_contain_text(
        f"“Lead {tag} GmbH” is now a customer."
    )
    project.customer.refresh_from_db()
    assert project.customer.status == "customer"


def test_reopen_into_follow_up_later_asks_for_the_date(page, live_server_url, e2e_db):
    from django.utils import timezone

    from sales import services
    from sales.models import LostReason, SalesProject

    tag = uuid.uuid4().hex[:6]
    process, project, alice = _lead(tag, phase_name="Contacted")
    later, disqualified = (
        process.phases.get(name="Follow-up later"),
        process.phases.get(name="Disqualified"),
    )
    project = services.project_move(
        project=project,
        phase=later,
        user=alice,
        expected_version=project.version,
        park_until=timezone.localdate() + datetime.timedelta(days=3),
    ).project
    reason = LostReason.objects.filter(is_active=True).order_by("order", "id").first()
    services.project_move(
        project=project,
        phase=disqualified,
        user=alice,
        expected_version=project.version,
        lost_reason=reason,
    )
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}{project.get_absolute_url()}")
    expect(page.get_by_test_id("submenu").locator("a.active")).to_have_text("Leads")
    reopen = page.get_by_test_id("reopen")
    expect(reopen).to_have_text("Reopen in “Follow-up later”…")
    reopen.click()
    dialog = page.get_by_test_id("move-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#move_phase")).to_have_value(str(later.pk))
    until = timezone.localdate() + datetime.timedelta(days=14)
    page.locator("#move_park_until").fill(until.isoformat())
    page.get_by_test_id("move-submit").click()

    expect(page.get_by_test_id("project-phase")).to_contain_text("Follow-up later")
    expect(page.get_by_test_id("parked")).to_be_visible()
    project = SalesProject.objects.get(pk=project.pk)
    assert project.phase == later and project.parked_until == until and project.closed_at is None
