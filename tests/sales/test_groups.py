"""Project groups: roll-ups of both types, the alternatives rule, competing offers, permissions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crm import events
from sales import selectors, services
from sales.models import (
    ConflictDismissal,
    GroupType,
    LostReason,
    PhaseChange,
    ProjectGroup,
    SalesProject,
)
from tests.builders.customers import make_customer
from tests.builders.sales import group_type, make_group, make_process, make_project
from tests.sales.test_services import Catch


def phase(process, name):
    return process.phases.get(name=name)


@pytest.fixture
def process(tenant):
    return make_process(name="Groups", order=0)


def totals(projects, group_by=None):
    return selectors.pipeline_rollup(projects=projects, group_by=group_by)


def flags_are_consistent() -> bool:
    """A full recomputation of both stored flags changes nothing."""
    return (
        services.group_rollup_refresh(group_ids=None) == 0
        and services.competition_refresh(customer_ids=None) == 0
    )


# --- the built-in types -----------------------------------------------------------------------


def test_every_tenant_has_the_two_built_in_group_types(tenant):
    types = {t.key: t for t in GroupType.objects.filter(key__isnull=False)}
    assert types["subprojects"].rule == GroupType.Rule.SUM
    assert types["alternatives"].rule == GroupType.Rule.ALTERNATIVES
    assert services.group_types_ensure() == types  # idempotent


def test_a_renamed_built_in_type_is_still_found(tenant):
    GroupType.objects.filter(key="alternatives").update(name="Varianten")
    assert services.group_types_ensure()["alternatives"].name == "Varianten"
    assert GroupType.objects.filter(rule=GroupType.Rule.ALTERNATIVES).count() == 1


# --- roll-ups ---------------------------------------------------------------------------------


def test_a_sub_projects_group_is_worth_the_sum_of_its_members_across_phases(process):
    a = make_project(phase=phase(process, "Contacted"), volume=Decimal("1000"), probability=10)
    b = make_project(phase=phase(process, "Negotiation"), volume=Decimal("2000"), probability=75)
    c = make_project(phase=phase(process, "Won"), volume=Decimal("500"), probability=100)
    group = make_group(projects=[a, b, c], type="subprojects")
    figures = selectors.group_get(pk=group.pk)
    assert (figures.n_members, figures.value, figures.weighted) == (
        3,
        Decimal("3500"),
        Decimal("2100"),
    )
    assert figures.status == ProjectGroup.Status.MIXED
    assert all(
        SalesProject.objects.filter(group=group).values_list("counts_in_pipeline", flat=True)
    )


def test_an_alternatives_group_counts_once_at_its_member_with_the_highest_weighted_value(process):
    small_sure = make_project(
        phase=phase(process, "Negotiation"), volume=Decimal("2000"), probability=75
    )  # 1500
    big_unsure = make_project(
        phase=phase(process, "Contacted"), volume=Decimal("10000"), probability=10
    )  # 1000
    group = make_group(projects=[small_sure, big_unsure])
    figures = selectors.group_get(pk=group.pk)
    assert (figures.n_members, figures.value, figures.weighted) == (
        2,
        Decimal("2000"),
        Decimal("1500"),
    )
    assert figures.status == ProjectGroup.Status.OPEN
    board = SalesProject.objects.filter(process=process)
    assert totals(board)[None].volume == Decimal("2000") and totals(board)[None].count == 2
    by_phase = totals(board, "phase_id")
    assert by_phase[small_sure.phase_id].weighted == Decimal("1500")
    assert by_phase[big_unsure.phase_id].weighted == 0 and by_phase[big_unsure.phase_id].count == 1


def test_the_counting_alternative_follows_changes_of_volume_and_phase(process, alice):
    a = make_project(
        phase=phase(process, "Offer"), volume=Decimal("1000"), probability=50, owner=alice
    )  # 500
    b = make_project(
        phase=phase(process, "Offer"), volume=Decimal("800"), probability=50, owner=alice
    )  # 400
    make_group(projects=[a, b])
    services.project_update(
        project=b, user=alice, expected_version=1, data={"volume": Decimal("3000")}
    )
    assert list(
        SalesProject.objects.filter(pk__in=[a.pk, b.pk])
        .order_by("pk")
        .values_list("counts_in_pipeline", flat=True)
    ) == [False, True]
    services.project_move(
        project=a, phase=phase(process, "Negotiation"), user=alice, expected_version=1
    )  # 750
    b.refresh_from_db()
    services.project_move(
        project=b, phase=phase(process, "Contacted"), user=alice, expected_version=b.version
    )  # 300
    assert list(
        SalesProject.objects.filter(pk__in=[a.pk, b.pk])
        .order_by("pk")
        .values_list("counts_in_pipeline", flat=True)
    ) == [True, False]
    assert flags_are_consistent()


def test_the_dashboard_forecast_counts_an_alternatives_group_once(process, alice):
    from django.utils import timezone

    month = timezone.localdate().replace(day=15)
    a = make_project(
        phase=phase(process, "Offer"),
        volume=Decimal("1000"),
        probability=50,
        owner=alice,
        expected_order_date=month,
    )
    b = make_project(
        phase=phase(process, "Offer"),
        volume=Decimal("900"),
        probability=50,
        owner=alice,
        expected_order_date=month,
    )
    make_group(projects=[a, b])
    widget = selectors.dashboard_pipeline(user=alice)
    assert widget["total"].count == 2 and widget["total"].volume == Decimal("1000")
    assert widget["forecast"][0][1].weighted == Decimal("500")


def test_changing_the_type_of_a_group_changes_how_it_counts(process, dave):
    a = make_project(phase=phase(process, "Offer"), volume=Decimal("1000"), probability=50)
    b = make_project(phase=phase(process, "Offer"), volume=Decimal("900"), probability=50)
    group = make_group(projects=[a, b], type="subprojects")
    assert selectors.group_get(pk=group.pk).value == Decimal("1900")
    services.group_update(
        group=group, user=dave, name="Now alternatives", group_type=group_type("alternatives")
    )
    assert selectors.group_get(pk=group.pk).value == Decimal("1000")
    services.group_delete(group=group, user=dave)
    assert totals(SalesProject.objects.filter(pk__in=[a.pk, b.pk]))[None].volume == Decimal("1900")
    assert flags_are_consistent()


# --- winning an alternative -------------------------------------------------------------------


def test_winning_one_alternative_closes_the_other_open_ones_and_only_those(
    process, alice, bob, dave
):
    won_phase, lost_phase = phase(process, "Won"), phase(process, "Lost")
    winner = make_project(phase=phase(process, "Offer"), owner=alice, title="Winner")
    rival = make_project(phase=phase(process, "Negotiation"), owner=bob, title="Rival")
    third = make_project(phase=phase(process, "Contacted"), owner=bob, title="Third")
    already_lost = make_project(
        phase=lost_phase, owner=bob, lost_reason=LostReason.objects.get(name="Price")
    )
    make_group(projects=[winner, rival, third, already_lost])
    bystander = make_project(phase=phase(process, "Offer"), owner=bob, customer=winner.customer)
    other_group = make_group(projects=[make_project(phase=phase(process, "Offer"))])

    with Catch(events.alternative_closed) as closed, Catch(events.project_lost) as lost:
        result = services.project_move(
            project=winner, phase=won_phase, user=alice, expected_version=1
        )

    assert result.project.pk == winner.pk and result.project.phase == won_phase
    assert sorted(p.pk for p in result.closed_alternatives) == sorted([rival.pk, third.pk])
    assert not hasattr(
        result.project, "closed_alternatives"
    )  # told by the result, not hung on the model
    reason = LostReason.objects.get(key=LostReason.ALTERNATIVE_WON)
    for project in (rival, third):
        project.refresh_from_db()
        assert (
            project.phase == lost_phase
            and project.lost_reason == reason
            and project.closed_at is not None
        )
        change = PhaseChange.objects.filter(project=project).first()
        assert change.to_phase == lost_phase and change.user == alice
    assert {c["project"].pk for c in closed.calls} == {rival.pk, third.pk}
    assert all(
        c["winner"].pk == winner.pk and c["group"].pk == winner.group_id and c["user"] == alice
        for c in closed.calls
    )
    assert {c["project"].pk for c in lost.calls} == {rival.pk, third.pk}
    from activity.models import Activity  # the activity log listens to alternative_closed

    assert set(
        Activity.objects.filter(kind=Activity.Kind.ALTERNATIVE_CLOSED).values_list(
            "project_id", flat=True
        )
    ) == {rival.pk, third.pk}
    already_lost.refresh_from_db()
    assert (
        already_lost.lost_reason.name == "Price"
        and not PhaseChange.objects.filter(project=already_lost).exists()
    )
    bystander.refresh_from_db()
    assert bystander.phase.name == "Offer"
    assert SalesProject.objects.get(group=other_group).phase.name == "Offer"
    assert selectors.group_get(pk=winner.group_id).status == ProjectGroup.Status.WON
    assert not reason.is_active  # applied by the system, not offered for closing by hand
    assert flags_are_consistent()


def test_a_bulk_move_into_won_closes_the_alternatives_too(process, dave):
    winner = make_project(phase=phase(process, "Offer"))
    rival = make_project(phase=phase(process, "Offer"))
    make_group(projects=[winner, rival])
    services.project_bulk_move(project_ids=[winner.pk], phase=phase(process, "Won"), user=dave)
    rival.refresh_from_db()
    assert rival.phase.name == "Lost" and rival.lost_reason.key == LostReason.ALTERNATIVE_WON


def test_winning_a_sub_project_closes_nothing(process, dave):
    part = make_project(phase=phase(process, "Offer"))
    other = make_project(phase=phase(process, "Offer"))
    make_group(projects=[part, other], type="subprojects")
    services.project_move(project=part, phase=phase(process, "Won"), user=dave, expected_version=1)
    other.refresh_from_db()
    assert other.phase.name == "Offer"


def test_only_one_alternative_can_be_won(process, dave):
    won = make_project(phase=phase(process, "Won"))
    lost = make_project(phase=phase(process, "Lost"), lost_reason=LostReason.objects.first())
    make_group(projects=[won, lost])
    reopened = services.project_reopen(project=lost, user=dave, expected_version=1)
    with pytest.raises(ValidationError, match="already been won"):
        services.project_move(
            project=reopened,
            phase=phase(process, "Won"),
            user=dave,
            expected_version=reopened.version,
        )


def test_a_win_that_cannot_close_an_alternative_saves_nothing(process, dave):
    no_lost_phase = make_process(phases=["Open"])
    winner = make_project(phase=phase(process, "Offer"))
    rival = make_project(process=no_lost_phase)
    make_group(projects=[winner, rival])
    with pytest.raises(ValidationError, match="no lost phase"):
        services.project_move(
            project=winner, phase=phase(process, "Won"), user=dave, expected_version=1
        )
    winner.refresh_from_db()
    assert winner.phase.name == "Offer" and not PhaseChange.objects.filter(project=winner).exists()


def test_a_failing_listener_undoes_the_win_and_every_closed_alternative(process, dave):
    winner = make_project(phase=phase(process, "Offer"))
    rival = make_project(phase=phase(process, "Offer"))
    make_group(projects=[winner, rival])

    def fail(sender, **kwargs):
        raise RuntimeError("listener down")

    events.alternative_closed.connect(fail, dispatch_uid="test-fail")
    try:
        with pytest.raises(RuntimeError):
            services.project_move(
                project=winner, phase=phase(process, "Won"), user=dave, expected_version=1
            )
    finally:
        events.alternative_closed.disconnect(dispatch_uid="test-fail")
    assert set(
        SalesProject.objects.filter(pk__in=[winner.pk, rival.pk]).values_list(
            "phase__name", flat=True
        )
    ) == {"Offer"}
    assert not LostReason.objects.filter(key=LostReason.ALTERNATIVE_WON).exists()


def test_the_alternative_won_reason_reuses_one_an_admin_made(tenant):
    made = LostReason.objects.create(name="Alternative won", order=3)
    assert services.lost_reason_alternative_won() == made
    made.refresh_from_db()
    assert made.key == LostReason.ALTERNATIVE_WON and made.is_active


# --- membership and its rules -----------------------------------------------------------------


def test_a_group_is_created_from_projects_that_are_not_grouped_yet(process, alice):
    a = make_project(phase=phase(process, "Offer"), owner=alice)
    b = make_project(phase=phase(process, "Offer"), owner=alice)
    group = services.group_create(
        name=" Plant ", group_type=group_type("subprojects"), projects=[a, b], user=alice
    )
    assert group.name == "Plant" and group.created_by == alice
    assert set(group.members.values_list("pk", flat=True)) == {a.pk, b.pk}
    with pytest.raises(ValidationError, match="Already in a group"):
        services.group_create(name="Again", group_type=group_type(), projects=[a], user=alice)
    with pytest.raises(ValidationError):
        services.group_create(
            name=" ", group_type=group_type(), projects=[make_project(owner=alice)], user=alice
        )


def test_alternatives_cannot_mix_a_won_project_with_open_ones(process, dave):
    won = make_project(phase=phase(process, "Won"))
    open_one = make_project(phase=phase(process, "Offer"))
    with pytest.raises(ValidationError, match="already been won"):
        services.group_create(
            name="X", group_type=group_type(), projects=[won, open_one], user=dave
        )
    group = services.group_create(
        name="X", group_type=group_type("subprojects"), projects=[won, open_one], user=dave
    )
    with pytest.raises(ValidationError):
        services.group_update(group=group, user=dave, name="X", group_type=group_type())


def test_grouping_needs_edit_rights_on_every_project(process, alice, bob, carol):
    mine = make_project(phase=phase(process, "Offer"), owner=alice)
    theirs = make_project(phase=phase(process, "Offer"), owner=bob)
    with pytest.raises(PermissionDenied):
        services.group_create(
            name="X", group_type=group_type(), projects=[mine, theirs], user=alice
        )
    with pytest.raises(PermissionDenied):  # carol manages North (alice), not South (bob)
        services.group_create(
            name="X", group_type=group_type(), projects=[mine, theirs], user=carol
        )
    group = services.group_create(name="X", group_type=group_type(), projects=[mine], user=carol)
    with pytest.raises(PermissionDenied):
        services.group_add_project(
            group=group, project=theirs, user=bob
        )  # bob may not edit alice's group
    with pytest.raises(PermissionDenied):
        services.group_remove_project(project=mine, user=bob)
    services.group_remove_project(project=mine, user=alice)
    assert not ProjectGroup.objects.get(pk=group.pk).members.exists()


def test_removing_the_main_project_clears_it_and_the_project_counts_again(process, dave):
    a = make_project(phase=phase(process, "Offer"), volume=Decimal("100"))
    b = make_project(phase=phase(process, "Offer"), volume=Decimal("900"))
    group = make_group(projects=[a, b], main_project=a)
    assert not SalesProject.objects.get(pk=a.pk).counts_in_pipeline
    services.group_remove_project(project=a, user=dave)
    group.refresh_from_db()
    assert group.main_project is None and SalesProject.objects.get(pk=a.pk).counts_in_pipeline
    assert flags_are_consistent()


# --- competing offers -------------------------------------------------------------------------


def test_open_offers_of_two_owners_for_one_customer_compete(process, alice, bob):
    customer = make_customer()
    a = make_project(phase=phase(process, "Offer"), owner=alice, customer=customer)
    b = make_project(phase=phase(process, "Contacted"), owner=bob, customer=customer)
    a2 = make_project(
        phase=phase(process, "Offer"), owner=alice, customer=customer
    )  # competes with b only
    make_project(phase=phase(process, "Won"), owner=bob, customer=customer)  # closed: no conflict
    make_project(
        process=make_process(kind="lead"), owner=bob, customer=customer
    )  # a lead: no offer
    make_project(
        process=make_process(kind="other"), owner=bob, customer=customer
    )  # purchasing: no offer
    make_project(phase=phase(process, "Offer"), owner=bob)  # another customer
    page = selectors.conflict_page()
    assert {(c.a.pk, c.b.pk) for c in page.conflicts} == {(a.pk, b.pk), (b.pk, a2.pk)}
    assert all(c.customer == customer for c in page.conflicts)
    assert [c.b.pk for c in selectors.project_conflicts(project=a)] == [b.pk]
    assert set(SalesProject.objects.filter(has_competitor=True).values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
        a2.pk,
    }
    assert flags_are_consistent()


def test_grouping_competing_offers_as_alternatives_clears_the_conflict(process, alice, bob, dave):
    customer = make_customer(name="Müller Maschinenbau")
    a = make_project(phase=phase(process, "Offer"), owner=alice, customer=customer)
    b = make_project(phase=phase(process, "Offer"), owner=bob, customer=customer)
    group = services.conflict_group_as_alternatives(project_a=a, project_b=b, user=dave)
    assert group.type.is_alternatives and "Müller Maschinenbau" in group.name
    assert not selectors.project_conflicts(project=a)
    assert not SalesProject.objects.filter(pk__in=[a.pk, b.pk], has_competitor=True).exists()
    c = make_project(phase=phase(process, "Offer"), owner=bob, customer=customer)
    assert [(x.a.pk, x.b.pk) for x in selectors.project_conflicts(project=c)] == [
        (a.pk, c.pk)
    ]  # a is grouped
    joined = services.conflict_group_as_alternatives(project_a=a, project_b=c, user=dave)
    assert joined == group and set(group.members.values_list("pk", flat=True)) == {a.pk, b.pk, c.pk}
    assert flags_are_consistent()


def test_a_dismissed_pair_no_longer_warns_but_a_new_rival_does(process, alice, bob, dave):
    customer = make_customer()
    a = make_project(phase=phase(process, "Offer"), owner=alice, customer=customer)
    b = make_project(phase=phase(process, "Offer"), owner=bob, customer=customer)
    services.conflict_dismiss(project_a=b, project_b=a, user=dave)
    assert ConflictDismissal.objects.get().project_low_id == min(a.pk, b.pk)
    assert not selectors.project_conflicts(project=a)
    assert not SalesProject.objects.filter(pk__in=[a.pk, b.pk], has_competitor=True).exists()
    c = make_project(phase=phase(process, "Offer"), owner=bob, customer=customer)
    assert {x.a.pk for x in selectors.project_conflicts(project=c)} == {a.pk}


def test_dismissing_or_grouping_a_conflict_needs_edit_rights_on_both(process, alice, bob):
    customer = make_customer()
    a = make_project(phase=phase(process, "Offer"), owner=alice, customer=customer)
    b = make_project(phase=phase(process, "Offer"), owner=bob, customer=customer)
    with pytest.raises(PermissionDenied):
        services.conflict_dismiss(project_a=a, project_b=b, user=alice)
    with pytest.raises(PermissionDenied):
        services.conflict_group_as_alternatives(project_a=a, project_b=b, user=bob)


def test_competition_follows_owner_changes_reopening_and_customer_changes(
    process, alice, bob, dave
):
    customer, elsewhere = make_customer(), make_customer()
    a = make_project(phase=phase(process, "Offer"), owner=alice, customer=customer)
    b = make_project(
        phase=phase(process, "Lost"),
        owner=alice,
        customer=customer,
        lost_reason=LostReason.objects.first(),
    )
    assert not selectors.project_conflicts(project=a)
    b = services.project_change_owner(project=b, owner=bob, user=dave)
    b = services.project_reopen(project=b, user=dave, expected_version=b.version)
    assert (
        SalesProject.objects.get(pk=a.pk).has_competitor
        and len(selectors.project_conflicts(project=a)) == 1
    )
    services.project_update(
        project=b, user=dave, expected_version=b.version, data={"customer": elsewhere}
    )
    assert not SalesProject.objects.get(pk=a.pk).has_competitor and not selectors.project_conflicts(
        project=a
    )
    assert flags_are_consistent()


def test_a_stale_flag_never_invents_a_conflict(process, alice, bob):
    customer = make_customer()
    a = make_project(phase=phase(process, "Offer"), owner=alice, customer=customer)
    b = make_project(phase=phase(process, "Offer"), owner=alice, customer=customer)
    SalesProject.objects.filter(pk__in=[a.pk, b.pk]).update(has_competitor=True)
    assert selectors.conflict_page().count == 0


def test_the_conflicts_list_pages_newest_first(process, alice, bob):
    made = []
    for _i in range(5):
        customer = make_customer()
        made.append(
            (
                make_project(phase=phase(process, "Offer"), owner=alice, customer=customer),
                make_project(phase=phase(process, "Offer"), owner=bob, customer=customer),
            )
        )
    first = selectors.conflict_page(number=1, per_page=2)
    third = selectors.conflict_page(number=3, per_page=2)
    assert first.count == 5 and first.num_pages == 3 and first.has_next and not first.has_previous
    assert [c.b.pk for c in first.conflicts] == [made[4][1].pk, made[3][1].pk]
    assert [c.b.pk for c in third.conflicts] == [made[0][1].pk] and not third.has_next
    assert selectors.conflict_page(owner_ids={alice.pk}).count == 5
    assert selectors.conflict_page(owner_ids={-1}).count == 0


def test_customer_overview_counts_an_alternatives_group_once(tenant, client_for, dave):
    from tests.builders.customers import make_customer
    from tests.builders.sales import make_group, make_project

    customer = make_customer(name="Alternatives Overview AG")
    cheap = make_project(customer=customer, volume=100_000)
    dear = make_project(customer=customer, volume=300_000)
    make_group(projects=[cheap, dear])
    html = client_for(dave).get("/customers/?q=Alternatives+Overview").content.decode()
    row = html[html.index("Alternatives Overview AG") :]
    row = row[: row.index("</tr>")]
    assert "300,000" in row and "400,000" not in row
