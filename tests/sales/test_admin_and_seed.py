"""The tenant admin's process configuration, moves made in the admin, and the sample data."""

from __future__ import annotations

import random

from django.urls import reverse

from crm.lib.seeding import SeedContext
from sales.models import LostReason, Phase, PhaseChange, Process, SalesProject
from tests.builders.customers import make_customer
from tests.builders.sales import make_process, make_project


def _admin_form(project=None, *, phase, owner, customer=None, title="", volume="1000", **more):
    """The tenant admin's project form (add, or change of ``project``) with empty inlines."""
    return {
        "customer": (customer or project.customer).pk,
        "title": title or project.title,
        "process": phase.process_id,
        "phase": phase.pk,
        "owner": owner.pk if owner else "",
        "volume": volume,
        "probability": "",
        "expected_order_date": "",
        "description": "",
        "lost_reason": "",
        "parked_until": "",
        "park_return_phase": "",
        **more,
        **{
            f"{inline}-{count}": value
            for inline in ("project_contacts", "phase_changes")
            for count, value in (
                ("TOTAL_FORMS", "0"),
                ("INITIAL_FORMS", "0"),
                ("MIN_NUM_FORMS", "0"),
                ("MAX_NUM_FORMS", "1000"),
            )
        },
    }


def test_the_tenant_admin_configures_processes_with_ordered_phases(client_for, dave):
    client = client_for(dave)
    page = client.get(reverse("admin:sales_process_add")).content.decode()
    assert 'id="phases-group"' in page and "js/sales.js" in page
    response = client.post(
        reverse("admin:sales_process_add"),
        {
            "name": "Recruiting",
            "kind": "other",
            "order": "50",
            "is_active": "on",
            "phases-TOTAL_FORMS": "2",
            "phases-INITIAL_FORMS": "0",
            "phases-MIN_NUM_FORMS": "0",
            "phases-MAX_NUM_FORMS": "1000",
            "phases-0-order": "20",
            "phases-0-name": "Interview",
            "phases-0-probability": "30",
            "phases-0-outcome": "open",
            "phases-1-order": "10",
            "phases-1-name": "Applied",
            "phases-1-probability": "10",
            "phases-1-outcome": "open",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    process = Process.objects.get(name="Recruiting")
    assert list(process.phases.order_by("order").values_list("name", flat=True)) == [
        "Applied",
        "Interview",
    ]


def test_only_lead_processes_get_a_follow_up_process(client_for, dave):
    sales = make_process()
    response = client_for(dave).post(
        reverse("admin:sales_process_add"),
        {
            "name": "Odd",
            "kind": "sales",
            "order": "1",
            "followup_process": sales.pk,
            "phases-TOTAL_FORMS": "0",
            "phases-INITIAL_FORMS": "0",
            "phases-MIN_NUM_FORMS": "0",
            "phases-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200 and "Only lead processes" in response.content.decode()


def test_a_salesperson_has_no_admin(client_for, alice):
    assert client_for(alice).get(reverse("admin:sales_process_changelist")).status_code == 302


def test_moving_a_project_in_the_admin_follows_the_rules_and_records_the_change(
    client_for, dave, alice
):
    process = make_process()
    project = make_project(process=process, owner=alice)
    won = process.phases.get(name="Won")
    client = client_for(dave)
    data = _admin_form(project, phase=won, owner=alice, version="1")
    response = client.post(reverse("admin:sales_salesproject_change", args=[project.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert project.phase == won and project.probability == 100 and project.closed_at is not None
    assert PhaseChange.objects.filter(project=project, to_phase=won, user=dave).exists()
    lost = process.phases.get(name="Lost")
    response = client.post(
        reverse("admin:sales_salesproject_change", args=[project.pk]),
        {**data, "phase": lost.pk, "version": str(project.version)},
    )
    assert response.status_code == 200 and "Please give a reason" in response.content.decode()
    response = client.post(
        reverse("admin:sales_salesproject_change", args=[project.pk]),
        {**data, "phase": lost.pk, "version": "1"},
    )
    assert "Someone changed this project" in response.content.decode()


def test_the_admin_creates_projects_through_the_service(client_for, dave):
    process = make_process()
    customer = make_customer()
    response = client_for(dave).post(
        reverse("admin:sales_salesproject_add"),
        _admin_form(
            customer=customer,
            title="Admin made",
            phase=process.phases.get(name="Offer"),
            owner=None,
            volume="5",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project = SalesProject.objects.get(title="Admin made")
    assert (
        project.probability == 50
        and PhaseChange.objects.filter(project=project, from_phase=None).exists()
    )


def test_the_seeder_spreads_projects_over_processes_phases_and_owners(tenant):
    from crm.models import User
    from sales.seed import seed_sales

    for i in range(40):
        make_customer(owner=User.objects.get(email="alice@alpha.test") if i % 2 else None)
    before = SalesProject.objects.count()
    ctx = SeedContext(rng=random.Random(3), customers=200)
    ctx.made["users"] = list(User.objects.all())
    seed_sales(ctx)
    ids = ctx.made["project_ids"]
    projects = SalesProject.objects.filter(pk__in=ids)
    assert len(ids) == 500 and projects.count() == 500 == SalesProject.objects.count() - before
    assert projects.values("process").distinct().count() == 3
    assert Process.objects.filter(kind=Process.Kind.OTHER).exists()
    outcomes = set(projects.values_list("phase__outcome", flat=True))
    assert outcomes == {Phase.Outcome.OPEN, Phase.Outcome.WON, Phase.Outcome.LOST}
    assert projects.values("owner").distinct().count() > 2
    assert not projects.filter(phase__outcome="lost", lost_reason__isnull=True).exists()
    assert not projects.filter(phase__outcome="won").exclude(probability=100).exists()
    # every project has a history that ends in its current phase
    assert PhaseChange.objects.filter(project__in=ids, from_phase=None).count() == 500
    last = {
        pk: ph
        for pk, ph in PhaseChange.objects.filter(project__in=ids)
        .order_by("project", "changed_at", "id")
        .values_list("project", "to_phase")
    }
    assert all(last[pk] == phase for pk, phase in projects.values_list("pk", "phase"))
    assert LostReason.objects.exists()
    # the new rows are usable through the ORM and the sequence moved on
    assert make_project().pk > max(ids)


def test_parking_in_the_admin_needs_a_date_and_goes_through_the_service(client_for, dave, alice):
    import datetime

    from django.utils import timezone

    process = make_process(
        kind=Process.Kind.LEAD, phases=["New", {"name": "Later", "parks": True}, "Qualified"]
    )
    project = make_project(process=process, owner=alice)
    later = process.phases.get(name="Later")
    data = _admin_form(project, phase=later, owner=alice, version="1")
    client = client_for(dave)
    url = reverse("admin:sales_salesproject_change", args=[project.pk])
    assert "Choose a future date" in client.post(url, data).content.decode()
    until = timezone.localdate() + datetime.timedelta(days=4)
    assert client.post(url, {**data, "parked_until": until.isoformat()}).status_code == 302
    project.refresh_from_db()
    assert (
        project.phase == later
        and project.parked_until == until
        and project.park_return_phase.name == "New"
    )
