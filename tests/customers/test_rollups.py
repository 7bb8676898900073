"""Each customer's stored open project count and open pipeline value (owned by sales: sales 0017's
trigger on the projects and phases tables, its SQL in sales/sql/): after every kind of project
write they equal a fresh aggregate of the projects, the overview sorts and filters by them, each
tenant's triggers write only their own schema, and the rebuild command repairs drift."""

from __future__ import annotations

import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from crm.lib.seeding import SeedContext
from customers.models import Customer
from customers.selectors import customer_rollups_stale
from sales import services
from sales.models import LostReason, Phase, SalesProject
from tests.builders.customers import make_customer
from tests.builders.sales import make_group, make_process, make_project

URL = "/customers/"


def fresh() -> dict[int, tuple[int, Decimal]]:
    """Every customer's open project count and value, aggregated from the projects (the overview's
    former annotation): open = the phase's outcome is open; only counts_in_pipeline adds value."""
    is_open = Q(projects__phase__outcome=Phase.Outcome.OPEN)
    rows = (
        Customer.objects.order_by()
        .annotate(
            n=Count("projects", filter=is_open),
            v=Coalesce(
                Sum("projects__volume", filter=is_open & Q(projects__counts_in_pipeline=True)),
                Value(0, output_field=DecimalField()),
            ),
        )
        .values_list("pk", "n", "v")
    )
    return {pk: (n, Decimal(v)) for pk, n, v in rows}


def stored() -> dict[int, tuple[int, Decimal]]:
    return {
        pk: (n, v)
        for pk, n, v in Customer.objects.values_list("pk", "open_projects_count", "pipeline_value")
    }


def figures(customer: Customer) -> tuple[int, Decimal]:
    customer.refresh_from_db(fields=["open_projects_count", "pipeline_value"])
    return customer.open_projects_count, customer.pipeline_value


def assert_exact() -> None:
    assert stored() == fresh()
    assert customer_rollups_stale() == []


@pytest.fixture
def process(tenant):
    return make_process(name="Roll-up process")


def test_creating_moving_winning_losing_and_deleting_projects_keep_the_figures(process, dave):
    offer, won, lost = (process.phases.get(name=n) for n in ("Offer", "Won", "Lost"))
    customer = make_customer(name="Rollup One")
    assert figures(customer) == (0, 0)

    a = services.project_create(
        customer=customer, process=process, title="A", user=dave, volume=Decimal("1000.50")
    )
    b = services.project_create(
        customer=customer, process=process, title="B", user=dave, volume=Decimal("200")
    )
    services.project_create(
        customer=customer,
        process=process,
        title="Won at once",
        user=dave,
        phase=won,
        volume=Decimal("9999"),
    )
    assert figures(customer) == (2, Decimal("1200.50"))

    a = services.project_move(
        project=a, phase=offer, user=dave, expected_version=a.version
    ).project  # open to open
    assert figures(customer) == (2, Decimal("1200.50"))
    services.project_move(project=a, phase=won, user=dave, expected_version=a.version)
    assert figures(customer) == (1, Decimal("200"))
    reason = LostReason.objects.create(name="Too dear")
    b = services.project_move(
        project=b, phase=lost, user=dave, expected_version=b.version, lost_reason=reason
    ).project
    assert figures(customer) == (0, 0)
    b = services.project_reopen(project=b, user=dave, expected_version=b.version, phase=offer)
    assert figures(customer) == (1, Decimal("200"))
    b = services.project_update(
        project=b, user=dave, expected_version=b.version, data={"volume": Decimal("250.25")}
    )
    assert figures(customer) == (1, Decimal("250.25"))
    services.project_delete(project=b)
    assert figures(customer) == (0, 0)
    assert_exact()


def test_moving_a_project_to_another_customer_moves_its_figures(process, dave):
    old, new = make_customer(name="Rollup Old"), make_customer(name="Rollup New")
    project = make_project(customer=old, process=process, volume=Decimal("700"))
    make_project(customer=old, process=process, volume=Decimal("50"))
    assert figures(old) == (2, Decimal("750"))

    services.project_update(
        project=project, user=dave, expected_version=project.version, data={"customer": new}
    )
    assert figures(old) == (1, Decimal("50")) and figures(new) == (1, Decimal("700"))
    assert_exact()


def test_an_alternatives_group_counts_every_open_project_but_its_value_once(process, dave):
    customer = make_customer(name="Rollup Alternatives")
    small = make_project(customer=customer, process=process, volume=Decimal("100"), probability=90)
    big = make_project(customer=customer, process=process, volume=Decimal("5000"), probability=10)
    assert figures(customer) == (2, Decimal("5100"))

    make_group(projects=[small, big])
    counting = SalesProject.objects.get(customer=customer, counts_in_pipeline=True)
    assert figures(customer) == (
        2,
        counting.volume,
    )  # the overview has always counted both projects
    assert_exact()


