"""Browser journey of competing offers: a manager groups two colleagues' offers for one customer as
alternatives from the conflicts list, wins one with the move dialog, and sees the other closed."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def rivals(e2e_db):
    """Open offers of alice and carol (two owners) for one customer, in a fresh process."""
    from crm.models import User
    from tests.builders.customers import make_customer
    from tests.builders.sales import make_process, make_project

    tag = uuid.uuid4().hex[:6]
    alice, carol = (
        User.objects.get(email="alice@e2e.test"),
        User.objects.get(email="carol@e2e.test"),
    )
    process = make_process(name=f"Groups {tag}", order=0)
    customer = make_customer(name=f"Rival customer {tag}", owner=alice)
    offer = process.phases.get(name="Offer")
    a = make_project(
        process=process,
        phase=offer,
        owner=alice,
        customer=customer,
        title=f"Alice offer {tag}",
        volume=Decimal("5000"),
        probability=50,
    )
    b = make_project(
        process=process,
        phase=offer,
        owner=carol,
        customer=customer,
        title=f"Carol offer {tag}",
        volume=Decimal("4000"),
        probability=50,
    )
    return {
        "process": process,
        "tag": tag,
        "a": a,
        "b": b,
        "offer": offer,
        "won": process.phases.get(name="Won"),
        "lost": process.phases.get(name="Lost"),
    }


def test_group_two_competing_offers_as_alternatives_win_one_and_the_other_is_closed(
    page, live_server_url, rivals
):
    a, b, tag = rivals["a"], rivals["b"], rivals["tag"]
    login(page, live_server_url, "carol")  # manager of alice's team: may edit both offers

    # the conflict shows on the groups page ...
    page.goto(f"{live_server_url}/sales/groups/")
    conflict = page.locator(f"[data-testid=conflict][data-pair='{a.pk}-{b.pk}']")
    expect(conflict).to_contain_text(f"Rival customer {tag}")
    expect(conflict).to_contain_text(f"Alice offer {tag}")
    # ... and one click groups the two as alternatives
    conflict.get_by_test_id("conflict-group").click()
    expect(page.get_by_role("alert").filter(has_text="are now alternatives")).to_be_visible()
    expect(page.locator(f"[data-testid=conflict][data-pair='{a.pk}-{b.pk}']")).to_have_count(0)
    group_link = page.get_by_test_id("group-table").get_by_role(
        "link", name=f"Alternatives for Rival customer {tag}"
    )
    expect(group_link).to_be_visible()

    # on the board both cards carry the group's badge; the columns count the group once
    page.goto(f"{live_server_url}/sales/projects/board/?process={rivals['process'].pk}")
    offer_column = page.locator(f"#col-{rivals['offer'].pk}")
    expect(offer_column.get_by_test_id("col-count")).to_have_text("2")
    expect(offer_column.get_by_test_id("col-volume")).to_have_text("5,000 EUR")
    card = offer_column.locator(f".sales-card[data-title='Alice offer {tag}']")
    expect(card.get_by_test_id("group-badge")).to_be_visible()

    # win alice's offer with the move dialog (the keyboard way)
    card.get_by_test_id("card-move").click()
    dialog = page.get_by_test_id("move-dialog")
    expect(dialog).to_be_visible()
    page.locator("#move_phase").select_option(label="Won")
    page.get_by_test_id("move-submit").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("board-message")).to_contain_text(f"Carol offer {tag}")
    expect(
        page.locator(f"#col-{rivals['won'].pk} .sales-card[data-title='Alice offer {tag}']")
    ).to_have_count(1)
    expect(
        page.locator(f"#col-{rivals['lost'].pk} .sales-card[data-title='Carol offer {tag}']")
    ).to_have_count(1)
    expect(offer_column.locator(".sales-card")).to_have_count(0)

    # the other offer is closed as lost, with the reason and in its history
    page.goto(f"{live_server_url}/sales/projects/{b.pk}/")
    expect(page.get_by_test_id("project-phase")).to_contain_text("Lost")
    expect(
        page.get_by_text("Alternative won", exact=True)
    ).to_be_visible()  # the lost reason (the timeline may say it too)
    expect(page.get_by_test_id("phase-history")).to_contain_text("from Offer")
    b.refresh_from_db()
    assert b.phase == rivals["lost"] and b.lost_reason.key == "alternative_won"

    # and the group is won
    page.goto(f"{live_server_url}/sales/groups/{b.group_id}/")
    expect(page.get_by_test_id("group-status")).to_have_text("Won")
