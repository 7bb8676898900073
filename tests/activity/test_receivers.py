"""Each domain event writes exactly one system entry, inside the sender's transaction."""

import pytest
from django.db import transaction

from activity.models import Activity
from crm import events
from customers.services import customer_create
from sales.models import LostReason, Phase
from sales.services import project_change_owner, project_create, project_move
from tests.builders.customers import make_customer
from tests.builders.sales import make_process, make_project


def _system(kind):
    return Activity.objects.filter(is_system=True, kind=kind)


@pytest.fixture
def project(tenant, alice):
    return make_project(owner=alice, title="Cloud migration")


def _phase(project, outcome=Phase.Outcome.OPEN, index=1):
    return project.process.phases.filter(outcome=outcome).order_by("order")[
        index if outcome == "open" else 0
    ]


EVENTS = [
    (
        "customer_created",
        lambda p, u: events.customer_created.send(sender=None, customer=p.customer, user=u),
    ),
    (
        "lead_converted",
        lambda p, u: events.lead_converted.send(
            sender=None, customer=p.customer, user=u, project=p
        ),
    ),
    ("project_created", lambda p, u: events.project_created.send(sender=None, project=p, user=u)),
    (
        "phase_changed",
        lambda p, u: events.project_phase_changed.send(
            sender=None, project=p, user=u, from_phase=p.phase, to_phase=_phase(p), change=None
        ),
    ),
    (
        "owner_changed",
        lambda p, u: events.project_owner_changed.send(
            sender=None, project=p, user=u, from_owner=p.owner, to_owner=u
        ),
    ),
    ("won", lambda p, u: events.project_won.send(sender=None, project=p, user=u)),
    ("lost", lambda p, u: events.project_lost.send(sender=None, project=p, user=u, reason="Price")),
    ("reopened", lambda p, u: events.project_reopened.send(sender=None, project=p, user=u)),
    (
        "alternative_closed",
        lambda p, u: events.alternative_closed.send(
            sender=None,
            project=p,
            user=u,
            group="Offers",
            winner=make_project(customer=p.customer, title="Winner"),
        ),
    ),
]


@pytest.mark.parametrize("kind, send", EVENTS, ids=[e[0] for e in EVENTS])
def test_each_domain_event_writes_exactly_one_system_activity(project, bob, kind, send):
    before = Activity.objects.count()
    send(project, bob)
    assert Activity.objects.count() == before + 1
    entry = _system(kind).get()
    assert entry.employee == bob and entry.customer_id == project.customer_id
    assert entry.title  # a readable sentence, not the raw kind
    assert entry.title != kind


@pytest.mark.parametrize("kind, send", EVENTS, ids=[e[0] for e in EVENTS])
def test_no_system_activity_remains_when_the_senders_transaction_rolls_back(
    project, bob, kind, send
):
    before = Activity.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        send(project, bob)
        assert _system(kind).count() == 1  # written inside the sender's transaction
        raise RuntimeError("the sender failed after the event")
    assert Activity.objects.count() == before


def test_creating_a_customer_through_the_service_records_it_once(tenant, alice):
    customer = customer_create(user=alice, name="Receiver Test AG", city="Hamburg")
    entry = _system("customer_created").get(customer=customer)
    assert entry.employee == alice
    assert "Receiver Test AG" in entry.title


def test_a_project_moved_to_won_records_the_phase_change_and_the_win(tenant, alice):
    process = make_process()
    customer = make_customer(owner=alice)
    project = project_create(
        customer=customer, process=process, title="Big deal", user=alice, owner=alice
    )
    won = process.phases.get(outcome=Phase.Outcome.WON)
    project_move(project=project, phase=won, user=alice, expected_version=project.version)
    kinds = list(
        Activity.objects.filter(project=project).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == ["project_created", "phase_changed", "won"]
    change = _system("phase_changed").get(project=project)
    assert change.payload["from_phase"] == "Contacted" and change.payload["to_phase"] == "Won"
    assert not change.show_on_customer  # phase changes stay on the project's timeline


def test_a_lost_project_records_its_reason_and_an_owner_change_records_both_owners(
    tenant, alice, bob, dave
):
    process = make_process()
    project = project_create(
        customer=make_customer(), process=process, title="Maybe", user=dave, owner=alice
    )
    project = project_change_owner(project=project, owner=bob, user=dave)
    owner = _system("owner_changed").get(project=project)
    assert owner.payload["from_owner"] == str(alice) and owner.payload["to_owner"] == str(bob)
    reason = LostReason.objects.get_or_create(name="Price")[0]
    lost = process.phases.get(outcome=Phase.Outcome.LOST)
    project_move(
        project=project, phase=lost, user=dave, expected_version=project.version, lost_reason=reason
    )
    assert _system("lost").get(project=project).payload["reason"] == "Price"


def test_a_failing_activity_receiver_undoes_the_senders_change(tenant, alice, monkeypatch):
    from activity import services
    from sales.models import SalesProject

    def broken(**kwargs):
        raise RuntimeError("log is down")

    monkeypatch.setattr(services, "activity_record_project_created", broken)
    with pytest.raises(RuntimeError):
        project_create(
            customer=make_customer(), process=make_process(), title="Ghost", user=alice, owner=alice
        )
    assert not SalesProject.objects.filter(title="Ghost").exists()


def test_converting_a_lead_records_it_once_even_when_asked_twice(tenant, alice):
    from customers.services import customer_convert_lead

    lead = make_customer(status="lead", owner=alice)
    assert customer_convert_lead(customer_id=lead.pk, user=alice) is True
    assert customer_convert_lead(customer_id=lead.pk, user=alice) is False
    entry = _system("lead_converted").get(customer=lead)
    assert entry.employee == alice and entry.title.startswith("Lead ")
