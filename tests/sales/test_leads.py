"""Leads: lead processes, automatic conversion, follow-up project, lost leads, follow-up on a date,
the lead function switch."""

from __future__ import annotations

import datetime
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from activity.models import Activity
from crm import events
from crm.models import User
from customers.models import Customer
from sales import services
from sales.models import LostReason, PhaseChange, Process, SalesProject
from tests.builders.customers import make_customer
from tests.builders.sales import LEAD_PHASES, make_process, make_project


def phase(process, name):
    return process.phases.get(name=name)


@pytest.fixture
def sales_process(tenant):
    return make_process(name="Sales after leads")


@pytest.fixture
def lead_process(tenant, sales_process):
    return make_process(
        name="Leads",
        kind=Process.Kind.LEAD,
        phases=LEAD_PHASES,
        followup_process=sales_process,
        followup_phase=phase(sales_process, "Offer"),
    )


def make_lead(process, *, owner=None, phase_name="New", **overrides):
    customer = make_customer(
        status=Customer.Status.LEAD, owner=owner, **overrides.pop("customer_values", {})
    )
    return make_project(
        process=process,
        phase=phase(process, phase_name),
        customer=customer,
        owner=owner,
        **overrides,
    )


def reload(customer):
    return Customer.objects.get(pk=customer.pk)


# --- conversion -----------------------------------------------------------------------------


def test_a_lead_moved_into_a_qualifying_phase_becomes_a_customer(lead_process, alice):
    lead = make_lead(lead_process, owner=alice)
    services.project_move(
        project=lead, phase=phase(lead_process, "Qualified"), user=alice, expected_version=1
    )
    customer = reload(lead.customer)
    assert customer.status == Customer.Status.CUSTOMER
    assert customer.converted_by == alice and customer.converted_at is not None
    assert Activity.objects.filter(customer_id=customer.pk, kind="lead_converted").count() == 1


def test_a_lead_moved_into_a_won_phase_becomes_a_customer(lead_process, alice):
    lead = make_lead(lead_process, owner=alice)
    services.project_move(
        project=lead, phase=phase(lead_process, "Converted"), user=alice, expected_version=1
    )
    assert reload(lead.customer).status == Customer.Status.CUSTOMER


def test_a_sales_project_of_a_lead_that_is_won_converts_it_too(sales_process, alice):
    customer = make_customer(status=Customer.Status.LEAD, owner=alice)
    project = make_project(process=sales_process, customer=customer, owner=alice)
    services.project_move(
        project=project, phase=phase(sales_process, "Won"), user=alice, expected_version=1
    )
    assert reload(customer).status == Customer.Status.CUSTOMER


