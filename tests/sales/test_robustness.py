"""Bugs found in the sales, lead and group views (issue 14, item 9), each with the test that failed
before its fix: reopening into a follow-up phase, a failed bulk action keeping its state, hand-set
probabilities, the lost reason asked for once, the default board, the menu on a lead's page, the
conversion message and the duplicate check of identical names."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from customers.selectors import customer_duplicates
from sales import services
from sales.models import LostReason, Process, SalesProject
from tests.builders.customers import make_customer
from tests.builders.sales import LEAD_PHASES, make_process, make_project

HX = {"HTTP_HX_REQUEST": "true"}


def phase(process, name):
    return process.phases.get(name=name)


@pytest.fixture
def process(tenant):
    return make_process(name="Robustness")


@pytest.fixture
def lead_process(tenant):
    return make_process(name="Robust leads", kind=Process.Kind.LEAD, phases=LEAD_PHASES)


def reason():
    return LostReason.objects.get_or_create(name="Price")[0]


def _lost_from_later(lead_process, alice) -> SalesProject:
    """A lead that went Contacted -> Later (parked) -> Disqualified: it reopens into "Later"."""
    lead = make_project(
        process=lead_process,
        phase=phase(lead_process, "Contacted"),
        owner=alice,
        customer=make_customer(status=Customer.Status.LEAD),
    )
    lead = services.project_move(
        project=lead,
        phase=phase(lead_process, "Later"),
        user=alice,
        expected_version=lead.version,
        park_until=timezone.localdate() + datetime.timedelta(days=2),
    ).project
    return services.project_move(
        project=lead,
        phase=phase(lead_process, "Disqualified"),
        user=alice,
        expected_version=lead.version,
        lost_reason=reason(),
    ).project


# --- reopen into a follow-up phase ---------------------------------------------------------------


def test_reopen_into_a_follow_up_phase_opens_the_move_dialog_with_a_date_field(
    client_for, lead_process, alice
):
    lead = _lost_from_later(lead_process, alice)
    client = client_for(alice)
    page = client.get(lead.get_absolute_url()).content.decode()
    later = phase(lead_process, "Later")
    link = re.search(r'<a [^>]*data-testid="reopen"[^>]*>', page)
    assert link and f"phase={later.pk}" in link.group(0)
    dialog = client.get(
        reverse("sales:project_move", args=[lead.pk]),
        {"process": lead_process.pk, "phase": later.pk},
        **HX,
    ).content.decode()
    assert 'name="park_until"' in dialog and f'<option value="{later.pk}" selected>' in dialog


def test_reopen_takes_the_follow_up_date_and_without_one_says_what_is_missing(
    client_for, lead_process, alice
):
    lead = _lost_from_later(lead_process, alice)
    client = client_for(alice)
    url = reverse("sales:project_reopen", args=[lead.pk])
    page = client.post(url, {"version": lead.version}, follow=True).content.decode()
    assert "Choose the date on which to follow up." in page
    until = timezone.localdate() + datetime.timedelta(days=5)
    client.post(url, {"version": lead.version, "park_until": until.isoformat()})
    lead.refresh_from_db()
    assert lead.phase.name == "Later" and lead.parked_until == until and lead.closed_at is None


def test_a_plain_reopen_stays_a_button(client_for, process, alice):
    project = make_project(process=process, phase=phase(process, "Offer"), owner=alice)
    project = services.project_move(
        project=project, phase=phase(process, "Won"), user=alice, expected_version=1
    ).project
    page = client_for(alice).get(project.get_absolute_url()).content.decode()
    assert re.search(r'<button [^>]*data-testid="reopen"', page)
    client_for(alice).post(
        reverse("sales:project_reopen", args=[project.pk]), {"version": project.version}
    )
    project.refresh_from_db()
    assert project.phase.name == "Offer"


# --- a failed bulk action keeps its ticks, its action and says why once --------------------------


def test_a_failed_bulk_move_comes_back_with_the_ticks_the_action_and_the_error(
    client_for, process, alice
):
    projects = [make_project(process=process, owner=alice, title=f"Bulk {i}") for i in range(4)]
    ids = [p.pk for p in projects[:3]]
    lost = phase(process, "Lost")
    back = f"{reverse('sales:project_list')}?process={process.pk}"
    response = client_for(alice).post(
        reverse("sales:project_bulk"),
        {"ids": ids, "action": "phase", "phase": lost.pk, "next": back},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count("Please give a reason why the project was lost.") == 1
    ticked = set(map(int, re.findall(r'name="ids" value="(\d+)"[^>]*checked', page)))
    assert ticked == set(ids)
    assert '<option value="phase" selected>' in page
    assert f'<option value="{lost.pk}" selected>' in page
    assert re.search(r'<select name="lost_reason"[^>]*aria-invalid="true"', page)
    assert not SalesProject.objects.filter(pk__in=ids, phase=lost).exists()


def test_a_bulk_action_without_rows_says_so_beside_the_form(client_for, process, alice):
    response = client_for(alice).post(
        reverse("sales:project_bulk"), {"action": "owner", "owner": alice.pk}
    )
    assert response.status_code == 400
    assert 'data-testid="bulk-errors"' in response.content.decode()
    assert "Select at least one project." in response.content.decode()


def test_a_bulk_move_into_a_follow_up_phase_takes_the_date(client_for, lead_process, alice):
    leads = [
        make_project(
            process=lead_process, owner=alice, customer=make_customer(status=Customer.Status.LEAD)
        )
        for _ in range(2)
    ]
    later = phase(lead_process, "Later")
    until = timezone.localdate() + datetime.timedelta(days=9)
    response = client_for(alice).post(
        reverse("sales:lead_bulk"),
        {"ids": [p.pk for p in leads], "action": "phase", "phase": later.pk},
    )
    assert response.status_code == 400 and "Choose the date on which to follow up." in (
        response.content.decode()
    )
    client_for(alice).post(
        reverse("sales:lead_bulk"),
        {
            "ids": [p.pk for p in leads],
            "action": "phase",
            "phase": later.pk,
            "park_until": until.isoformat(),
        },
    )
    assert SalesProject.objects.filter(
        pk__in=[p.pk for p in leads], phase=later, parked_until=until
    ).count() == len(leads)


# --- a probability set by hand -----------------------------------------------------------------


def test_a_probability_set_by_hand_stays_on_moves_between_open_phases(process, alice):
    project = make_project(process=process, phase=phase(process, "Contacted"), owner=alice)
    project = services.project_update(
        project=project, user=alice, expected_version=project.version, data={"probability": 35}
    )
    assert project.probability_overridden
    project = services.project_move(
        project=project,
        phase=phase(process, "Negotiation"),
        user=alice,
        expected_version=project.version,
    ).project
    assert project.probability == 35 and project.probability_overridden
    project = services.project_move(
        project=project, phase=phase(process, "Won"), user=alice, expected_version=project.version
    ).project
    assert project.probability == 100 and not project.probability_overridden
    project = services.project_reopen(project=project, user=alice, expected_version=project.version)
    assert project.probability == 75 and not project.probability_overridden  # Negotiation's


def test_the_move_dialog_says_that_a_hand_set_probability_stays(client_for, process, alice):
    project = make_project(process=process, owner=alice, probability=35)
    SalesProject.objects.filter(pk=project.pk).update(probability_overridden=True)
    dialog = client_for(alice).get(reverse("sales:project_move", args=[project.pk]), **HX)
    assert 'data-testid="move-probability-kept"' in dialog.content.decode()
    assert "(35 %)" in dialog.content.decode()


# --- the lost reason is asked for once -----------------------------------------------------------


def test_the_lost_reason_is_asked_for_once_in_the_dialog_on_the_board(client_for, process, alice):
    project = make_project(process=process, owner=alice)
    lost = phase(process, "Lost")
    response = client_for(alice).post(
        reverse("sales:project_move", args=[project.pk]),
        {
            "process": process.pk,
            "phase": lost.pk,
            "version": project.version,
            "board": "1",
            "board_process": process.pk,
            "board_query": f"process={process.pk}",
            "from_phase": project.phase_id,
        },
        HTTP_HX_TARGET="sales-dialog-body",
        **HX,
    )
    page = response.content.decode()
    assert page.count("Please give a reason why the project was lost.") == 1
    assert 'data-testid="move-error"' not in page and 'data-testid="board-message"' not in page


def test_a_conflict_in_the_dialog_on_the_board_is_told_once(client_for, process, alice):
    project = make_project(process=process, owner=alice)
    response = client_for(alice).post(
        reverse("sales:project_move", args=[project.pk]),
        {
            "process": process.pk,
            "phase": phase(process, "Offer").pk,
            "version": project.version + 5,  # someone else moved it meanwhile
            "board": "1",
            "board_process": process.pk,
            "board_query": "",
            "from_phase": project.phase_id,
        },
        HTTP_HX_TARGET="sales-dialog-body",
        **HX,
    )
    page = response.content.decode()
    assert page.count("Someone changed this project in the meantime.") == 1
    assert 'data-testid="move-conflict"' in page


def test_a_drop_that_fails_on_a_field_still_says_why_on_the_board(
    client_for, process, lead_process, alice
):
    project = make_project(process=process, owner=alice)
    response = client_for(alice).post(  # a stale board: the lead column of another family
        reverse("sales:project_move", args=[project.pk]),
        {
            "process": lead_process.pk,
            "phase": phase(lead_process, "New").pk,
            "version": project.version,
            "board": "1",
            "board_process": process.pk,
            "board_query": "",
            "from_phase": project.phase_id,
        },
        **HX,
    )
    assert 'data-testid="board-message"' in response.content.decode()


# --- the default board ---------------------------------------------------------------------------


def test_a_new_process_from_the_admin_goes_last_and_is_not_everyones_board(client_for, dave, alice):
    first = Process.objects.exclude(kind=Process.Kind.LEAD).order_by("order", "id").first()
    page = client_for(dave).get(reverse("admin:sales_process_add")).content.decode()
    order = re.search(r'name="order" value="(\d+)"', page).group(1)
    highest = max(Process.objects.values_list("order", flat=True))
    assert int(order) == highest + 10
    response = client_for(dave).post(
        reverse("admin:sales_process_add"),
        {
            "name": "Purchasing",
            "kind": "other",
            "order": order,
            "is_active": "on",
            "phases-TOTAL_FORMS": "1",
            "phases-INITIAL_FORMS": "0",
            "phases-MIN_NUM_FORMS": "0",
            "phases-MAX_NUM_FORMS": "1000",
            "phases-0-order": "10",
            "phases-0-name": "Request",
            "phases-0-probability": "10",
            "phases-0-outcome": "open",
        },
    )
    assert response.status_code == 302
    board = client_for(alice).get(reverse("sales:project_kanban"))
    assert board.context["process"] == first


# --- the menu on a lead's pages ------------------------------------------------------------------


def _active_menu(page: str) -> list[str]:
    return re.findall(
        r'<a class="nav-link active" href="[^"]*" aria-current="page">([^<]+)</a>', page
    )


def test_a_leads_pages_mark_leads_in_the_menu_and_a_projects_mark_sales_projects(
    client_for, process, lead_process, alice
):
    lead = make_project(
        process=lead_process, owner=alice, customer=make_customer(status=Customer.Status.LEAD)
    )
    project = make_project(process=process, owner=alice)
    client = client_for(alice)
    for url in (
        lead.get_absolute_url(),
        reverse("sales:project_update", args=[lead.pk]),
        reverse("sales:project_move", args=[lead.pk]),
    ):
        assert _active_menu(client.get(url).content.decode()) == ["Leads"], url
    assert _active_menu(client.get(project.get_absolute_url()).content.decode()) == [
        "Sales projects"
    ]
    edit = client.get(reverse("sales:project_update", args=[lead.pk])).content.decode()
    assert '<h1 class="h3 mb-3">Edit lead</h1>' in edit
    edit = client.get(reverse("sales:project_update", args=[project.pk])).content.decode()
    assert '<h1 class="h3 mb-3">Edit project</h1>' in edit


def test_the_sales_settings_mark_sales_projects_in_the_menu(client_for, dave):
    page = client_for(dave).get(reverse("sales:tenant_settings")).content.decode()
    assert _active_menu(page) == ["Sales projects"]


# --- a lead converted by a move says so ---------------------------------------------------------


def test_a_lead_converted_by_a_drop_or_the_dialog_says_it_is_now_a_customer(
    client_for, lead_process, alice
):
    customer = make_customer(name="Wandel GmbH", status=Customer.Status.LEAD, owner=alice)
    lead = make_project(process=lead_process, owner=alice, customer=customer)
    qualified = phase(lead_process, "Qualified")
    board = (
        client_for(alice)
        .post(
            reverse("sales:project_move", args=[lead.pk]),
            {
                "process": lead_process.pk,
                "phase": qualified.pk,
                "version": lead.version,
                "board": "1",
                "board_process": lead_process.pk,
                "board_query": "",
                "from_phase": lead.phase_id,
            },
            **HX,
        )
        .content.decode()
    )
    assert "“Wandel GmbH” is now a customer." in board
    other = make_project(
        process=lead_process,
        owner=alice,
        customer=make_customer(name="Zweite GmbH", status=Customer.Status.LEAD, owner=alice),
    )
    page = client_for(alice).post(
        reverse("sales:project_move", args=[other.pk]),
        {"process": lead_process.pk, "phase": qualified.pk, "version": other.version},
        follow=True,
    )
    assert "“Zweite GmbH” is now a customer." in page.content.decode()
    again = make_project(process=lead_process, owner=alice, customer=customer)  # a customer now
    board = (
        client_for(alice)
        .post(
            reverse("sales:project_move", args=[again.pk]),
            {
                "process": lead_process.pk,
                "phase": qualified.pk,
                "version": again.version,
                "board": "1",
                "board_process": lead_process.pk,
                "board_query": "",
                "from_phase": again.phase_id,
            },
            **HX,
        )
        .content.decode()
    )
    assert "is now a customer" not in board


# --- the duplicate check -------------------------------------------------------------------------


def test_the_same_name_without_an_address_is_a_duplicate(tenant):
    first = make_customer(name="Eifeldata GmbH", postal_code="", city="")
    second = make_customer(name="Eifeldata GmbH", postal_code="53879", city="Euskirchen")
    found = {c.customer.pk: c.reasons for c in customer_duplicates(name="Eifeldata GmbH")}
    assert set(found) == {first.pk, second.pk} and found[first.pk] == ["same name"]


def test_the_same_name_in_another_city_is_a_duplicate_and_a_similar_one_is_not(tenant):
    there = make_customer(name="Eifeldata GmbH", postal_code="53879", city="Euskirchen")
    make_customer(name="Eifelbau GmbH", postal_code="53879", city="Euskirchen")
    found = customer_duplicates(name="Eifeldata AG", postal_code="50667", city="Köln")
    assert [c.customer.pk for c in found] == [there.pk]


def test_the_create_page_shows_the_identical_name_before_saving(client_for, alice):
    existing = make_customer(name="Eifeldata GmbH", postal_code="", city="")
    data = {
        "kind": "company",
        "status": "customer",
        "name": "Eifeldata GmbH",
        "street": "",
        "postal_code": "",
        "city": "",
        "country": "DE",
        "owner": alice.pk,
        "size_class": "D",
    }
    response = client_for(alice).post(reverse("customers:customer_create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and f"/customers/{existing.pk}/" in page
    assert "same name" in page and "Save anyway" in page
    assert Customer.objects.filter(name="Eifeldata GmbH").count() == 1


def test_a_new_project_for_a_new_customer_named_like_one_without_an_address_is_stopped(
    client_for, process, alice
):
    existing = make_customer(name="Eifeldata GmbH", postal_code="", city="")
    data = {
        "customer_mode": "new",
        "new-name": "Eifeldata GmbH",
        "new-kind": "company",
        "new-country": "DE",
        "title": "Eifel deal",
        "process": process.pk,
        "owner": alice.pk,
        "volume": "100",
    }
    response = client_for(alice).post(reverse("sales:project_create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="duplicates"' in page
    assert f'name="use_customer" value="{existing.pk}"' in page and "(same name)" in page
    assert Customer.objects.filter(name="Eifeldata GmbH").count() == 1
