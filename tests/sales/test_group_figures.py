"""The project groups' stored figures (issue 17, sales 0020): members, value, weighted value and
the outcome counts behind the status are kept by statement triggers through every kind of write,
equal to a fresh aggregate of the members, and the group list sorted or filtered by them reads the
groups, not every member of the tenant."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sales import selectors, services
from sales.models import GroupType, Phase, ProjectGroup, SalesProject
from sales.selectors.totals import rollup_aggregates
from tests.builders.customers import make_customer
from tests.builders.sales import group_type, make_group, make_process, make_project
from tests.plans import page_buffers

pytestmark = pytest.mark.django_db


def fresh(group: ProjectGroup) -> tuple:
    """The figures aggregated from the members as the group pages did before sales 0020."""
    figures = rollup_aggregates(prefix="members__")
    outcome = "members__phase__outcome"
    row = ProjectGroup.objects.filter(pk=group.pk).aggregate(
        n=figures["n"],
        v=figures["vol"],
        w=figures["wtd"],
        o=Count("members", filter=Q(**{outcome: Phase.Outcome.OPEN})),
        won=Count("members", filter=Q(**{outcome: Phase.Outcome.WON})),
        lost=Count("members", filter=Q(**{outcome: Phase.Outcome.LOST})),
    )
    return row["n"], row["v"], row["w"], row["o"], row["won"], row["lost"]


def stored(group: ProjectGroup) -> tuple:
    return tuple(
        ProjectGroup.objects.filter(pk=group.pk).values_list(
            "members_count",
            "value_total",
            "weighted_total",
            "open_count",
            "won_count",
            "lost_count",
        )[0]
    )


def assert_exact(*groups: ProjectGroup) -> None:
    for group in groups:
        assert stored(group) == fresh(group), group
    assert services.group_figures_rebuild() == 0  # a fresh aggregate corrects nothing


@pytest.fixture
def process(tenant):
    return make_process(name="Figures", order=0)


def test_the_figures_follow_every_write_of_a_member(process, dave):
    phases = {p.name: p for p in process.phases.all()}
    a = make_project(phase=phases["Contacted"], volume=Decimal("1000.50"), probability=13)
    b = make_project(phase=phases["Negotiation"], volume=Decimal("2000"), probability=75)
    c = make_project(phase=phases["Offer"], volume=Decimal("333.33"), probability=37)
    alternatives = make_group(projects=[a, b, c], type="alternatives")
    d = make_project(phase=phases["Won"], volume=Decimal("500"), probability=100)
    e = make_project(phase=phases["Contacted"], volume=Decimal("250"), probability=10)
    parts = make_group(projects=[d, e], type="subprojects")
    assert_exact(alternatives, parts)
    assert stored(parts) == (2, Decimal("750.00"), Decimal("525.0000"), 1, 1, 0)

    # a plain edit (volume, probability) and a move inside the open phases
    services.project_update(
        project=a,
        user=dave,
        expected_version=None,
        data={"volume": Decimal("4000"), "probability": 40},
    )
    services.project_move(project=c, phase=phases["Negotiation"], user=dave, expected_version=None)
    assert_exact(alternatives, parts)

    # a win closes the other alternatives: one statement of the service, several members
    services.project_move(project=b, phase=phases["Won"], user=dave, expected_version=None)
    assert_exact(alternatives, parts)
    assert stored(alternatives)[3:] == (0, 1, 2)

    # leaving, joining, deleting a member (through the service and without it)
    services.group_remove_project(project=SalesProject.objects.get(pk=e.pk), user=dave)
    services.group_add_project(group=parts, project=SalesProject.objects.get(pk=e.pk), user=dave)
    assert_exact(alternatives, parts)
    services.project_delete(project=SalesProject.objects.get(pk=e.pk))
    assert_exact(alternatives, parts)
    SalesProject.objects.filter(pk=d.pk).delete()  # around the services: the trigger still counts
    assert_exact(alternatives, parts)
    assert stored(parts) == (0, Decimal("0"), Decimal("0"), 0, 0, 0)


def test_a_phase_that_changes_its_outcome_moves_its_members_between_the_counts(process):
    phases = {p.name: p for p in process.phases.all()}
    a = make_project(phase=phases["Offer"])
    b = make_project(phase=phases["Offer"])
    c = make_project(phase=phases["Contacted"])
    group = make_group(projects=[a, b, c], type="subprojects")
    Phase.objects.filter(pk=phases["Offer"].pk).update(outcome=Phase.Outcome.LOST)
    assert_exact(group)
    assert stored(group)[3:] == (1, 0, 2)
    assert selectors.group_get(pk=group.pk).status == ProjectGroup.Status.MIXED


def test_a_type_changing_its_rule_recounts_which_member_counts(process):
    phases = {p.name: p for p in process.phases.all()}
    a = make_project(phase=phases["Offer"], volume=Decimal("100"))
    b = make_project(phase=phases["Offer"], volume=Decimal("900"))
    kind = GroupType.objects.create(name="Own type", rule=GroupType.Rule.SUM)
    group = make_group(projects=[a, b], type=kind)
    assert stored(group)[1] == Decimal("1000")
    GroupType.objects.filter(pk=kind.pk).update(rule=GroupType.Rule.ALTERNATIVES)
    services.group_type_changed(group_type=GroupType.objects.get(pk=kind.pk))
    assert_exact(group)
    assert stored(group)[1] == Decimal("900")


def test_the_rebuild_repairs_figures_written_around_the_trigger(process):
    group = make_group(projects=[make_project(), make_project()], type="subprojects")
    ProjectGroup.objects.filter(pk=group.pk).update(members_count=7, value_total=1)
    assert services.group_figures_rebuild() == 1
    assert_exact(group)


GROUPS, PER_GROUP = 200, 15


def _buffers(client, url: str) -> int:
    return page_buffers(
        client,
        url,
        analyze=("sales_projectgroup", "sales_salesproject"),
        reading="sales_projectgroup",
    )


@pytest.mark.parametrize(
    "query",
    ["sort=value", "sort=-weighted", "sort=n_members", "sort=-status", "status=open&page=2"],
)
def test_the_group_list_by_a_figure_reads_the_groups_not_every_member(
    process, client_for, dave, query
):
    phases = list(process.phases.order_by("order", "id"))
    kind = group_type("subprojects")
    groups = ProjectGroup.objects.bulk_create(
        ProjectGroup(name=f"Gruppe {i:04d}", type=kind) for i in range(GROUPS)
    )
    customer = make_customer(name="Figures AG")
    now = timezone.now()
    SalesProject.objects.bulk_create(
        SalesProject(
            customer=customer,
            process=process,
            phase=phases[(i * 7) % len(phases)],
            group=groups[i % GROUPS],
            owner=dave,
            title=f"Teil {i:05d}",
            volume=Decimal(100 + (i * 37) % 5000),
            probability=(i * 13) % 101,
            phase_entered_at=now,
        )
        for i in range(GROUPS * PER_GROUP)
    )
    assert_exact(groups[0], groups[-1])
    read = _buffers(client_for(dave), f"/sales/groups/?{query}")
    # the groups' own pages and the page's 50 groups' members; before sales 0020 the count, the
    # page's ids and the page's figures each aggregated all 3,000 members
    assert read < GROUPS * PER_GROUP, read


def test_each_tenants_trigger_writes_only_its_own_groups(tenant, other_tenant, process):
    from django_tenants.utils import schema_context

    here = make_group(projects=[make_project(process=process, volume=Decimal("11"))])
    before = stored(here)
    with schema_context(other_tenant.schema_name):
        there = make_group(projects=[make_project(volume=Decimal("22"))], type="subprojects")
        SalesProject.objects.filter(group=there).update(volume=Decimal("33"))
        assert stored(there)[:2] == (1, Decimal("33"))
        assert_exact(there)
    assert stored(here) == before  # ids collide across tenants: nothing arrived here
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.prosrc, p.proconfig FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE p.proname = 'sales_group_figures' AND n.nspname = ANY(%s)",
            [[tenant.schema_name, other_tenant.schema_name]],
        )
        functions = cursor.fetchall()
    assert len(functions) == 2  # one in each schema (clones of the template)
    for body, config in functions:
        assert "TG_TABLE_SCHEMA" in body and tenant.schema_name not in body
        assert config == ["search_path=pg_catalog, pg_temp"]


@pytest.mark.parametrize("by", ["owner", "team"])
def test_the_owner_and_team_filters_ask_the_group_index_alone(process, client_for, dave, by):
    """Each group's "a member of this owner?" reads no project column beyond the partial group
    index and the owner it carries (sales 0022); the team's owners come as a list of ids, never as
    a join to the users per member."""
    from tests.sales.test_sort_plans import _index_columns

    make_group(projects=[make_project(process=process, owner=dave)], type="subprojects")
    value = dave.pk if by == "owner" else dave.team_id
    if value is None:
        from crm.models import Team

        value = Team.objects.order_by("id").values_list("pk", flat=True).first()
    with CaptureQueriesContext(connection) as captured:
        assert client_for(dave).get(f"/sales/groups/?{by}={value}").status_code == 200
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT")
        and 'FROM "sales_projectgroup"' in q["sql"]
        and "EXISTS" in q["sql"]
    ]
    assert statements
    covered = set(_index_columns("project_group_owner_idx"))
    assert covered == {"group_id", "owner_id"}
    for sql in statements:
        inner = sql[sql.index("EXISTS") :]
        read = set(re.findall(r'U0\."(\w+)"', inner))
        assert read and read <= covered, (read, sql)
        assert "crm_user" not in inner, sql


def test_the_conflicts_list_reads_both_sides_from_the_competing_index(process, client_for, dave):
    """The conflicts beside the groups: every column of either project of a pair is in the
    partial index of the flagged projects (sales 0023; its predicate is the flag itself), so
    the self-join is two index-only scans instead of a row fetch per flagged project and rival."""
    from tests.sales.test_sort_plans import _index_columns

    with CaptureQueriesContext(connection) as captured:
        assert client_for(dave).get("/sales/groups/").status_code == 200
    pairs = [q["sql"] for q in captured.captured_queries if "COUNT(*) OVER ()" in q["sql"]]
    assert len(pairs) == 1
    covered = set(_index_columns("project_competing_idx")) | {"has_competitor"}
    read = set(re.findall(r"\b[ab]\.(\w+)", pairs[0]))
    assert read and read <= covered, read - covered
