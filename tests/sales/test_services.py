"""The project rules of sales.services."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crm import events
from sales import services
from sales.models import LostReason, Phase, PhaseChange, Process, SalesProject
from sales.services import ConcurrentUpdate
from tests.builders.customers import make_customer
from tests.builders.sales import make_process, make_project


def phase(process, name):
    return process.phases.get(name=name)


class Catch:
    """Collects the keyword arguments of every sending of one event."""

    def __init__(self, signal):
        self.calls, self.signal = [], signal

    def __enter__(self):
        self.signal.connect(self.receive, dispatch_uid=f"catch-{id(self)}")
        return self

    def receive(self, sender, **kwargs):
        self.calls.append(kwargs)

    def __exit__(self, *exc):
        self.signal.disconnect(dispatch_uid=f"catch-{id(self)}")


def test_a_new_project_starts_in_the_first_open_phase_with_its_probability_and_history(alice):
    process = make_process()
    with Catch(events.project_created) as created:
        project = services.project_create(
            customer=make_customer(),
            process=process,
            title="Pumps",
            user=alice,
            owner=alice,
            volume=Decimal("5000"),
        )
    assert project.phase.name == "Contacted" and project.probability == 10 and project.version == 1
    assert not project.probability_overridden and project.phase_entered_at is not None
    assert created.calls[0]["project"] == project and created.calls[0]["user"] == alice
    change = PhaseChange.objects.get(project=project)
    assert change.from_phase is None and change.to_phase == project.phase and change.user == alice


def test_a_probability_other_than_the_phase_default_is_kept_as_an_override(alice):
    project = services.project_create(
        customer=make_customer(),
        process=make_process(),
        title="X",
        user=alice,
        owner=alice,
        probability=33,
    )
    assert project.probability == 33 and project.probability_overridden


def test_a_salesperson_cannot_create_a_project_for_a_colleague(alice, bob):
    with pytest.raises(PermissionDenied):
        services.project_create(
            customer=make_customer(), process=make_process(), title="X", user=alice, owner=bob
        )


def test_moving_into_a_won_phase_sets_probability_100_and_closed_at_and_records_the_change(alice):
    process = make_process()
    project = make_project(process=process, owner=alice)
    with Catch(events.project_phase_changed) as moved, Catch(events.project_won) as won:
        project = services.project_move(
            project=project, phase=phase(process, "Won"), user=alice, expected_version=1
        ).project
    assert project.probability == 100 and project.closed_at is not None and project.version == 2
    assert (
        moved.calls[0]["from_phase"].name == "Contacted"
        and moved.calls[0]["to_phase"].name == "Won"
    )
    assert moved.calls[0]["change"].user == alice
    assert won.calls[0]["project"].pk == project.pk
    project.refresh_from_db()
    assert project.phase.name == "Won" and project.probability == 100


def test_moving_into_a_lost_phase_without_a_reason_is_refused_and_nothing_changes(alice):
    process = make_process()
    project = make_project(process=process, owner=alice)
    with pytest.raises(ValidationError) as exc:
        services.project_move(
            project=project, phase=phase(process, "Lost"), user=alice, expected_version=1
        )
    assert "lost_reason" in exc.value.message_dict
    project.refresh_from_db()
    assert project.phase.name == "Contacted" and project.version == 1
    assert PhaseChange.objects.filter(project=project).count() == 0


def test_moving_into_a_lost_phase_with_a_reason_closes_the_project(alice):
    process = make_process()
    project = make_project(process=process, owner=alice)
    reason = LostReason.objects.get(name="Price")
    with Catch(events.project_lost) as lost:
        project = services.project_move(
            project=project,
            phase=phase(process, "Lost"),
            user=alice,
            expected_version=1,
            lost_reason=reason,
        ).project
    assert (
        project.lost_reason == reason and project.probability == 0 and project.closed_at is not None
    )
    assert lost.calls[0]["reason"] == reason


def test_only_an_admin_may_move_a_project_out_of_a_locked_phase(alice, dave):
    process = make_process(phases=[{"name": "Legal check", "locked": True}, "Signed"])
    project = make_project(process=process, owner=alice)
    with pytest.raises(ValidationError, match="locked"):
        services.project_move(
            project=project, phase=phase(process, "Signed"), user=alice, expected_version=1
        )
    moved = services.project_move(
        project=project, phase=phase(process, "Signed"), user=dave, expected_version=1
    ).project
    assert moved.phase.name == "Signed"


def test_a_stale_move_is_refused_with_the_current_state(alice):
    process = make_process()
    project = make_project(process=process, owner=alice)
    services.project_move(
        project=project, phase=phase(process, "Offer"), user=alice, expected_version=1
    )
    with pytest.raises(ConcurrentUpdate) as exc:
        services.project_move(
            project=project, phase=phase(process, "Negotiation"), user=alice, expected_version=1
        )
    assert exc.value.current.phase.name == "Offer" and exc.value.current.version == 2
    assert isinstance(exc.value, ValidationError)


def test_a_salesperson_cannot_move_a_colleagues_project_but_their_manager_can(alice, bob, carol):
    process = make_process()
    project = make_project(process=process, owner=alice)
    with pytest.raises(PermissionDenied):
        services.project_move(
            project=project, phase=phase(process, "Offer"), user=bob, expected_version=1
        )
    services.project_move(
        project=project, phase=phase(process, "Offer"), user=carol, expected_version=1
    )


def test_a_move_can_change_phase_process_and_owner_in_one_step(carol, alice):
    source, target = make_process(), make_process(phases=["Intake", "Done"])
    project = make_project(process=source, owner=None)
    with Catch(events.project_owner_changed) as owner_changed:
        moved = services.project_move(
            project=project,
            phase=phase(target, "Done"),
            process=target,
            owner=alice,
            user=carol,
            expected_version=1,
        ).project
    assert (moved.process, moved.phase.name, moved.owner) == (target, "Done", alice)
    assert (
        owner_changed.calls[0]["from_owner"] is None and owner_changed.calls[0]["to_owner"] == alice
    )


def test_a_phase_of_another_process_is_refused(alice):
    project = make_project(owner=alice)
    other = make_process()
    with pytest.raises(ValidationError):
        services.project_move(
            project=project,
            phase=phase(other, "Offer"),
            process=project.process,
            user=alice,
            expected_version=1,
        )


def test_a_sales_project_cannot_move_into_a_lead_process(alice):
    project = make_project(owner=alice)
    lead_process = make_process(kind=Process.Kind.LEAD)
    with pytest.raises(ValidationError):
        services.project_move(
            project=project, phase=phase(lead_process, "Offer"), user=alice, expected_version=1
        )


def test_reopen_returns_a_lost_project_to_the_phase_it_came_from(alice):
    process = make_process()
    project = make_project(process=process, owner=alice)
    project = services.project_move(
        project=project, phase=phase(process, "Negotiation"), user=alice, expected_version=1
    ).project
    project = services.project_move(
        project=project,
        phase=phase(process, "Lost"),
        user=alice,
        expected_version=2,
        lost_reason=LostReason.objects.first(),
    ).project
    with Catch(events.project_reopened) as reopened:
        project = services.project_reopen(project=project, user=alice, expected_version=3)
    assert (
        project.phase.name == "Negotiation"
        and project.closed_at is None
        and project.lost_reason is None
    )
    assert project.probability == 75 and len(reopened.calls) == 1


def test_reopen_refuses_an_open_project(alice):
    project = make_project(owner=alice)
    with pytest.raises(ValidationError):
        services.project_reopen(project=project, user=alice, expected_version=1)


def test_update_changes_plain_fields_bumps_the_version_and_refuses_stale_edits(alice):
    project = make_project(owner=alice)
    project = services.project_update(
        project=project,
        user=alice,
        expected_version=1,
        data={"title": "New title", "volume": Decimal("12.50"), "probability": 10},
    )
    assert (
        project.title == "New title" and project.version == 2 and not project.probability_overridden
    )
    with pytest.raises(ConcurrentUpdate):
        services.project_update(
            project=project, user=alice, expected_version=1, data={"title": "Old view"}
        )


def test_update_cannot_move_phases(alice):
    project = make_project(owner=alice)
    with pytest.raises(ValueError):
        services.project_update(
            project=project, user=alice, expected_version=1, data={"phase": project.phase}
        )


def test_a_listener_failing_undoes_the_move(alice):
    process = make_process()
    project = make_project(process=process, owner=alice)

    def boom(sender, **kwargs):
        raise RuntimeError("listener failed")

    events.project_phase_changed.connect(boom, dispatch_uid="boom")
    try:
        with pytest.raises(RuntimeError):
            services.project_move(
                project=project, phase=phase(process, "Offer"), user=alice, expected_version=1
            )
    finally:
        events.project_phase_changed.disconnect(dispatch_uid="boom")
    project.refresh_from_db()
    assert (
        project.phase.name == "Contacted"
        and not PhaseChange.objects.filter(project=project).exists()
    )


def test_bulk_move_moves_editable_projects_and_skips_the_others(alice, bob):
    process = make_process()
    mine = [make_project(process=process, owner=alice) for _ in range(2)]
    theirs = make_project(process=process, owner=bob)
    result = services.project_bulk_move(
        project_ids=[p.pk for p in [*mine, theirs]], phase=phase(process, "Offer"), user=alice
    )
    assert sorted(result.done) == sorted(p.pk for p in mine) and result.skipped == [theirs.pk]
    assert set(
        SalesProject.objects.filter(pk__in=result.done).values_list("phase__name", flat=True)
    ) == {"Offer"}
    theirs.refresh_from_db()
    assert theirs.phase.name == "Contacted"


def test_bulk_move_into_lost_needs_a_reason_for_all(carol, alice):
    process = make_process()
    projects = [make_project(process=process, owner=alice) for _ in range(2)]
    with pytest.raises(ValidationError):
        services.project_bulk_move(
            project_ids=[p.pk for p in projects], phase=phase(process, "Lost"), user=carol
        )
    assert not SalesProject.objects.filter(
        pk__in=[p.pk for p in projects], phase__name="Lost"
    ).exists()


def test_bulk_owner_change_by_a_manager_within_the_team(carol, alice):
    projects = [make_project(owner=None) for _ in range(3)]
    result = services.project_bulk_change_owner(
        project_ids=[p.pk for p in projects], owner=alice, user=carol
    )
    assert len(result.done) == 3
    assert SalesProject.objects.filter(pk__in=result.done, owner=alice).count() == 3


def test_bulk_owner_change_to_someone_outside_the_managers_team_is_refused(carol, bob):
    with pytest.raises(PermissionDenied):
        services.project_bulk_change_owner(project_ids=[make_project().pk], owner=bob, user=carol)


def test_contacts_of_the_customer_are_linked_with_a_buying_center_role(alice):
    from tests.builders.customers import make_contact

    project = make_project(owner=alice)
    contact = make_contact(customer=project.customer)
    link = services.project_contact_add(
        project=project, contact=contact, role="decision_maker", user=alice
    )
    assert link.get_role_display() == "Decision maker"
    services.project_contact_add(project=project, contact=contact, role="buyer", user=alice)
    assert project.project_contacts.get().role == "buyer"
    with pytest.raises(ValidationError):
        services.project_contact_add(
            project=project, contact=make_contact(), role="buyer", user=alice
        )
    services.project_contact_remove(project=project, link_id=link.pk, user=alice)
    assert not project.project_contacts.exists()


def test_the_default_process_exists_once(tenant):
    first = services.process_create_default()
    assert services.process_create_default() == first
    assert first.phases.filter(outcome=Phase.Outcome.WON).count() == 1


def test_cached_pipeline_totals_are_refreshed_by_every_committed_change(
    alice, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from sales.selectors import pipeline_rollup, project_queryset

    settings.SALES_ROLLUP_CACHE_SECONDS = 60
    cache.clear()
    process = make_process()
    project = make_project(process=process, owner=alice, volume=Decimal("100"))
    projects = project_queryset().filter(process=process)
    assert pipeline_rollup(projects=projects)[None].volume == Decimal("100")
    with django_assert_num_queries(0):
        assert pipeline_rollup(projects=projects)[None].count == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.project_update(
            project=project, user=alice, expected_version=1, data={"volume": Decimal("250")}
        )
    assert pipeline_rollup(projects=projects)[None].volume == Decimal("250")
