"""prefers-reduced-motion (issue 16 item 4): the move dialog opens without a transition and the
map is made without Leaflet's zoom and fade animations; without the preference they stay."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ACTION_TIMEOUT_MS, login

pytestmark = pytest.mark.e2e

MAP_ANIMATES = (
    "() => { const m = document.getElementById('crm-map').__crmMap;"
    " return [m.options.zoomAnimation, m.options.fadeAnimation, m.options.markerZoomAnimation]; }"
)


@pytest.fixture(params=["reduce", "no-preference"])
def motion_page(browser, request):
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, reduced_motion=request.param
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    pg = context.new_page()
    pg.route("**/*tile.openstreetmap.org/**", lambda route: route.abort())
    pg.reduce = request.param == "reduce"
    yield pg
    context.close()


@pytest.fixture
def board(e2e_db):
    from crm.models import User
    from tests.builders.sales import make_process, make_project

    tag = uuid.uuid4().hex[:6]
    process = make_process(name=f"Motion {tag}", order=0)
    make_project(
        process=process, owner=User.objects.get(email="alice@e2e.test"), title=f"Motion {tag}"
    )
    return process


def test_reduced_motion_drops_the_dialog_fade_and_the_map_animations(
    motion_page, live_server_url, board
):
    page = motion_page
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/board/?process={board.pk}")
    page.get_by_test_id("card-move").first.click()
    expect(page.get_by_test_id("move-dialog")).to_be_visible()
    duration = page.evaluate(
        "() => getComputedStyle(document.getElementById('sales-dialog')).transitionDuration"
    )
    assert (duration == "0s") is page.reduce, duration
    column = page.evaluate(
        "() => getComputedStyle(document.querySelector('.sales-column')).transitionDuration"
    )
    assert (set(column.replace(" ", "").split(",")) == {"0s"}) is page.reduce, column

    page.goto(f"{live_server_url}/map/")
    page.wait_for_function("() => document.getElementById('crm-map').__crmMap !== undefined")
    assert page.evaluate(MAP_ANIMATES) == [not page.reduce] * 3
