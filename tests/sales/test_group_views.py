"""The project groups pages, grouping from the list and the project page, badges, conflicts, and
totals that count an alternatives group once; roles and tenants."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import schema_context

from sales.models import ConflictDismissal, LostReason, ProjectGroup, SalesProject
from tests.builders.customers import make_customer
from tests.builders.sales import group_type, make_group, make_process, make_project
from tests.sales.test_views import board_url, real_queries


def phase(process, name):
    return process.phases.get(name=name)


@pytest.fixture
def process(tenant):
    return make_process(name="Board", order=0)


def groups_url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("sales:group_list") + (f"?{query}" if query else "")


def row_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-group-id="(\d+)"', page)]


@pytest.fixture
def rivals(process, alice, bob):
    """Two open offers of alice and bob for the same customer: a possible conflict."""
    customer = make_customer(name="Kessler Pumpen")
    a = make_project(
        process=process,
        phase=phase(process, "Offer"),
        owner=alice,
        customer=customer,
        title="Alice's offer",
        volume=Decimal("4000"),
        probability=50,
    )
    b = make_project(
        process=process,
        phase=phase(process, "Negotiation"),
        owner=bob,
        customer=customer,
        title="Bob's offer",
        volume=Decimal("3000"),
        probability=75,
    )
    return a, b


# --- the list ---------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login(client_for):
    response = client_for(None).get(reverse("sales:group_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_list_shows_type_members_owners_value_weighted_value_and_status(
    client_for, process, alice, bob
):
    parts = [
        make_project(
            process=process,
            phase=phase(process, "Offer"),
            owner=alice,
            volume=Decimal("1000"),
            probability=50,
        ),
        make_project(
            process=process, phase=phase(process, "Won"), owner=bob, volume=Decimal("2000")
        ),
    ]
    make_group(projects=parts, name="Plant Nord", type="subprojects")
    page = client_for(alice).get(reverse("sales:group_list")).content.decode()
    row = page[page.index("Plant Nord") :]
    row = row[: row.index("</tr>")]
    assert "Sub-projects" in row and ">2</td>" in row and "Alice Tester, Bob Tester" in row
    assert "3,000 EUR" in row and "2,500 EUR" in row and "Mixed" in row


def test_the_list_filters_by_type_status_owner_team_and_text(client_for, process, alice, bob):
    customer = make_customer(name="Zander Werke")
    alts = make_group(
        projects=[
            make_project(process=process, owner=alice, customer=customer),
            make_project(process=process, owner=alice, customer=customer),
        ],
        name="Alpha alts",
    )
    subs = make_group(
        projects=[make_project(process=process, phase=phase(process, "Won"), owner=bob)],
        name="Bob parts",
        type="subprojects",
    )
    client = client_for(alice)
    assert row_ids(client.get(groups_url(type=group_type("subprojects").pk)).content.decode()) == [
        subs.pk
    ]
    assert row_ids(client.get(groups_url(status="won")).content.decode()) == [subs.pk]
    assert row_ids(client.get(groups_url(status="open")).content.decode()) == [alts.pk]
    assert row_ids(client.get(groups_url(owner=bob.pk)).content.decode()) == [subs.pk]
    assert row_ids(client.get(groups_url(team=alice.team_id)).content.decode()) == [alts.pk]
    assert row_ids(client.get(groups_url(q="zander")).content.decode()) == [alts.pk]
    assert row_ids(client.get(groups_url(q="bob parts")).content.decode()) == [subs.pk]


def test_an_htmx_filter_request_gets_the_table_and_the_conflicts_out_of_band(
    client_for, alice, rivals
):
    page = (
        client_for(alice)
        .get(groups_url(owner=alice.pk), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="table")
        .content.decode()
    )
    assert page.lstrip().startswith('<div id="table">') and "<html" not in page
    assert (
        'id="conflicts"' in page
        and 'hx-swap-oob="outerHTML"' in page
        and "Alice&#x27;s offer" in page
    )
    conflicts = (
        client_for(alice)
        .get(groups_url(cpage=1), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="conflicts")
        .content.decode()
    )
    assert (
        conflicts.lstrip().startswith('<section id="conflicts"') and "hx-swap-oob" not in conflicts
    )


def test_the_groups_page_query_count_is_flat_from_10_to_500_groups(
    client_for, process, alice, bob, django_assert_max_num_queries
):
    from django.utils import timezone

    from sales import services

    client = client_for(alice)
    customers = [make_customer() for _ in range(2)]
    offer = phase(process, "Offer")

    def add_groups(n: int) -> None:
        groups = ProjectGroup.objects.bulk_create(
            ProjectGroup(name=f"G{i}", type=group_type()) for i in range(n)
        )
        SalesProject.objects.bulk_create(
            SalesProject(
                customer=customers[i % 2],
                process=process,
                phase=offer,
                owner=owner,
                title="P",
                volume=Decimal("100"),
                probability=50,
                phase_entered_at=timezone.now(),
                group=group,
            )
            for group in groups
            for i, owner in enumerate((alice, bob))
        )
        # a competing offer beside each group, for the conflicts list
        SalesProject.objects.bulk_create(
            SalesProject(
                customer=customers[1],
                process=process,
                phase=offer,
                owner=alice,
                title="Rival",
                volume=Decimal("100"),
                probability=50,
                phase_entered_at=timezone.now(),
            )
            for _ in range(n // 10)
        )
        services.group_rollup_refresh(group_ids=None)
        services.competition_refresh(customer_ids=None)

    add_groups(10)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("sales:group_list")).status_code == 200
    add_groups(490)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("sales:group_list")).content.decode()
    assert len(row_ids(page)) == 50 and 'data-testid="conflicts-next"' in page
    assert real_queries(few) <= 12


# --- one group --------------------------------------------------------------------------------


def test_the_group_page_shows_members_across_processes_and_the_timeline(
    client_for, process, alice, bob
):
    service = make_process(name="Service")
    a = make_project(
        process=process,
        phase=phase(process, "Offer"),
        owner=alice,
        title="Machine",
        volume=Decimal("5000"),
        probability=50,
    )
    b = make_project(
        process=service,
        phase=phase(service, "Negotiation"),
        owner=bob,
        title="Maintenance",
        volume=Decimal("1000"),
        probability=75,
    )
    group = make_group(projects=[a, b], name="Line 3", type="subprojects", main_project=a)
    page = client_for(alice).get(reverse("sales:group_detail", args=[group.pk])).content.decode()
    assert (
        "Machine" in page and "Maintenance" in page and "Service" in page and "Negotiation" in page
    )
    assert "Bob Tester" in page and "6,000 EUR" in page and "3,250 EUR" in page
    assert f"?group={group.pk}" in page  # the timeline slot


def test_only_who_may_edit_every_member_edits_the_group(client_for, process, alice, bob, carol):
    group = make_group(projects=[make_project(process=process, owner=alice)], name="Old")
    assert client_for(bob).get(reverse("sales:group_update", args=[group.pk])).status_code == 403
    assert client_for(bob).post(reverse("sales:group_delete", args=[group.pk])).status_code == 403
    page = client_for(alice).get(reverse("sales:group_detail", args=[group.pk])).content.decode()
    assert 'data-testid="group-edit"' in page
    assert (
        'data-testid="group-edit"'
        not in client_for(bob).get(reverse("sales:group_detail", args=[group.pk])).content.decode()
    )
    response = client_for(carol).post(
        reverse("sales:group_update", args=[group.pk]),
        {
            "name": "New",
            "type": group_type("subprojects").pk,
            "main_project": "",
            "description": "Two sites",
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.type.key, group.description) == ("New", "subprojects", "Two sites")
    client_for(alice).post(reverse("sales:group_delete", args=[group.pk]))
    assert not ProjectGroup.objects.filter(pk=group.pk).exists()


def test_a_bad_group_edit_keeps_what_was_typed(client_for, process, alice):
    group = make_group(projects=[make_project(process=process, owner=alice)], name="Old")
    page = (
        client_for(alice)
        .post(
            reverse("sales:group_update", args=[group.pk]),
            {"name": "", "type": group_type().pk, "description": "kept text"},
        )
        .content.decode()
    )
    assert "kept text" in page and "invalid-feedback" in page


# --- grouping from the list and the project page ----------------------------------------------


def test_grouping_selected_projects_from_the_list(client_for, process, alice, bob):
    mine = [make_project(process=process, owner=alice) for _ in range(2)]
    response = client_for(alice).post(
        reverse("sales:project_bulk"),
        {
            "ids": [p.pk for p in mine],
            "action": "group",
            "group_type": group_type("subprojects").pk,
            "group_name": "New plant",
        },
    )
    group = ProjectGroup.objects.get(name="New plant")
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    assert set(group.members.values_list("pk", flat=True)) == {p.pk for p in mine}
    theirs = make_project(process=process, owner=bob)
    response = client_for(alice).post(
        reverse("sales:project_bulk"),
        {
            "ids": [make_project(process=process, owner=alice).pk, theirs.pk],
            "action": "group",
            "group_type": group_type().pk,
            "group_name": "Not allowed",
        },
        follow=True,
    )
    assert "You may only group projects that you may edit." in response.content.decode()
    assert not ProjectGroup.objects.filter(name="Not allowed").exists()


def test_the_list_offers_the_group_action(client_for, process, alice):
    page = client_for(alice).get(reverse("sales:project_list")).content.decode()
    assert 'value="group"' in page and 'name="group_name"' in page and 'name="group_type"' in page


def test_a_project_joins_a_new_or_an_existing_group_and_leaves_it(client_for, process, alice):
    customer = make_customer()
    first = make_project(process=process, owner=alice, customer=customer, title="First")
    second = make_project(process=process, owner=alice, customer=customer, title="Second")
    client = client_for(alice)
    page = client.get(reverse("sales:project_detail", args=[first.pk])).content.decode()
    assert 'data-testid="group-join"' in page
    client.post(
        reverse("sales:project_group_join", args=[first.pk]),
        {"group": "new", "name": "Both", "type": group_type().pk},
    )
    group = ProjectGroup.objects.get(name="Both")
    page = client.get(reverse("sales:project_detail", args=[second.pk])).content.decode()
    assert f'<option value="{group.pk}">Both (Alternatives)</option>' in page
    client.post(reverse("sales:project_group_join", args=[second.pk]), {"group": str(group.pk)})
    assert set(group.members.values_list("pk", flat=True)) == {first.pk, second.pk}
    page = client.get(reverse("sales:project_detail", args=[first.pk])).content.decode()
    assert (
        'data-testid="group-badge"' in page and "Second" in page
    )  # the badge and the other member
    client.post(reverse("sales:project_group_leave", args=[first.pk]))
    assert list(group.members.values_list("pk", flat=True)) == [second.pk]


def test_joining_needs_a_name_for_a_new_group(client_for, process, alice):
    project = make_project(process=process, owner=alice)
    response = client_for(alice).post(
        reverse("sales:project_group_join", args=[project.pk]),
        {"group": "new", "name": "", "type": group_type().pk},
        follow=True,
    )
    assert "Please give the group a name." in response.content.decode()
    assert not ProjectGroup.objects.exists() or not SalesProject.objects.get(pk=project.pk).group_id


def test_a_colleague_cannot_group_or_ungroup_someone_elses_project(client_for, process, alice, bob):
    project = make_project(process=process, owner=alice)
    assert (
        client_for(bob)
        .post(
            reverse("sales:project_group_join", args=[project.pk]),
            {"group": "new", "name": "X", "type": group_type().pk},
        )
        .status_code
        == 403
    )
    make_group(projects=[project])
    assert (
        client_for(bob).post(reverse("sales:project_group_leave", args=[project.pk])).status_code
        == 403
    )


# --- badges and totals ------------------------------------------------------------------------


def test_cards_and_rows_show_the_group_badge_and_the_conflict_marker(
    client_for, process, alice, rivals
):
    a, b = rivals
    grouped = make_project(process=process, owner=alice, title="Grouped one")
    group = make_group(projects=[grouped], name="My group")
    client = client_for(alice)
    board = client.get(board_url(process)).content.decode()
    listing = client.get(reverse("sales:project_list") + f"?process={process.pk}").content.decode()
    for page in (board, listing):
        assert f'href="{group.get_absolute_url()}"' in page and "My group" in page
        assert page.count('data-testid="conflict-marker"') == 2


def test_kanban_and_list_totals_count_an_alternatives_group_once(client_for, process, alice):
    offer, negotiation = phase(process, "Offer"), phase(process, "Negotiation")
    a = make_project(
        process=process, phase=offer, owner=alice, volume=Decimal("4000"), probability=50
    )  # 2000
    b = make_project(
        process=process, phase=negotiation, owner=alice, volume=Decimal("2000"), probability=75
    )  # 1500
    make_project(
        process=process, phase=negotiation, owner=alice, volume=Decimal("1000"), probability=75
    )  # 750
    make_group(projects=[a, b])
    client = client_for(alice)
    board = client.get(board_url(process)).content.decode()

    def column(phase_obj):
        part = board[board.index(f'id="col-{phase_obj.pk}"') :]
        return part[: part.index("</header>")]

    assert (
        ">1</span>" in column(offer)
        and "4,000 EUR" in column(offer)
        and "2,000 EUR" in column(offer)
    )
    assert ">2</span>" in column(negotiation)  # two cards ...
    assert "1,000 EUR" in column(negotiation) and "750 EUR" in column(negotiation)  # ... one counts
    listing = client.get(reverse("sales:project_list") + f"?process={process.pk}").content.decode()
    assert re.search(r'data-testid="total-count">3<', listing)
    assert re.search(r'data-testid="total-volume">5,000 EUR<', listing)
    assert re.search(r'data-testid="total-weighted">2,750 EUR<', listing)
    # the same group filtered down to one member still counts that member only if it is the counting
    # one
    only_b = client.get(
        reverse("sales:project_list") + f"?process={process.pk}&phase={negotiation.pk}"
    )
    assert re.search(r'data-testid="total-volume">1,000 EUR<', only_b.content.decode())


# --- conflicts on the groups page and the project pages ---------------------------------------


def test_a_conflict_warns_on_both_projects_and_lists_on_the_groups_page(client_for, alice, rivals):
    a, b = rivals
    client = client_for(alice)
    for project, other in ((a, b), (b, a)):
        page = client.get(reverse("sales:project_detail", args=[project.pk])).content.decode()
        assert (
            'data-testid="conflict-warning"' in page and other.title.replace("'", "&#x27;") in page
        )
        assert 'data-testid="conflict-group"' not in page  # alice may not edit bob's offer
    page = client.get(reverse("sales:group_list")).content.decode()
    assert f'data-pair="{a.pk}-{b.pk}"' in page and 'data-testid="conflict-count">1<' in page
    assert "Kessler Pumpen" in page and 'data-testid="conflict-group"' not in page


def test_grouping_a_conflict_as_alternatives_in_one_click(client_for, dave, rivals):
    a, b = rivals
    client = client_for(dave)
    assert (
        'data-testid="conflict-group"' in client.get(reverse("sales:group_list")).content.decode()
    )
    response = client.post(
        reverse("sales:conflict_group", args=[a.pk, b.pk]), {"next": reverse("sales:group_list")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("sales:group_list")
    group = ProjectGroup.objects.get()
    assert group.type.is_alternatives and set(group.members.values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
    }
    page = client.get(reverse("sales:group_list")).content.decode()
    assert 'data-testid="no-conflicts"' in page
    page = client.get(reverse("sales:project_detail", args=[a.pk])).content.decode()
    assert 'data-testid="conflict-warning"' not in page
    again = client.post(
        reverse("sales:conflict_group", args=[a.pk, b.pk]), follow=True
    ).content.decode()
    assert "no longer compete" in again and ProjectGroup.objects.count() == 1


def test_dismissing_a_conflict_from_the_project_page(client_for, carol, process, alice):
    customer = make_customer()
    a = make_project(process=process, phase=phase(process, "Offer"), owner=alice, customer=customer)
    b = make_project(process=process, phase=phase(process, "Offer"), owner=carol, customer=customer)
    client = client_for(carol)  # manager of alice's team: may edit both
    page = client.get(reverse("sales:project_detail", args=[b.pk])).content.decode()
    assert 'data-testid="conflict-dismiss"' in page
    client.post(reverse("sales:conflict_dismiss", args=[b.pk, a.pk]))
    assert ConflictDismissal.objects.filter(project_low=a, project_high=b).exists()
    assert (
        'data-testid="conflict-warning"'
        not in client.get(reverse("sales:project_detail", args=[a.pk])).content.decode()
    )


def test_a_salesperson_cannot_group_or_dismiss_a_colleagues_conflict(client_for, alice, rivals):
    a, b = rivals
    client = client_for(alice)
    client.post(reverse("sales:conflict_group", args=[a.pk, b.pk]))
    client.post(reverse("sales:conflict_dismiss", args=[a.pk, b.pk]))
    assert not ProjectGroup.objects.exists() and not ConflictDismissal.objects.exists()


def test_winning_through_the_move_dialog_closes_the_alternative(client_for, dave, process, rivals):
    a, b = rivals
    make_group(projects=[a, b])
    client_for(dave).post(
        reverse("sales:project_move", args=[a.pk]),
        {"process": process.pk, "phase": phase(process, "Won").pk, "version": a.version},
    )
    b.refresh_from_db()
    assert b.phase.name == "Lost" and b.lost_reason == LostReason.objects.get(
        key=LostReason.ALTERNATIVE_WON
    )


# --- tenants ----------------------------------------------------------------------------------


@pytest.fixture
def beta_ids(tenant, other_tenant):
    """A group and two competing projects that exist only in tenant beta."""
    with schema_context(other_tenant.schema_name):
        customer = make_customer(name="Beta secret customer")
        a = make_project(customer=customer, title="Beta secret a")
        b = make_project(customer=customer, title="Beta secret b")
        group = make_group(projects=[a], name="Beta secret group")
    connection.set_tenant(tenant)
    assert not ProjectGroup.objects.filter(pk=group.pk).exists()
    assert not SalesProject.objects.filter(pk__in=[a.pk, b.pk]).exists()
    return {"group": group.pk, "a": a.pk, "b": b.pk}


@pytest.mark.parametrize(
    "name,method,kind",
    [
        ("group_detail", "get", "group"),
        ("group_update", "get", "group"),
        ("group_update", "post", "group"),
        ("group_delete", "post", "group"),
        ("project_group_join", "post", "project"),
        ("project_group_leave", "post", "project"),
        ("conflict_group", "post", "pair"),
        ("conflict_dismiss", "post", "pair"),
    ],
)
def test_every_group_url_gives_404_for_an_id_of_another_tenant(
    client_for, dave, beta_ids, name, method, kind
):
    args = {
        "group": [beta_ids["group"]],
        "project": [beta_ids["a"]],
        "pair": [beta_ids["a"], beta_ids["b"]],
    }[kind]
    response = getattr(client_for(dave), method)(reverse(f"sales:{name}", args=args))
    assert response.status_code == 404
    assert b"Beta secret" not in response.content


def test_the_groups_page_never_shows_another_tenants_groups_or_conflicts(
    client_for, dave, beta_ids
):
    page = client_for(dave).get(groups_url(q="beta")).content.decode()
    assert "Beta secret" not in page
    assert "Beta secret" not in client_for(dave).get(reverse("sales:group_list")).content.decode()


def test_a_session_of_another_tenant_is_sent_to_the_login(tenant, other_tenant, beta_ids):
    from crm.models import User

    with schema_context(other_tenant.schema_name):
        beta = Client(HTTP_HOST="beta.localhost")
        beta.force_login(User.objects.get(email="dave@beta.test"))
        cookie = beta.cookies["sessionid"].value
    alpha = Client(HTTP_HOST="alpha.localhost")
    alpha.cookies["sessionid"] = cookie
    for url in (
        reverse("sales:group_list"),
        reverse("sales:group_detail", args=[beta_ids["group"]]),
    ):
        response = alpha.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    connection.set_tenant(tenant)


# --- the list reads figures only for the page's groups ----------------------------------------


def test_group_rows_show_their_own_figures_in_every_order_and_status_filter(
    client_for, process, alice
):
    won = phase(process, "Won")
    small = make_group(
        projects=[make_project(process=process, owner=alice, volume=Decimal("100"))],
        name="Small",
        type="subprojects",
    )
    big = make_group(
        projects=[
            make_project(process=process, owner=alice, volume=Decimal("9000")),
            make_project(process=process, owner=alice, volume=Decimal("1000")),
        ],
        name="Big",
        type="subprojects",
    )
    done = make_group(
        projects=[make_project(process=process, owner=alice, phase=won, volume=Decimal("500"))],
        name="Done",
        type="subprojects",
    )
    client = client_for(alice)

    def rows(**params):
        page = client.get(groups_url(**params), HTTP_HX_REQUEST="true").content.decode()
        found = re.findall(
            r'data-group-id="(\d+)".*?<td class="text-end text-nowrap">(\d+)</td>.*?'
            r'<td class="text-end text-nowrap">([\d,]+) EUR</td>',
            page,
            re.S,
        )
        return [(int(pk), int(n), value) for pk, n, value in found]

    assert rows()[:3] == [
        (done.pk, 1, "500"),
        (big.pk, 2, "10,000"),
        (small.pk, 1, "100"),
    ]  # newest first
    assert rows(sort="-value")[:3] == [
        (big.pk, 2, "10,000"),
        (done.pk, 1, "500"),
        (small.pk, 1, "100"),
    ]
    assert rows(status="won") == [(done.pk, 1, "500")]


def test_the_conflicts_fragment_is_only_the_conflicts_with_a_flat_number_of_queries(
    client_for, process, alice, bob, rivals
):
    client = client_for(alice)
    url = groups_url(cpage=1)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="conflicts").content.decode()
    assert (
        page.lstrip().startswith('<section id="conflicts"')
        and 'data-testid="group-table"' not in page
    )
    assert page.count('data-testid="conflict"') == 1
    customer = make_customer()
    for _ in range(30):
        make_project(process=process, owner=alice, customer=customer)
        make_project(process=process, owner=bob, customer=customer)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="conflicts").content.decode()
    assert page.count('data-testid="conflict"') == 5
    assert real_queries(many) <= real_queries(few) <= 8
