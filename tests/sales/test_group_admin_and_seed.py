"""Group types and groups in the tenant's admin, new tenants, the flags command, and the sample
data."""

from __future__ import annotations

import random
from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse

from crm import events
from crm.lib.seeding import SeedContext
from sales import selectors, services
from sales.models import GroupType, LostReason, Phase, ProjectGroup, SalesProject
from tests.builders.customers import make_customer
from tests.builders.sales import group_type, make_group, make_process, make_project


def flags_are_consistent() -> bool:
    return (
        services.group_rollup_refresh(group_ids=None) == 0
        and services.competition_refresh(customer_ids=None) == 0
    )


def test_the_tenant_admin_configures_group_types(client_for, dave):
    client = client_for(dave)
    assert client.get(reverse("admin:sales_grouptype_changelist")).status_code == 200
    response = client.post(
        reverse("admin:sales_grouptype_add"),
        {"name": "Options", "rule": "alternatives", "order": "30", "is_active": "on"},
    )
    assert response.status_code == 302
    assert GroupType.objects.get(name="Options").rule == GroupType.Rule.ALTERNATIVES
    builtin = group_type("subprojects")
    assert client.get(reverse("admin:sales_grouptype_delete", args=[builtin.pk])).status_code == 403


def test_a_salesperson_has_no_group_admin(client_for, alice):
    assert client_for(alice).get(reverse("admin:sales_grouptype_changelist")).status_code == 302


def test_changing_a_types_rule_in_the_admin_recounts_its_groups(client_for, dave):
    parts = GroupType.objects.create(name="Parts", rule=GroupType.Rule.SUM)
    process = make_process()
    a = make_project(process=process, volume=Decimal("100"), probability=50)
    b = make_project(process=process, volume=Decimal("300"), probability=50)
    group = make_group(projects=[a, b], type=parts)
    assert selectors.group_get(pk=group.pk).value == Decimal("400")
    response = client_for(dave).post(
        reverse("admin:sales_grouptype_change", args=[parts.pk]),
        {"name": "Parts", "rule": "alternatives", "order": "0", "is_active": "on"},
    )
    assert response.status_code == 302
    assert selectors.group_get(pk=group.pk).value == Decimal("300")


def test_a_type_with_a_won_and_an_open_member_cannot_become_alternatives(client_for, dave):
    parts = GroupType.objects.create(name="Parts", rule=GroupType.Rule.SUM)
    process = make_process()
    make_group(
        projects=[
            make_project(phase=process.phases.get(name="Won")),
            make_project(process=process),
        ],
        type=parts,
        name="Half done",
    )
    response = client_for(dave).post(
        reverse("admin:sales_grouptype_change", args=[parts.pk]),
        {"name": "Parts", "rule": "alternatives", "order": "0", "is_active": "on"},
    )
    assert response.status_code == 200 and "Half done" in response.content.decode()
    parts.refresh_from_db()
    assert parts.rule == GroupType.Rule.SUM