@pytest.mark.parametrize("target", ["Contacted", "Later"])
def test_other_phases_do_not_convert(lead_process, alice, target):
    lead = make_lead(lead_process, owner=alice)
    services.project_move(
        project=lead,
        phase=phase(lead_process, target),
        user=alice,
        expected_version=1,
        park_until=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert reload(lead.customer).status == Customer.Status.LEAD


def test_a_lost_lead_stays_a_lead(lead_process, alice):
    lead = make_lead(lead_process, owner=alice)
    with pytest.raises(ValidationError):
        services.project_move(
            project=lead, phase=phase(lead_process, "Disqualified"), user=alice, expected_version=1
        )
    moved = services.project_move(
        project=lead,
        phase=phase(lead_process, "Disqualified"),
        user=alice,
        expected_version=1,
        lost_reason=LostReason.objects.first(),
    ).project
    assert moved.closed_at is not None and reload(lead.customer).status == Customer.Status.LEAD


def test_a_lead_created_directly_in_a_qualifying_phase_is_converted(lead_process, alice):
    customer = make_customer(status=Customer.Status.LEAD, owner=alice)
    services.project_create(
        customer=customer,
        process=lead_process,
        phase=phase(lead_process, "Qualified"),
        title="Straight in",
        user=alice,
        owner=alice,
    )
    assert reload(customer).status == Customer.Status.CUSTOMER


def test_a_bulk_move_converts_each_lead_once(lead_process, alice, sales_process):
    leads = [make_lead(lead_process, owner=alice) for _ in range(3)]
    services.project_bulk_move(
        project_ids=[p.pk for p in leads], phase=phase(lead_process, "Qualified"), user=alice
    )
    assert (
        Customer.objects.filter(pk__in=[p.customer_id for p in leads], status="customer").count()
        == 3
    )
    assert SalesProject.objects.filter(process=sales_process).count() == 3


def test_conversion_starts_the_follow_up_sales_project_in_the_named_process_and_phase(
    lead_process, sales_process, alice, carol
):
    lead = make_lead(lead_process, owner=alice, title="Big lead", volume=Decimal("7000"))
    caught = []
    events.lead_converted.connect(
        lambda sender, **kw: caught.append(kw), dispatch_uid="t-lead", weak=False
    )
    try:
        services.project_move(
            project=lead, phase=phase(lead_process, "Qualified"), user=carol, expected_version=1
        )
    finally:
        events.lead_converted.disconnect(dispatch_uid="t-lead")
    follow_up = SalesProject.objects.get(process=sales_process, customer=lead.customer)
    assert (
        follow_up.phase.name == "Offer"
        and follow_up.owner == alice
        and follow_up.title == "Big lead"
    )
    assert follow_up.volume == Decimal("7000")
    assert len(caught) == 1 and caught[0]["project"].pk == lead.pk and caught[0]["user"] == carol
    # a second qualifying move of the same customer's other lead project converts nothing again
    other = make_project(process=lead_process, customer=lead.customer, owner=alice)
    services.project_move(
        project=other, phase=phase(lead_process, "Qualified"), user=alice, expected_version=1
    )
    assert SalesProject.objects.filter(process=sales_process, customer=lead.customer).count() == 1


def test_without_a_follow_up_process_no_sales_project_is_started(alice):
    process = make_process(kind=Process.Kind.LEAD, phases=LEAD_PHASES)
    lead = make_lead(process, owner=alice)
    services.project_move(
        project=lead, phase=phase(process, "Qualified"), user=alice, expected_version=1
    )
    assert SalesProject.objects.filter(customer=lead.customer).count() == 1


def test_a_failing_follow_up_undoes_the_conversion_and_the_move(lead_process, alice):
    lead = make_lead(lead_process, owner=alice)

    def boom(sender, **kwargs):
        raise RuntimeError("follow-up failed")

    events.lead_converted.connect(boom, dispatch_uid="boom-lead", weak=False)
    try:
        with pytest.raises(RuntimeError):
            services.project_move(
                project=lead, phase=phase(lead_process, "Qualified"), user=alice, expected_version=1
            )
    finally:
        events.lead_converted.disconnect(dispatch_uid="boom-lead")
    assert reload(lead.customer).status == Customer.Status.LEAD
    lead.refresh_from_db()
    assert lead.phase.name == "New"


@pytest.fixture
def committed_lead(django_db_setup, django_db_blocker):
    """A committed lead customer with two lead projects in alpha; removed afterwards."""
    with django_db_blocker.unblock(), schema_context("alpha"):
        tag = uuid.uuid4().hex[:8]
        sales = make_process(name=f"Race sales {tag}")
        process = make_process(
            name=f"Race leads {tag}",
            kind=Process.Kind.LEAD,
            phases=LEAD_PHASES,
            followup_process=sales,
        )
        alice = User.objects.get(email="alice@alpha.test")
        customer = make_customer(name=f"Race lead {tag}", status=Customer.Status.LEAD, owner=alice)
        first = make_project(process=process, customer=customer, owner=alice)
        second = make_project(process=process, customer=customer, owner=alice)
        yield {
            "process": process,
            "sales": sales,
            "customer": customer,
            "projects": [first, second],
        }
        Activity.objects.filter(customer_id=customer.pk).delete()
        SalesProject.objects.filter(customer=customer).delete()
        Process.objects.filter(pk__in=[process.pk, sales.pk]).delete()
        customer.delete()
    connection.set_schema_to_public()


def test_two_racing_moves_convert_the_lead_exactly_once(committed_lead, django_db_blocker):
    barrier = threading.Barrier(2)
    errors: list = []
    converted: list = []

    def on_converted(sender, **kwargs):
        converted.append(kwargs["customer"].pk)

    def run(project, name):
        try:
            with schema_context("alpha"):
                user = User.objects.get(email="alice@alpha.test")
                target = committed_lead["process"].phases.get(name=name)
                barrier.wait(timeout=10)
                services.project_move(project=project, phase=target, user=user, expected_version=1)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    events.lead_converted.connect(on_converted, dispatch_uid="race-count", weak=False)
    try:
        with django_db_blocker.unblock():
            first, second = committed_lead["projects"]
            threads = [
                threading.Thread(target=run, args=(first, "Qualified")),
                threading.Thread(target=run, args=(second, "Converted")),
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            assert errors == []
            with schema_context("alpha"):
                customer = Customer.objects.get(pk=committed_lead["customer"].pk)
                assert (
                    customer.status == Customer.Status.CUSTOMER
                    and customer.converted_at is not None
                )
                assert SalesProject.objects.filter(process=committed_lead["sales"]).count() == 1
                assert (
                    Activity.objects.filter(customer_id=customer.pk, kind="lead_converted").count()
                    == 1
                )
    finally:
        events.lead_converted.disconnect(dispatch_uid="race-count")
    assert converted == [committed_lead["customer"].pk]


# --- follow-up on a date --------------------------------------------------------------------


def test_parking_a_lead_needs_a_future_date_and_remembers_where_it_came_from(lead_process, alice):
    lead = make_lead(lead_process, owner=alice, phase_name="Contacted")
    later = phase(lead_process, "Later")
    with pytest.raises(ValidationError) as exc:
        services.project_move(project=lead, phase=later, user=alice, expected_version=1)
    assert "park_until" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.project_move(
            project=lead,
            phase=later,
            user=alice,
            expected_version=1,
            park_until=timezone.localdate(),
        )
    until = timezone.localdate() + datetime.timedelta(days=10)
    parked = services.project_move(
        project=lead, phase=later, user=alice, expected_version=1, park_until=until
    ).project
    assert parked.parked_until == until and parked.park_return_phase.name == "Contacted"


def test_a_parked_lead_returns_on_its_date_and_its_owner_sees_a_reminder(
    lead_process, alice, client_for
):
    lead = make_lead(lead_process, owner=alice, phase_name="Contacted")
    until = timezone.localdate() + datetime.timedelta(days=5)
    services.project_move(
        project=lead,
        phase=phase(lead_process, "Later"),
        user=alice,
        expected_version=1,
        park_until=until,
        park_return_phase=phase(lead_process, "New"),
    )
    assert services.project_unpark_due(today=until - datetime.timedelta(days=1)) == 0
    assert services.project_unpark_due(today=until) == 1
    lead.refresh_from_db()
    assert lead.phase.name == "New" and lead.parked_until is None and lead.followup_due == until
    assert PhaseChange.objects.filter(project=lead, to_phase__name="New", user=None).exists()
    page = client_for(alice).get("/").content.decode()
    assert 'data-testid="widget-followups"' in page and lead.title in page
    client_for(alice).post(reverse("sales:project_followup_done", args=[lead.pk]))
    lead.refresh_from_db()
    assert lead.followup_due is None
    assert 'data-testid="widget-followups"' not in client_for(alice).get("/").content.decode()


def test_moving_a_parked_lead_by_hand_ends_the_parking(lead_process, alice):
    lead = make_lead(
        lead_process,
        owner=alice,
        phase_name="Later",
        parked_until=timezone.localdate(),
        park_return_phase=None,
    )
    lead = services.project_move(
        project=lead, phase=phase(lead_process, "Contacted"), user=alice, expected_version=1
    ).project
    assert lead.parked_until is None and services.project_unpark_due() == 0


def test_the_periodic_task_returns_parked_leads_in_every_tenant_each_in_its_own_schema(
    tenant, other_tenant
):
    from sales.tasks import leads_unpark_all_tenants_task

    today = timezone.localdate()
    made = {}
    for schema in ("alpha", "beta"):
        with schema_context(schema):
            process = make_process(
                kind=Process.Kind.LEAD, phases=LEAD_PHASES, name=f"Lead {schema}"
            )
            due = make_lead(
                process,
                phase_name="Later",
                parked_until=today,
                park_return_phase=phase(process, "Contacted"),
            )
            waiting = make_lead(
                process,
                phase_name="Later",
                parked_until=today + datetime.timedelta(days=3),
                park_return_phase=phase(process, "Contacted"),
            )
            made[schema] = (process, due.pk, waiting.pk)
    connection.set_tenant(tenant)
    assert leads_unpark_all_tenants_task.delay().get() >= 2
    for schema, (process, due_pk, waiting_pk) in made.items():
        with schema_context(schema):
            due, waiting = (
                SalesProject.objects.get(pk=due_pk),
                SalesProject.objects.get(pk=waiting_pk),
            )
            assert due.phase_id == phase(process, "Contacted").pk and due.followup_due == today
            assert waiting.phase.name == "Later" and waiting.parked_until is not None
    connection.set_tenant(tenant)


def test_dropping_a_lead_on_the_follow_up_column_asks_for_the_date(client_for, lead_process, alice):
    lead = make_lead(lead_process, owner=alice)
    later = phase(lead_process, "Later")
    client = client_for(alice)
    dialog = client.get(
        reverse("sales:project_move", args=[lead.pk]),
        {"phase": later.pk, "board": "1"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'name="park_until"' in dialog and f'<option value="{later.pk}" selected>' in dialog
    until = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    client.post(
        reverse("sales:project_move", args=[lead.pk]),
        {
            "process": lead_process.pk,
            "phase": later.pk,
            "version": 1,
            "park_until": until,
        },
    )
    lead.refresh_from_db()
    assert lead.phase == later and lead.parked_until.isoformat() == until


# --- pages ----------------------------------------------------------------------------------


def test_the_leads_pages_show_only_lead_processes(client_for, lead_process, sales_process, alice):
    make_lead(lead_process, owner=alice, title="A lead project")
    make_project(process=sales_process, owner=alice, title="A sales project")
    client = client_for(alice)
    listing = client.get(reverse("sales:lead_list")).content.decode()
    assert "A lead project" in listing and "A sales project" not in listing
    board = client.get(
        reverse("sales:lead_kanban") + f"?process={lead_process.pk}"
    ).content.decode()
    assert "A lead project" in board and f'value="{sales_process.pk}"' not in board
    sales_board = client.get(
        reverse("sales:project_kanban") + f"?process={sales_process.pk}"
    ).content.decode()
    assert "A lead project" not in sales_board and f'value="{lead_process.pk}"' not in sales_board


def test_creating_a_lead_creates_the_lead_customer_and_its_first_lead_project(
    client_for, lead_process, alice
):
    response = client_for(alice).post(
        reverse("sales:lead_create"),
        {
            "customer_mode": "new",
            "new-name": "Fresh Prospect GmbH",
            "new-kind": "company",
            "new-country": "DE",
            "new-city": "Bremen",
            "title": "First contact",
            "process": lead_process.pk,
            "owner": alice.pk,
            "volume": "0",
        },
    )
    assert response.status_code == 302
    project = SalesProject.objects.select_related("customer").get(title="First contact")
    assert project.process == lead_process and project.customer.status == Customer.Status.LEAD
    assert project.customer.owner == alice


def test_lead_pages_of_another_tenant_are_not_found_and_its_session_is_worthless(
    client_for, dave, tenant, other_tenant
):
    with schema_context(other_tenant.schema_name):
        process = make_process(kind=Process.Kind.LEAD, phases=LEAD_PHASES)
        beta_lead = make_lead(process)
        beta_user = User.objects.get(email="alice@beta.test")
        beta = Client(HTTP_HOST="beta.localhost")
        beta.force_login(beta_user)
        cookie = beta.cookies["sessionid"].value
    assert not SalesProject.objects.filter(pk=beta_lead.pk).exists()
    assert (
        client_for(dave).get(reverse("sales:project_detail", args=[beta_lead.pk])).status_code
        == 404
    )
    alpha = Client(HTTP_HOST="alpha.localhost")
    alpha.cookies["sessionid"] = cookie
    for name in ("lead_list", "lead_kanban", "tenant_settings"):
        response = alpha.get(reverse(f"sales:{name}"))
        assert response.status_code == 302 and "/login/" in response["Location"]
    connection.set_tenant(tenant)


def test_only_tenant_admins_switch_the_lead_function(client_for, alice, carol):
    assert client_for(alice).get(reverse("sales:tenant_settings")).status_code == 403
    assert client_for(carol).post(reverse("sales:tenant_settings"), {}).status_code == 403


def test_switching_the_lead_function_off_hides_everything_and_deletes_nothing(
    client_for, tenant, dave, alice, lead_process
):
    lead = make_lead(lead_process, owner=alice, title="Hidden lead")
    admin = client_for(dave)
    assert admin.get(reverse("sales:tenant_settings")).status_code == 200
    admin.post(reverse("sales:tenant_settings"), {})  # unchecked = off
    client = client_for(alice)
    assert client.get(reverse("sales:lead_list")).status_code == 404
    assert client.get(reverse("sales:lead_kanban")).status_code == 404
    menu = client.get(reverse("sales:project_list")).content.decode()
    assert reverse("sales:lead_list") not in menu
    assert (
        SalesProject.objects.filter(pk=lead.pk).exists()
        and Customer.objects.filter(pk=lead.customer_id).exists()
    )
    admin.post(reverse("sales:tenant_settings"), {"lead_function_enabled": "on"})
    assert reverse("sales:lead_list") in client.get(reverse("sales:project_list")).content.decode()
    assert "Hidden lead" in client.get(reverse("sales:lead_list")).content.decode()


def test_switching_the_lead_function_on_gives_a_tenant_a_lead_process(tenant, dave):
    Process.objects.filter(kind=Process.Kind.LEAD).update(kind=Process.Kind.OTHER)
    services.tenant_lead_function_set(tenant=tenant, enabled=True, user=dave)
    lead = Process.objects.get(kind=Process.Kind.LEAD)
    assert (
        lead.phases.filter(qualifies_lead=True).exists() and lead.phases.filter(parks=True).exists()
    )
    assert lead.followup_process.kind == Process.Kind.SALES


def test_new_tenants_with_leads_start_with_a_lead_process(tenant):
    lead = Process.objects.filter(kind=Process.Kind.LEAD).order_by("pk").first()
    assert lead is not None and lead.phases.filter(outcome="won").exists()


def test_the_seeder_puts_leads_in_every_phase_of_the_lead_process(tenant):
    import random

    from crm.lib.seeding import SeedContext
    from sales.seed import seed_sales

    alice = User.objects.get(email="alice@alpha.test")
    for i in range(30):
        make_customer(
            status=Customer.Status.LEAD if i % 3 == 0 else Customer.Status.CUSTOMER, owner=alice
        )
    ctx = SeedContext(rng=random.Random(7), customers=30)
    ctx.made["users"] = [alice]
    seed_sales(ctx)
    process = Process.objects.filter(kind=Process.Kind.LEAD).order_by("pk").first()
    leads = SalesProject.objects.filter(pk__in=ctx.made["project_ids"], process=process)
    assert set(leads.values_list("phase", flat=True)) == set(
        process.phases.values_list("pk", flat=True)
    )
    converting = leads.filter(phase__qualifies_lead=True) | leads.filter(phase__outcome="won")
    assert not converting.filter(customer__status=Customer.Status.LEAD).exists()
    assert not leads.filter(phase__parks=True, parked_until__isnull=True).exists()