def test_bulk_writes_keep_the_figures_of_every_customer(process, alice, bob, dave):
    offer, won = process.phases.get(name="Offer"), process.phases.get(name="Won")
    customers = [make_customer(name=f"Rollup Bulk {i}") for i in range(6)]
    now = timezone.now()
    SalesProject.objects.bulk_create(
        [  # one INSERT statement for 18 projects
            SalesProject(
                customer=c,
                process=process,
                phase=phase,
                title="P",
                volume=Decimal(100 + i),
                phase_entered_at=now,
                owner=alice,
            )
            for i, c in enumerate(customers)
            for phase in (offer, offer, won)
        ]
    )
    assert_exact()
    assert figures(customers[2]) == (2, Decimal(204))

    SalesProject.objects.filter(customer__in=customers[:3]).update(volume=F("volume") * 2)
    assert_exact()
    ids = list(
        SalesProject.objects.filter(customer__in=customers[3:], phase=offer).values_list(
            "pk", flat=True
        )
    )
    result = services.project_bulk_move(project_ids=ids[:4], phase=won, user=dave)
    assert len(result.done) == 4
    services.project_bulk_change_owner(project_ids=ids, owner=bob, user=dave)
    assert_exact()
    SalesProject.objects.filter(customer=customers[0]).update(
        customer=customers[1]
    )  # one statement, two customers
    SalesProject.objects.filter(customer=customers[4]).delete()
    assert_exact()
    assert figures(customers[0]) == (0, 0) and figures(customers[1]) == (
        4,
        Decimal(2 * (200 + 202)),
    )


def test_a_phase_that_changes_its_outcome_moves_its_projects_in_or_out(process):
    offer = process.phases.get(name="Offer")
    customer = make_customer(name="Rollup Phase")
    make_project(customer=customer, phase=offer, volume=Decimal("300"))
    make_project(
        customer=customer, phase=process.phases.get(name="Contacted"), volume=Decimal("40")
    )
    assert figures(customer) == (2, Decimal("340"))

    Phase.objects.filter(pk=offer.pk).update(outcome=Phase.Outcome.WON)
    assert figures(customer) == (1, Decimal("40"))
    Phase.objects.filter(pk=offer.pk).update(
        outcome=Phase.Outcome.LOST
    )  # closed to closed: nothing
    assert figures(customer) == (1, Decimal("40"))
    Phase.objects.filter(pk=offer.pk).update(outcome=Phase.Outcome.OPEN, name="Offer again")
    assert figures(customer) == (2, Decimal("340"))
    assert_exact()


def test_the_stale_check_finds_a_wrong_figure_and_the_rebuild_repairs_it(process):
    customer = make_customer(name="Rollup Stale")
    empty = make_customer(name="Rollup Stale Empty")  # no open project, yet a figure stored
    make_project(customer=customer, process=process, volume=Decimal("10"))
    Customer.objects.filter(pk=customer.pk).update(
        open_projects_count=5, pipeline_value=Decimal("1")
    )
    Customer.objects.filter(pk=empty.pk).update(open_projects_count=2, pipeline_value=Decimal("7"))
    assert customer_rollups_stale(customer_ids=[customer.pk]) == [
        (customer.pk, 5, Decimal("1.00"), 1, Decimal("10.00"))
    ]

    assert services.customer_rollups_rebuild() == 2  # only the two wrong rows are written
    assert customer_rollups_stale() == []
    assert figures(empty) == (0, 0)
    assert services.customer_rollups_rebuild() == 0


def test_the_refresh_command_rebuilds_the_figures(tenant, process):
    customer = make_customer(name="Rollup Command")
    make_project(customer=customer, process=process, volume=Decimal("12"))
    Customer.objects.filter(pk=customer.pk).update(open_projects_count=0, pipeline_value=0)
    out = io.StringIO()
    call_command("sales_flags_refresh", schema=tenant.schema_name, stdout=out)
    assert "1 customers' open project figures corrected" in out.getvalue()
    assert figures(customer) == (1, Decimal("12"))


