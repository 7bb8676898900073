"""A keyboard-only journey: the skip link, the kanban worked with arrow keys and "M", the move
dialog's focus (first field on open, back to the card on Escape, the moved card after a move) and
the live region's announcement."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

FOCUSED = (
    "() => document.activeElement"
    " && (document.activeElement.closest('.sales-card')?.dataset.title || '')"
)


@pytest.fixture
def board(e2e_db):
    from crm.models import User
    from tests.builders.sales import make_process, make_project

    tag = uuid.uuid4().hex[:6]
    alice = User.objects.get(email="alice@e2e.test")
    process = make_process(name=f"Keys {tag}", order=0)
    first_phase, second_phase = process.phases.order_by("order")[:2]
    for n in (1, 2):
        make_project(process=process, phase=first_phase, owner=alice, title=f"Key {n} {tag}")
    make_project(process=process, phase=second_phase, owner=alice, title=f"Key 3 {tag}")
    return {"tag": tag, "process": process, "second": second_phase}


def test_the_skip_link_is_the_first_stop_and_jumps_to_the_content(page, live_server_url):
    login(page, live_server_url, "alice")
    page.keyboard.press("Tab")
    skip = page.get_by_test_id("skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'main'")


def test_the_kanban_is_worked_with_the_keyboard_alone(page, live_server_url, board):
    tag = board["tag"]
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/board/?process={board['process'].pk}")
    titles = page.locator(".sales-card-title")
    expect(titles).to_have_count(3)
    page.locator(f".sales-card[data-title='Key 1 {tag}'] .sales-card-title").focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate(FOCUSED) == f"Key 2 {tag}"
    page.keyboard.press("ArrowRight")
    assert page.evaluate(FOCUSED) == f"Key 3 {tag}"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowUp")
    assert page.evaluate(FOCUSED) == f"Key 1 {tag}"

    # M opens the move dialog with its first field focused; Escape closes it, focus returns
    page.keyboard.press("m")
    dialog = page.get_by_test_id("move-dialog")
    expect(dialog).to_be_visible()
    page.wait_for_function(
        "() => document.activeElement.closest('[data-testid=move-dialog]') !== null"
    )
    assert page.evaluate("() => document.getElementById('board').closest('[inert]') !== null")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.wait_for_function(f"() => ({FOCUSED})() === 'Key 1 {tag}'")
    assert page.evaluate("() => document.querySelectorAll('[inert]').length") == 0

    # M again, choose the second phase with the keyboard, submit with Enter
    page.keyboard.press("m")
    expect(dialog).to_be_visible()
    phase = dialog.locator("select[name=phase]")
    phase.focus()
    phase.select_option(str(board["second"].pk))
    dialog.get_by_test_id("move-submit").focus()
    page.keyboard.press("Enter")  # at once, while the dialog may still be fading in
    expect(dialog).to_be_hidden()
    page.wait_for_function("() => !document.querySelector('#sales-dialog.show')")
    moved = page.locator(f"#col-{board['second'].pk} .sales-card[data-title='Key 1 {tag}']")
    expect(moved).to_be_visible()
    page.wait_for_function(f"() => ({FOCUSED})() === 'Key 1 {tag}'")
    expect(page.get_by_test_id("live-region")).to_have_text(
        f"Project moved to “{board['second'].name}”."
    )


def test_the_move_dialog_closed_by_cancel_or_the_cross_gives_focus_back_to_its_opener(
    page, live_server_url, board
):
    tag = board["tag"]
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/board/?process={board['process'].pk}")
    move = page.locator(f".sales-card[data-title='Key 2 {tag}'] [data-testid=card-move]")
    dialog = page.get_by_test_id("move-dialog")
    for close in ("Cancel", "Close"):
        move.focus()
        page.keyboard.press("Enter")
        expect(dialog).to_be_visible()
        page.wait_for_function(
            "() => document.activeElement.closest('[data-testid=move-dialog]') !== null"
        )
        dialog.get_by_role("button", name=close, exact=True).click()
        expect(dialog).to_be_hidden()
        expect(move).to_be_focused()
        assert page.evaluate("() => document.querySelectorAll('[inert]').length") == 0


def test_load_more_by_keyboard_leaves_focus_on_the_first_new_card(page, live_server_url, e2e_db):
    from crm.models import User
    from sales import selectors
    from tests.builders.sales import make_process, make_project

    tag = uuid.uuid4().hex[:6]
    alice = User.objects.get(email="alice@e2e.test")
    process = make_process(name=f"Many {tag}", order=0)
    first_phase = process.phases.order_by("order").first()
    for n in range(selectors.KANBAN_PAGE + 2):
        make_project(process=process, phase=first_phase, owner=alice, title=f"Many {n:02d} {tag}")
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/board/?process={process.pk}")
    column = page.locator(f"#col-{first_phase.pk}")
    cards = column.locator(".sales-card")
    expect(column.get_by_test_id("load-more")).to_be_visible()
    shown = cards.count()
    column.get_by_test_id("load-more").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "([id, n]) => document.querySelectorAll(`#col-${id} .sales-card`).length > n",
        arg=[first_phase.pk, shown],
    )
    # focus is on the first card the swap brought in, and the arrow keys go on from there
    index = (
        "() => { const card = document.activeElement.closest('.sales-card');"
        " return card ? [...card.parentElement.querySelectorAll('.sales-card')].indexOf(card) : "
        "-1; }"
    )
    page.wait_for_function(f"(n) => ({index})() === n", arg=shown)
    page.keyboard.press("ArrowDown")
    page.wait_for_function(f"(n) => ({index})() === n", arg=shown + 1)