def test_groups_in_the_admin_change_and_dissolve_through_the_services(client_for, dave):
    process = make_process()
    a = make_project(process=process, volume=Decimal("100"))
    b = make_project(process=process, volume=Decimal("300"))
    group = make_group(projects=[a, b], type="subprojects", name="Admin group")
    client = client_for(dave)
    page = client.get(reverse("admin:sales_projectgroup_change", args=[group.pk])).content.decode()
    assert a.title in page and b.title in page  # the members, read-only
    response = client.post(
        reverse("admin:sales_projectgroup_change", args=[group.pk]),
        {
            "name": "Admin group",
            "type": group_type().pk,
            "main_project": "",
            "description": "",
            "members-TOTAL_FORMS": "2",
            "members-INITIAL_FORMS": "2",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000",
            "members-0-id": a.pk,
            "members-0-group": group.pk,
            "members-1-id": b.pk,
            "members-1-group": group.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not SalesProject.objects.get(pk=a.pk).counts_in_pipeline
    client.post(reverse("admin:sales_projectgroup_delete", args=[group.pk]), {"post": "yes"})
    assert not ProjectGroup.objects.filter(pk=group.pk).exists()
    assert (
        SalesProject.objects.get(pk=a.pk).counts_in_pipeline
        and SalesProject.objects.get(pk=a.pk).group is None
    )


def test_deleting_the_counting_alternative_in_the_admin_lets_the_next_one_count(client_for, dave):
    process = make_process()
    big = make_project(process=process, volume=Decimal("900"))
    small = make_project(process=process, volume=Decimal("100"))
    make_group(projects=[big, small])
    client_for(dave).post(
        reverse("admin:sales_salesproject_delete", args=[big.pk]), {"post": "yes"}
    )
    assert not SalesProject.objects.filter(pk=big.pk).exists()
    assert SalesProject.objects.get(pk=small.pk).counts_in_pipeline


def test_a_process_that_stops_being_a_sales_process_ends_its_conflicts(
    client_for, dave, alice, bob
):
    process = make_process(name="Offers")
    customer = make_customer()
    a = make_project(process=process, owner=alice, customer=customer)
    make_project(process=process, owner=bob, customer=customer)
    assert SalesProject.objects.get(pk=a.pk).has_competitor
    phases = list(process.phases.order_by("order", "id"))
    data = {
        "name": "Offers",
        "kind": "other",
        "order": "1",
        "is_active": "on",
        "phases-TOTAL_FORMS": str(len(phases)),
        "phases-INITIAL_FORMS": str(len(phases)),
        "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "1000",
    }
    for i, ph in enumerate(phases):
        data.update(
            {
                f"phases-{i}-id": ph.pk,
                f"phases-{i}-process": process.pk,
                f"phases-{i}-order": ph.order,
                f"phases-{i}-name": ph.name,
                f"phases-{i}-probability": ph.probability,
                f"phases-{i}-outcome": ph.outcome,
            }
        )
    response = client_for(dave).post(reverse("admin:sales_process_change", args=[process.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not SalesProject.objects.get(pk=a.pk).has_competitor


def test_a_new_tenant_gets_the_built_in_types(tenant, dave):
    GroupType.objects.filter(key__isnull=False).delete()
    events.tenant_provisioned.send(sender=None, tenant=tenant, admin_user=dave)
    assert set(GroupType.objects.values_list("key", flat=True)) >= {"subprojects", "alternatives"}


def test_the_flags_command_corrects_what_was_written_around_the_services(
    tenant, alice, bob, capsys
):
    customer = make_customer()
    a = make_project(owner=alice, customer=customer)
    make_project(owner=bob, customer=customer)
    SalesProject.objects.filter(pk=a.pk).update(has_competitor=False, counts_in_pipeline=False)
    call_command("sales_flags_refresh", schema="alpha")
    a.refresh_from_db()
    assert a.has_competitor and a.counts_in_pipeline
    assert "alpha: 1 roll-up and 1 competition flags corrected" in capsys.readouterr().out


def test_the_seeder_makes_groups_of_both_types_and_a_few_conflicts(tenant):
    from crm.models import User
    from sales.seed import seed_sales

    users = list(User.objects.all())
    for i in range(120):
        make_customer(owner=users[i % len(users)] if i % 3 else None)
    ctx = SeedContext(rng=random.Random(5), customers=120)
    ctx.made["users"] = users
    seed_sales(ctx)
    groups = selectors.group_queryset()
    alternatives = groups.filter(type__key="alternatives")
    assert (
        alternatives.filter(status="open").exists() and alternatives.filter(status="won").exists()
    )
    assert groups.filter(type__key="subprojects").exists()
    assert all(g.n_members >= 2 for g in groups)
    # members of a group belong to one customer; decided alternatives were closed for the winner
    assert all(len({m.customer_id for m in g.members.all()}) == 1 for g in groups)
    reason = LostReason.objects.get(key=LostReason.ALTERNATIVE_WON)
    assert SalesProject.objects.filter(
        lost_reason=reason, group__type__key="alternatives", phase__outcome=Phase.Outcome.LOST
    ).exists()
    conflicts = selectors.conflict_page(per_page=100)
    assert 3 <= conflicts.count <= 12
    assert flags_are_consistent()
    # every alternatives group adds its counting member only
    for group in alternatives:
        assert group.members.filter(counts_in_pipeline=True).count() == 1