def test_sales_owns_the_triggers_that_write_the_figures(tenant):
    """The figures derive from sales projects: only sales' function writes them, no trigger or
    function of the customers app sits on sales' tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, c.relname, p.proname FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            " JOIN pg_proc p ON p.oid = t.tgfoid"
            " WHERE n.nspname = %s AND NOT t.tgisinternal AND p.proname LIKE %s",
            [tenant.schema_name, "%rollups%"],
        )
        triggers = sorted(cursor.fetchall())
        cursor.execute(
            "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = %s AND p.proname LIKE 'customers\\_%%'",
            [tenant.schema_name],
        )
        customers_functions = cursor.fetchone()[0]
    assert triggers == [
        ("sales_customer_rollups_delete", "sales_salesproject", "sales_customer_rollups"),
        ("sales_customer_rollups_insert", "sales_salesproject", "sales_customer_rollups"),
        ("sales_customer_rollups_phase", "sales_phase", "sales_customer_rollups"),
        ("sales_customer_rollups_update", "sales_salesproject", "sales_customer_rollups"),
    ]
    assert customers_functions == 0


def test_the_overview_sorts_and_filters_by_the_stored_figures(process, client_for, alice):
    offer, won = process.phases.get(name="Offer"), process.phases.get(name="Won")
    names = {
        "Rsort Many": (3, 100),
        "Rsort Rich": (1, 90000),
        "Rsort None": (0, 0),
        "Rsort Two": (2, 5000),
    }
    for name, (n, volume) in names.items():
        customer = make_customer(name=name, owner=alice)
        for _ in range(n):
            make_project(customer=customer, phase=offer, volume=Decimal(volume))
        make_project(customer=customer, phase=won, volume=Decimal(10**6))  # closed: never counted
    client = client_for(alice)

    def rows(**query) -> list[str]:
        response = client.get(URL, {"q": "Rsort", **query})
        return [row.record.name for row in response.context["table"].paginated_rows]

    assert rows(sort="-open_projects") == ["Rsort Many", "Rsort Two", "Rsort Rich", "Rsort None"]
    assert rows(sort="open_projects") == ["Rsort None", "Rsort Rich", "Rsort Two", "Rsort Many"]
    assert rows(sort="-pipeline_value") == ["Rsort Rich", "Rsort Two", "Rsort Many", "Rsort None"]
    assert rows(has_open_projects="true") == ["Rsort Many", "Rsort Rich", "Rsort Two"]
    assert rows(has_open_projects="false") == ["Rsort None"]
    assert rows(has_open_projects="true", sort="pipeline_value") == [
        "Rsort Many",
        "Rsort Two",
        "Rsort Rich",
    ]
    page = client.get(URL, {"q": "Rsort Rich"}).content.decode()
    assert "90,000" in page or "90.000" in page or "90 000" in page


def test_each_tenants_triggers_write_only_their_own_schema(tenant, other_tenant, process):
    here = make_customer(name="Rollup Here")
    make_project(customer=here, process=process, volume=Decimal("11"))
    before = stored()
    with schema_context(other_tenant.schema_name):
        there = make_customer(name="Rollup There")
        project = make_project(customer=there, process=make_process(), volume=Decimal("22"))
        SalesProject.objects.filter(pk=project.pk).update(volume=Decimal("33"))
        assert figures(there) == (1, Decimal("33"))
        assert_exact()
    assert stored() == before  # ids collide across tenants: nothing of the other write arrived here
    assert figures(here) == (1, Decimal("11"))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, p.proname, p.prosrc, p.proconfig FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE p.proname = 'sales_customer_rollups' AND n.nspname = ANY(%s)",
            [[tenant.schema_name, other_tenant.schema_name]],
        )
        functions = cursor.fetchall()
    assert len(functions) == 2  # one in each schema (provisioned as clones of the template)
    for _schema, _name, body, config in functions:
        # Tables are named by the schema the trigger fired in, never by a fixed one.
        assert "TG_TABLE_SCHEMA" in body and not any(
            s in body for s in (tenant.schema_name, other_tenant.schema_name, "_template")
        )
        assert config == ["search_path=pg_catalog, pg_temp"]


def test_the_seeders_bulk_copies_end_with_exact_figures(tenant):
    from crm.models import User
    from customers.seed import seed_customers
    from sales.seed import seed_sales

    ctx = SeedContext(rng=random.Random(5), customers=120, stdout=lambda s: None)
    ctx.made["users"] = list(User.objects.all())
    seed_customers(ctx)
    seed_sales(ctx)
    assert_exact()
    seeded = Customer.objects.filter(pk__in=ctx.made["customer_ids"])
    assert (
        seeded.filter(open_projects_count__gt=0).exists()
        and seeded.filter(pipeline_value__gt=0).exists()
    )


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
def test_the_owner_sort_pages_exactly_like_sorting_by_the_owners_name(
    tenant, alice, bob, descending
):
    from crm.models import User
    from customers.selectors import OWNER_SORT, customer_list
    from tests.builders.crm import make_user

    twins = [
        make_user(first_name="Zoe", last_name="Twin") for _ in range(2)
    ]  # one range, ids interleaved
    inactive = make_user(first_name="Aaron", last_name="Gone")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    owners = [alice, bob, *twins, inactive, None]
    rng = random.Random(11)
    for i in range(60):
        make_customer(name=f"Osort {i:02d}", owner=rng.choice(owners))
    ordering = [f"-{f}" for f in OWNER_SORT] if descending else list(OWNER_SORT)
    plain = list(
        Customer.objects.filter(name__startswith="Osort")
        .order_by(*ordering)
        .values_list("pk", flat=True)
    )
    overview = (
        customer_list(leads_visible=True).filter(name__startswith="Osort").order_by(*ordering)
    )
    for start, stop in [(0, 7), (5, 31), (29, 60), (55, 80), (70, 90)]:
        with CaptureQueriesContext(connection) as ctx:
            page = [c.pk for c in overview[start:stop]]
        assert page == plain[start:stop]
        # counts per owner, the owners' names, the page's ranges of one or more owners, the rows
        real = [q for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")]
        assert len(real) == (2 if start >= len(plain) else 4)
