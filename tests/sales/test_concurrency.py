"""Two people moving the same card at once: exactly one wins, the other gets the conflict.

The rows are committed (threads use their own connections) and removed again at the end.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from crm.models import User
from sales import services
from sales.models import PhaseChange, Process, SalesProject
from sales.services import ConcurrentUpdate
from tests.builders.customers import make_customer
from tests.builders.sales import make_process, make_project


def race(project, phase_names: list[str], user_email: str) -> list:
    """Move ``project`` into each of ``phase_names`` from one thread each, all with version 1."""
    barrier = threading.Barrier(len(phase_names))
    results: list = [None] * len(phase_names)

    def run(i: int, name: str) -> None:
        try:
            with schema_context("alpha"):
                user = User.objects.get(email=user_email)
                target = project.process.phases.get(name=name)
                barrier.wait(timeout=10)
                results[i] = services.project_move(
                    project=project, phase=target, user=user, expected_version=1
                ).project
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, n)) for i, n in enumerate(phase_names)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_concurrent_moves_exactly_one_wins_the_other_gets_the_conflict(
    committed_project, django_db_blocker
):
    committed = committed_project
    with django_db_blocker.unblock():
        results = race(committed, ["Offer", "Negotiation"], "alice@alpha.test")
        winners = [r for r in results if isinstance(r, SalesProject)]
        losers = [r for r in results if isinstance(r, ConcurrentUpdate)]
        assert len(winners) == 1 and len(losers) == 1, results
        with schema_context("alpha"):
            stored = SalesProject.objects.select_related("phase").get(pk=committed.pk)
            assert stored.phase.name == winners[0].phase.name and stored.version == 2
            assert (
                losers[0].current.phase.name == stored.phase.name
            )  # the loser sees the current state
            assert PhaseChange.objects.filter(project=committed).count() == 1


@pytest.fixture
def committed_alternatives(django_db_setup, django_db_blocker):
    """Two committed alternatives of one group in alpha, deleted afterwards."""
    from sales.models import LostReason, ProjectGroup
    from tests.builders.sales import make_group

    with django_db_blocker.unblock(), schema_context("alpha"):
        tag = uuid.uuid4().hex[:8]
        had_reason = LostReason.objects.filter(key=LostReason.ALTERNATIVE_WON).exists()
        process = make_process(name=f"Race {tag}")
        customer = make_customer(name=f"Race customer {tag}")
        offer = process.phases.get(name="Offer")
        projects = [
            make_project(process=process, phase=offer, customer=customer, title=f"Alt {i} {tag}")
            for i in range(2)
        ]
        group = make_group(projects=projects, name=f"Race {tag}")
        yield projects
        SalesProject.objects.filter(pk__in=[p.pk for p in projects]).delete()
        ProjectGroup.objects.filter(pk=group.pk).delete()
        Process.objects.filter(pk=process.pk).delete()
        customer.delete()
        if not had_reason:
            LostReason.objects.filter(key=LostReason.ALTERNATIVE_WON).delete()
    connection.set_schema_to_public()


def test_two_people_winning_two_alternatives_at_once_get_one_win_and_a_conflict(
    committed_alternatives, django_db_blocker
):
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(i: int, project) -> None:
        try:
            with schema_context("alpha"):
                user = User.objects.get(email="dave@alpha.test")
                won = project.process.phases.get(name="Won")
                barrier.wait(timeout=10)
                results[i] = services.project_move(
                    project=project, phase=won, user=user, expected_version=1
                ).project
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    with django_db_blocker.unblock():
        threads = [
            threading.Thread(target=run, args=(i, p)) for i, p in enumerate(committed_alternatives)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        winners = [r for r in results if isinstance(r, SalesProject)]
        losers = [r for r in results if isinstance(r, ConcurrentUpdate)]
        assert len(winners) == 1 and len(losers) == 1, results  # no deadlock, no double win
        with schema_context("alpha"):
            outcomes = sorted(
                SalesProject.objects.filter(
                    pk__in=[p.pk for p in committed_alternatives]
                ).values_list("phase__outcome", flat=True)
            )
            assert outcomes == ["lost", "won"]
            assert losers[0].current.phase.outcome == "lost"
