"""The sales pages: kanban, list, move, create, edit, detail, bulk actions; roles and tenants."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tenants.utils import schema_context

from customers.models import Customer
from sales.models import LostReason, PhaseChange, SalesProject
from tests.builders.customers import make_contact, make_customer
from tests.builders.sales import make_process, make_project


def phase(process, name):
    return process.phases.get(name=name)


@pytest.fixture
def process(tenant):
    return make_process(name="Board", order=0)


def board_url(process, **params):
    query = "&".join(f"{k}={v}" for k, v in {"process": process.pk, **params}.items())
    return reverse("sales:project_kanban") + "?" + query


def real_queries(captured) -> int:
    # django-tenants sets the search path before each query; those are not the page's queries.
    return sum(1 for q in captured.captured_queries if not q["sql"].startswith("SET search_path"))


# --- anonymous, roles, tenants ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["project_list", "project_kanban", "project_create"])
def test_anonymous_users_are_sent_to_the_login(client_for, name):
    response = client_for(None).get(reverse(f"sales:{name}"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["alice", "carol", "dave"])
def test_every_role_sees_the_board_and_the_list_with_everyones_projects(
    request, client_for, process, alice, bob, who
):
    make_project(process=process, owner=alice, title="Alice's deal")
    make_project(process=process, owner=bob, title="Bob's deal")
    client = client_for(request.getfixturevalue(who))
    board = client.get(board_url(process)).content.decode()
    listing = client.get(reverse("sales:project_list") + f"?process={process.pk}").content.decode()
    for page in (board, listing):
        assert "Alice&#x27;s deal" in page and "Bob&#x27;s deal" in page


def test_cards_are_draggable_only_for_those_who_may_edit_them(client_for, process, alice, bob):
    mine = make_project(process=process, owner=alice)
    theirs = make_project(process=process, owner=bob)
    page = client_for(alice).get(board_url(process)).content.decode()
    card = re.compile(r'<article class="sales-card" id="card-(\d+)"([^>]*)>')
    draggable = {int(m.group(1)): 'draggable="true"' in m.group(2) for m in card.finditer(page)}
    assert draggable == {mine.pk: True, theirs.pk: False}


@pytest.fixture
def beta_project(tenant, other_tenant):
    """A project that exists only in tenant beta (its id is free in alpha)."""
    with schema_context(other_tenant.schema_name):
        project = make_project(title="Beta secret")
    assert not SalesProject.objects.filter(pk=project.pk).exists()
    return project


@pytest.mark.parametrize("name", ["project_detail", "project_update", "project_move"])
def test_a_project_of_another_tenant_is_not_found(client_for, dave, beta_project, name):
    response = client_for(dave).get(reverse(f"sales:{name}", args=[beta_project.pk]))
    assert response.status_code == 404


def test_moving_a_project_of_another_tenant_is_not_found(client_for, dave, beta_project, process):
    response = client_for(dave).post(
        reverse("sales:project_move", args=[beta_project.pk]),
        {"process": process.pk, "phase": phase(process, "Offer").pk, "version": 1},
    )
    assert response.status_code == 404


def test_a_session_of_another_tenant_is_sent_to_the_login(tenant, other_tenant):
    from crm.models import User

    with schema_context(other_tenant.schema_name):
        beta_user = User.objects.get(email="alice@beta.test")
        beta = Client(HTTP_HOST="beta.localhost")
        beta.force_login(beta_user)
        cookie = beta.cookies["sessionid"].value
    alpha = Client(HTTP_HOST="alpha.localhost")
    alpha.cookies["sessionid"] = cookie
    for name in ("project_list", "project_kanban"):
        response = alpha.get(reverse(f"sales:{name}"))
        assert response.status_code == 302 and "/login/" in response["Location"]
    connection.set_tenant(tenant)


# --- kanban ---------------------------------------------------------------------------------


def test_the_board_shows_count_volume_and_weighted_sum_per_column(client_for, process, alice):
    offer = phase(process, "Offer")  # 50 %
    make_project(process=process, phase=offer, volume=Decimal("1000"), probability=50)
    make_project(process=process, phase=offer, volume=Decimal("3000"), probability=50)
    page = client_for(alice).get(board_url(process)).content.decode()
    column = page[page.index(f'id="col-{offer.pk}"') :]
    column = column[: column.index("</header>")]
    assert 'data-testid="col-count"' in column and ">2</span>" in column
    assert "4,000 EUR" in column and "2,000 EUR" in column


def test_the_board_query_count_does_not_grow_with_the_number_of_projects(
    client_for, process, alice, django_assert_max_num_queries
):
    client = client_for(alice)
    phases = list(process.phases.all())
    for i in range(3):
        make_project(process=process, phase=phases[i % len(phases)], owner=alice)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(board_url(process)).status_code == 200
    for i in range(60):
        make_project(process=process, phase=phases[i % len(phases)], owner=alice)
    with django_assert_max_num_queries(len(few)):
        assert client.get(board_url(process)).status_code == 200
    # ... with the custom-field definitions and the overview layouts (the card fields) read once
    # each, and the standard fields switched off once (cached across requests outside the tests)
    assert real_queries(few) <= 13


def test_a_column_shows_the_first_cards_and_loads_more_on_demand(client_for, process, alice):
    from sales.selectors import KANBAN_FIRST, KANBAN_PAGE

    offer = phase(process, "Offer")
    for i in range(KANBAN_FIRST + KANBAN_PAGE + 5):
        make_project(process=process, phase=offer, volume=Decimal(1000 + i), title=f"Deal {i:02d}")
    client = client_for(alice)
    page = client.get(board_url(process)).content.decode()
    column = page[
        page.index(f'id="col-{offer.pk}"') : page.index(
            "</section>", page.index(f'id="col-{offer.pk}"')
        )
    ]
    assert (
        column.count('data-testid="card"') == KANBAN_FIRST and 'data-testid="load-more"' in column
    )
    assert f"offset={KANBAN_FIRST}" in column
    assert re.search(r'data-testid="col-count"[^>]*>(\d+)<', column).group(1) == str(
        KANBAN_FIRST + KANBAN_PAGE + 5
    )
    more = client.get(
        reverse("sales:project_kanban_column"),
        {"process": process.pk, "column": offer.pk, "offset": KANBAN_FIRST},
    ).content.decode()
    assert (
        more.count('data-testid="card"') == KANBAN_PAGE
        and f"offset={KANBAN_FIRST + KANBAN_PAGE}" in more
    )
    last = client.get(
        reverse("sales:project_kanban_column"),
        {"process": process.pk, "column": offer.pk, "offset": KANBAN_FIRST + KANBAN_PAGE},
    ).content.decode()
    assert last.count('data-testid="card"') == 5 and "load-more" not in last
    assert "Deal 00" in last  # sorted by volume, the smallest come last


@pytest.mark.parametrize("sort, first", [("volume", "Big"), ("expected", "Soon"), ("age", "Old")])
def test_cards_are_sorted_by_volume_expected_date_or_age(client_for, process, alice, sort, first):
    import datetime

    from django.utils import timezone

    now = timezone.now()
    today = timezone.localdate()
    make_project(
        process=process,
        title="Big",
        volume=Decimal("9000"),
        expected_order_date=today + datetime.timedelta(days=90),
    )
    make_project(process=process, title="Soon", volume=Decimal("10"), expected_order_date=today)
    make_project(
        process=process,
        title="Old",
        volume=Decimal("20"),
        phase_entered_at=now - datetime.timedelta(days=40),
    )
    page = client_for(alice).get(board_url(process, sort=sort)).content.decode()
    titles = re.findall(r'data-title="([^"]+)"', page)
    assert titles[0] == first


def test_the_board_filters_by_owner_team_and_text(client_for, process, alice, bob, carol):
    make_project(process=process, owner=alice, title="North pump")
    make_project(
        process=process, owner=bob, title="South pump", customer=make_customer(name="Zebra AG")
    )
    client = client_for(carol)
    assert re.findall(
        r'data-title="([^"]+)"', client.get(board_url(process, owner=bob.pk)).content.decode()
    ) == ["South pump"]
    assert re.findall(
        r'data-title="([^"]+)"', client.get(board_url(process, team=alice.team_id)).content.decode()
    ) == ["North pump"]
    assert re.findall(
        r'data-title="([^"]+)"', client.get(board_url(process, q="zebra")).content.decode()
    ) == ["South pump"]


def test_yellow_and_red_dots_follow_the_phase_thresholds(client_for, alice):
    import datetime

    from django.utils import timezone

    process = make_process(phases=[{"name": "Slow", "yellow_days": 5, "red_days": 10}, "Won"])
    slow = phase(process, "Slow")
    now = timezone.now()
    make_project(process=process, phase=slow, title="Fresh", phase_entered_at=now)
    make_project(
        process=process,
        phase=slow,
        title="Aging",
        phase_entered_at=now - datetime.timedelta(days=6),
    )
    make_project(
        process=process,
        phase=slow,
        title="Stale",
        phase_entered_at=now - datetime.timedelta(days=11),
    )
    page = client_for(alice).get(board_url(process)).content.decode()
    assert page.count('data-testid="age-yellow"') == 1 and page.count('data-testid="age-red"') == 1


def test_a_dropped_card_is_moved_and_both_columns_come_back(client_for, process, alice):
    project = make_project(process=process, owner=alice)
    contacted, offer = phase(process, "Contacted"), phase(process, "Offer")
    response = client_for(alice).post(
        reverse("sales:project_move", args=[project.pk]),
        {
            "phase": offer.pk,
            "process": process.pk,
            "version": 1,
            "board": "1",
            "board_process": process.pk,
            "board_query": f"process={process.pk}",
            "from_phase": contacted.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response["HX-Trigger"] == "salesMoved"
    page = response.content.decode()
    assert f'id="col-{contacted.pk}"' in page and f'id="col-{offer.pk}"' in page
    assert page.count('hx-swap-oob="outerHTML"') == 2
    project.refresh_from_db()
    assert project.phase == offer and project.version == 2
    assert PhaseChange.objects.filter(
        project=project, from_phase=contacted, to_phase=offer, user=alice
    ).exists()


def test_a_stale_drop_shows_the_conflict_and_the_current_state(client_for, process, alice, carol):
    project = make_project(process=process, owner=alice)
    contacted, offer, negotiation = (
        phase(process, n) for n in ("Contacted", "Offer", "Negotiation")
    )
    client_for(carol).post(
        reverse("sales:project_move", args=[project.pk]),
        {"phase": negotiation.pk, "process": process.pk, "version": 1},
    )
    response = client_for(alice).post(
        reverse("sales:project_move", args=[project.pk]),
        {
            "phase": offer.pk,
            "process": process.pk,
            "version": 1,
            "board": "1",
            "board_process": process.pk,
            "board_query": "",
            "from_phase": contacted.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "Someone changed this project" in page
    assert (
        f'id="col-{negotiation.pk}"' in page and f'id="col-{contacted.pk}"' in page
    )  # where it really is now
    project.refresh_from_db()
    assert project.phase == negotiation


def test_dropping_a_colleagues_card_is_refused(client_for, process, alice, bob):
    project = make_project(process=process, owner=bob)
    response = client_for(alice).post(
        reverse("sales:project_move", args=[project.pk]),
        {
            "phase": phase(process, "Offer").pk,
            "process": process.pk,
            "version": 1,
            "board": "1",
            "board_process": process.pk,
            "board_query": "",
            "from_phase": project.phase_id,
        },
        HTTP_HX_REQUEST="true",
    )
    assert "You may not move this project" in response.content.decode()
    project.refresh_from_db()
    assert project.phase.name == "Contacted"


def test_the_move_dialog_changes_phase_process_and_owner_in_one_step(
    client_for, process, carol, alice
):
    target = make_process(name="Service")
    project = make_project(process=process, owner=None)
    client = client_for(carol)
    dialog = client.get(
        reverse("sales:project_move", args=[project.pk]),
        {"process": target.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'name="phase"' in dialog and f'value="{phase(target, "Contacted").pk}"' in dialog
    response = client.post(
        reverse("sales:project_move", args=[project.pk]),
        {
            "process": target.pk,
            "phase": phase(target, "Offer").pk,
            "owner": alice.pk,
            "version": 1,
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.process, project.phase.name, project.owner) == (target, "Offer", alice)


def test_the_move_dialog_asks_for_a_lost_reason(client_for, process, alice):
    project = make_project(process=process, owner=alice)
    response = client_for(alice).post(
        reverse("sales:project_move", args=[project.pk]),
        {
            "process": process.pk,
            "phase": phase(process, "Lost").pk,
            "version": 1,
        },
    )
    assert response.status_code == 200 and "Please give a reason" in response.content.decode()
    reason = LostReason.objects.get(name="Price")
    client_for(alice).post(
        reverse("sales:project_move", args=[project.pk]),
        {
            "process": process.pk,
            "phase": phase(process, "Lost").pk,
            "version": 1,
            "lost_reason": reason.pk,
        },
    )
    project.refresh_from_db()
    assert project.lost_reason == reason and project.closed_at is not None


# --- list -----------------------------------------------------------------------------------


def list_titles(response) -> list[str]:
    return re.findall(r'<a href="/sales/projects/\d+/">([^<]+)</a>', response.content.decode())


def test_the_list_filters_by_two_phases_and_shows_totals_of_the_filtered_set(
    client_for, process, alice
):
    offer, negotiation = phase(process, "Offer"), phase(process, "Negotiation")
    make_project(
        process=process, phase=offer, title="In offer", volume=Decimal("1000"), probability=50
    )
    make_project(
        process=process,
        phase=negotiation,
        title="In negotiation",
        volume=Decimal("2000"),
        probability=75,
    )
    make_project(process=process, title="Just contacted", volume=Decimal("5000"))
    response = client_for(alice).get(
        reverse("sales:project_list") + f"?phase={offer.pk}&phase={negotiation.pk}"
    )
    assert sorted(list_titles(response)) == ["In negotiation", "In offer"]
    page = response.content.decode()
    assert re.search(r'data-testid="total-volume">3,000 EUR<', page)
    assert re.search(r'data-testid="total-weighted">2,000 EUR<', page)


def test_the_list_filters_by_status_owner_and_expected_date(client_for, process, alice, bob):
    import datetime

    make_project(process=process, phase=phase(process, "Won"), owner=alice, title="Won deal")
    make_project(
        process=process,
        owner=alice,
        title="Open soon",
        expected_order_date=datetime.date(2030, 1, 10),
    )
    make_project(
        process=process, owner=bob, title="Bob later", expected_order_date=datetime.date(2030, 6, 1)
    )
    client = client_for(alice)
    base = reverse("sales:project_list") + f"?process={process.pk}"
    assert list_titles(client.get(base + "&status=won")) == ["Won deal"]
    assert list_titles(client.get(base + f"&owner={bob.pk}")) == ["Bob later"]
    assert list_titles(client.get(base + "&expected_from=2030-01-01&expected_to=2030-02-01")) == [
        "Open soon"
    ]


def test_an_htmx_filter_request_gets_only_the_table(client_for, process, alice):
    response = client_for(alice).get(reverse("sales:project_list"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="table"') and "<html" not in page


def test_the_list_query_count_does_not_grow_with_the_number_of_projects(
    client_for, process, alice, django_assert_max_num_queries
):
    from django.test.utils import CaptureQueriesContext

    client = client_for(alice)
    make_project(process=process, owner=alice)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("sales:project_list"))
    for _ in range(60):
        make_project(process=process, owner=alice)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("sales:project_list"))
    # ... and the custom-field definitions and the overview layouts once each (the columns; cached
    # across requests outside the tests), and the standard fields switched off once
    assert real_queries(few) <= 14


def test_the_views_switch_keeping_the_filters(client_for, process, alice):
    page = (
        client_for(alice)
        .get(reverse("sales:project_list") + f"?process={process.pk}&q=pump")
        .content.decode()
    )
    assert f'href="{reverse("sales:project_kanban")}?process={process.pk}&amp;q=pump"' in page
    board = client_for(alice).get(board_url(process, q="pump")).content.decode()
    assert f"{reverse('sales:project_list')}?process={process.pk}&amp;q=pump" in board


def test_bulk_owner_change_and_move(client_for, process, carol, alice):
    projects = [make_project(process=process, owner=None) for _ in range(3)]
    client = client_for(carol)
    ids = [p.pk for p in projects]
    client.post(reverse("sales:project_bulk"), {"ids": ids, "action": "owner", "owner": alice.pk})
    assert SalesProject.objects.filter(pk__in=ids, owner=alice).count() == 3
    client.post(
        reverse("sales:project_bulk"),
        {"ids": ids, "action": "phase", "phase": phase(process, "Offer").pk},
    )
    assert SalesProject.objects.filter(pk__in=ids, phase__name="Offer").count() == 3


def test_bulk_move_reports_skipped_projects(client_for, process, alice, bob):
    mine, theirs = (
        make_project(process=process, owner=alice),
        make_project(process=process, owner=bob),
    )
    response = client_for(alice).post(
        reverse("sales:project_bulk"),
        {
            "ids": [mine.pk, theirs.pk],
            "action": "phase",
            "phase": phase(process, "Offer").pk,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "1 project changed" in page and "1 project skipped" in page


def test_csv_export_of_the_filtered_list_neutralises_formulas(client_for, process, alice):
    make_project(
        process=process, title='=HYPERLINK("http://evil")', customer=make_customer(name="+cmd")
    )
    make_project(title="Other process")
    response = client_for(alice).get(reverse("sales:project_export") + f"?process={process.pk}")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "'+cmd" in body and "Other process" not in body


def test_bulk_export_contains_only_the_selected(client_for, process, alice):
    chosen = make_project(process=process, title="Chosen")
    make_project(process=process, title="Not chosen")
    response = client_for(alice).post(
        reverse("sales:project_bulk"), {"ids": [chosen.pk], "action": "export"}
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Chosen" in body and "Not chosen" not in body


# --- create, edit, detail -------------------------------------------------------------------


def test_create_a_project_for_an_existing_customer(client_for, process, alice):
    customer = make_customer(name="Existing AG")
    response = client_for(alice).post(
        reverse("sales:project_create"),
        {
            "customer_mode": "existing",
            "customer": customer.pk,
            "title": "New pumps",
            "process": process.pk,
            "owner": alice.pk,
            "volume": "2500",
        },
    )
    project = SalesProject.objects.get(title="New pumps")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert (
        project.customer == customer
        and project.phase.name == "Contacted"
        and project.created_by == alice
    )


def test_create_a_project_with_a_new_customer_in_one_form(client_for, process, alice):
    response = client_for(alice).post(
        reverse("sales:project_create"),
        {
            "customer_mode": "new",
            "new-name": "Brand New GmbH",
            "new-kind": "company",
            "new-city": "Hamburg",
            "new-postal_code": "20095",
            "new-country": "DE",
            "title": "First deal",
            "process": process.pk,
            "owner": alice.pk,
            "volume": "100",
        },
    )
    assert response.status_code == 302
    project = SalesProject.objects.select_related("customer").get(title="First deal")
    assert (
        project.customer.name == "Brand New GmbH"
        and project.customer.status == Customer.Status.CUSTOMER
    )


def test_a_likely_duplicate_is_shown_before_the_new_customer_is_created(client_for, process, alice):
    from customers.services import customer_create

    existing = customer_create(
        user=alice, name="Meier Maschinenbau GmbH", city="Köln", postal_code="50667"
    )
    data = {
        "customer_mode": "new",
        "new-name": "Meier Maschinenbau",
        "new-kind": "company",
        "new-city": "Köln",
        "new-postal_code": "50667",
        "new-country": "DE",
        "title": "Dup deal",
        "process": process.pk,
        "owner": alice.pk,
        "volume": "100",
    }
    client = client_for(alice)
    response = client.post(reverse("sales:project_create"), data)
    assert response.status_code == 200 and 'data-testid="duplicates"' in response.content.decode()
    assert not SalesProject.objects.filter(title="Dup deal").exists()
    # what was typed is kept
    assert 'value="Dup deal"' in response.content.decode()
    response = client.post(reverse("sales:project_create"), {**data, "use_customer": existing.pk})
    assert SalesProject.objects.get(title="Dup deal").customer == existing
    client.post(
        reverse("sales:project_create"),
        {**data, "title": "Second", "new-confirm_not_duplicate": "on"},
    )
    assert SalesProject.objects.get(title="Second").customer != existing


def test_create_keeps_the_input_and_shows_errors_next_to_the_fields(client_for, process, alice):
    response = client_for(alice).post(
        reverse("sales:project_create"),
        {
            "customer_mode": "existing",
            "title": "",
            "process": process.pk,
            "owner": alice.pk,
            "volume": "abc",
        },
    )
    page = response.content.decode()
    assert (
        response.status_code == 200 and "invalid-feedback" in page and "Choose a customer" in page
    )


def test_the_customer_search_offers_matching_customers(client_for, alice):
    from customers.services import customer_create

    customer_create(user=alice, name="Findme Industries")
    page = (
        client_for(alice)
        .get(reverse("sales:customer_search"), {"customer_q": "findme"})
        .content.decode()
    )
    assert "Findme Industries" in page


def test_edit_saves_fields_and_refuses_a_stale_version_keeping_the_input(
    client_for, process, alice
):
    project = make_project(process=process, owner=alice)
    client = client_for(alice)
    url = reverse("sales:project_update", args=[project.pk])
    client.post(url, {"title": "Renamed", "volume": "10", "version": 1})
    project.refresh_from_db()
    assert project.title == "Renamed" and project.version == 2
    response = client.post(url, {"title": "Late edit", "volume": "10", "version": 1})
    page = response.content.decode()
    assert "Someone changed this project" in page and 'value="Late edit"' in page
    assert 'name="version" value="2"' in page


def test_a_salesperson_cannot_edit_a_colleagues_project(client_for, process, alice, bob):
    project = make_project(process=process, owner=bob)
    assert (
        client_for(alice).get(reverse("sales:project_update", args=[project.pk])).status_code == 403
    )
    assert (
        client_for(alice).get(reverse("sales:project_move", args=[project.pk])).status_code == 403
    )


def test_the_detail_shows_phase_history_and_the_buying_center(client_for, process, alice):
    from sales import services

    project = services.project_create(
        customer=make_customer(), process=process, title="Detailed", user=alice, owner=alice
    )
    services.project_move(
        project=project, phase=phase(process, "Offer"), user=alice, expected_version=1
    )
    contact = make_contact(customer=project.customer, last_name="Buyerperson")
    client = client_for(alice)
    client.post(
        reverse("sales:project_contact_add", args=[project.pk]),
        {"contact": contact.pk, "role": "decision_maker"},
    )
    page = client.get(project.get_absolute_url()).content.decode()
    history = page[page.index('data-testid="phase-history"') :]
    assert history.index("Offer") < history.index("Contacted")
    assert "Buyerperson" in page and "Decision maker" in page
    link = project.project_contacts.get()
    client.post(reverse("sales:project_contact_remove", args=[project.pk, link.pk]))
    assert not project.project_contacts.exists()


def test_a_closed_project_can_be_reopened_from_the_detail(client_for, process, alice):
    project = make_project(process=process, phase=phase(process, "Won"), owner=alice)
    client = client_for(alice)
    assert 'data-testid="reopen"' in client.get(project.get_absolute_url()).content.decode()
    client.post(reverse("sales:project_reopen", args=[project.pk]), {"version": 1})
    project.refresh_from_db()
    assert project.phase.outcome == "open" and project.closed_at is None


def test_the_dashboard_shows_my_open_pipeline(client_for, process, alice):
    make_project(process=process, owner=alice, volume=Decimal("1234"))
    make_project(process=process, phase=phase(process, "Won"), owner=alice, volume=Decimal("99999"))
    page = client_for(alice).get("/").content.decode()
    widget = page[page.index('data-testid="widget-pipeline"') :]
    assert re.search(r'data-testid="pipeline-count">1<', widget) and "1,234 EUR" in widget
