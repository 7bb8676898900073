"""Browser journeys of sales projects: drag on the board, the keyboard move dialog, the list
filter."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def board(e2e_db):
    """A fresh process with three of Alice's projects in its first phase and one in the second."""
    from crm.models import User
    from tests.builders.customers import make_customer
    from tests.builders.sales import make_process, make_project

    tag = uuid.uuid4().hex[:6]
    alice = User.objects.get(email="alice@e2e.test")
    process = make_process(name=f"E2E {tag}", order=0)
    contacted, offer = process.phases.get(name="Contacted"), process.phases.get(name="Offer")
    customer = make_customer(name=f"Board customer {tag}", owner=alice)
    projects = [
        make_project(
            process=process,
            phase=contacted,
            owner=alice,
            customer=customer,
            title=f"Drag me {tag}",
            volume=Decimal("4000"),
        ),
        make_project(
            process=process,
            phase=contacted,
            owner=alice,
            customer=customer,
            title=f"Keyboard {tag}",
            volume=Decimal("3000"),
        ),
        make_project(
            process=process,
            phase=contacted,
            owner=alice,
            customer=customer,
            title=f"Stays {tag}",
            volume=Decimal("1000"),
        ),
        make_project(
            process=process,
            phase=offer,
            owner=alice,
            customer=customer,
            title=f"In offer {tag}",
            volume=Decimal("2000"),
            probability=50,
        ),
    ]
    return {
        "process": process,
        "tag": tag,
        "projects": projects,
        "contacted": contacted,
        "offer": offer,
    }


def column(page, phase):
    return page.locator(f"#col-{phase.pk}")


def test_drag_a_card_to_another_phase_and_see_the_totals_change(page, live_server_url, board):
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/board/?process={board['process'].pk}")
    contacted, offer = column(page, board["contacted"]), column(page, board["offer"])
    expect(contacted.get_by_test_id("col-count")).to_have_text("3")
    expect(offer.get_by_test_id("col-volume")).to_have_text("2,000 EUR")

    card = contacted.locator(f".sales-card[data-title='Drag me {board['tag']}']")
    card.drag_to(offer.locator(".sales-column-body"))

    expect(offer.get_by_test_id("col-count")).to_have_text("2")
    expect(offer.get_by_test_id("col-volume")).to_have_text("6,000 EUR")
    expect(offer.get_by_test_id("col-weighted")).to_contain_text("3,000 EUR")
    expect(contacted.get_by_test_id("col-count")).to_have_text("2")
    expect(contacted.get_by_test_id("col-volume")).to_have_text("4,000 EUR")
    expect(offer.locator(f".sales-card[data-title='Drag me {board['tag']}']")).to_have_count(1)
    assert "/sales/projects/board/" in page.url  # no page reload, no navigation
    board["projects"][0].refresh_from_db()
    assert board["projects"][0].phase == board["offer"]


def test_move_a_card_with_the_keyboard_dialog(page, live_server_url, board):
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/board/?process={board['process'].pk}")
    negotiation = board["process"].phases.get(name="Negotiation")
    card = column(page, board["contacted"]).locator(
        f".sales-card[data-title='Keyboard {board['tag']}']"
    )

    card.get_by_test_id("card-move").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_test_id("move-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#move_process")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#move_phase")).to_be_focused()
    page.locator("#move_phase").select_option(label="Negotiation")
    page.get_by_test_id("move-submit").focus()
    page.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    target = column(page, negotiation)
    expect(target.locator(f".sales-card[data-title='Keyboard {board['tag']}']")).to_have_count(1)
    expect(target.get_by_test_id("col-count")).to_have_text("1")
    expect(column(page, board["contacted"]).get_by_test_id("col-count")).to_have_text("2")


def test_filter_the_list_by_two_phases(page, live_server_url, board):
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/?process={board['process'].pk}")
    table = page.get_by_test_id("project-table")
    expect(table.locator("tbody tr")).to_have_count(4)

    negotiation = board["process"].phases.get(name="Negotiation")
    page.locator("#id_phase").select_option([str(board["offer"].pk), str(negotiation.pk)])

    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text(f"In offer {board['tag']}")
    expect(page.get_by_test_id("total-volume")).to_have_text("2,000 EUR")
    assert f"phase={board['offer'].pk}" in page.url and f"phase={negotiation.pk}" in page.url

    page.get_by_test_id("to-kanban").click()
    expect(page.get_by_test_id("board")).to_be_visible()
    assert f"phase={board['offer'].pk}" in page.url  # the filters travel with the switch
