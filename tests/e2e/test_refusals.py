"""Refusals explain themselves in the browser: a colleague's edit page, and an htmx request that is
refused after the page was loaded (the project changed hands meanwhile)."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def project(e2e_db):
    from crm.models import User
    from tests.builders.customers import make_customer
    from tests.builders.sales import make_process, make_project

    tag = uuid.uuid4().hex[:6]
    alice = User.objects.get(email="alice@e2e.test")
    customer = make_customer(name=f"Refusal {tag}", owner=alice)
    return make_project(
        process=make_process(name=f"Refusal {tag}"),
        owner=alice,
        customer=customer,
        title=f"Refusal {tag}",
    )


def test_a_colleagues_edit_page_says_why_and_who_may(page, live_server_url, project):
    login(page, live_server_url, "bob")
    page.goto(f"{live_server_url}/sales/projects/{project.pk}/edit/")
    expect(page.get_by_test_id("error-page")).to_contain_text(
        "Only Alice Tester, the managers of team North and the tenant admins may edit it."
    )
    expect(page.get_by_test_id("submenu")).to_be_visible()
    page.get_by_test_id("error-back").click()
    page.wait_for_url(f"{live_server_url}/")


def test_an_htmx_request_refused_meanwhile_shows_its_message_in_place(
    page, live_server_url, project
):
    from crm.models import User
    from sales.models import SalesProject

    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/{project.pk}/")
    move = page.get_by_test_id("detail-move")
    expect(move).to_be_visible()
    SalesProject.objects.filter(pk=project.pk).update(owner=User.objects.get(email="bob@e2e.test"))
    move.click()
    alert = page.get_by_test_id("htmx-error")
    expect(alert).to_contain_text(
        "Only Bob Tester, the managers of team South and the tenant admins may edit it."
    )
    expect(page).to_have_url(
        f"{live_server_url}/sales/projects/{project.pk}/"
    )  # no reload, nothing lost
