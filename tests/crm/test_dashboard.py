"""The dashboard: the same figures from fewer queries, a fixed number of queries however many rows,
and tenant-wide counts cached until a domain event says they changed."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from activity.models import Activity
from sales.dashboard import dashboard_pipeline_figures
from sales.models import Process
from sales.selectors import dashboard_pipeline
from tests.builders.activity import bulk_activities, make_activity
from tests.builders.customers import make_customer
from tests.builders.sales import make_process, make_project


def _real(ctx) -> list[str]:
    return [
        q["sql"][:70] for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")
    ]


def test_pipeline_widget_figures_match_the_per_query_figures(tenant, alice, bob):
    process = make_process(name="Dash", order=0)
    lead_process = make_process(name="Dash leads", kind=Process.Kind.LEAD)
    today = timezone.localdate()
    days = [-400, -40, -1, 0, 1, 20, 35, 70, 95, 200, None]
    for i, offset in enumerate(days):
        date = None if offset is None else today + datetime.timedelta(days=offset)
        make_project(
            process=process, owner=alice, volume=Decimal(1000 + i), expected_order_date=date
        )
    make_project(
        process=process, owner=bob, volume=Decimal(5), expected_order_date=today
    )  # not mine
    make_project(
        process=lead_process, owner=alice, volume=Decimal(7), expected_order_date=today
    )  # a lead
    won = process.phases.get(outcome="won")
    make_project(
        process=process, phase=won, owner=alice, volume=Decimal(9), expected_order_date=today
    )  # closed
    figures = dashboard_pipeline_figures(user=alice)
    assert figures == dashboard_pipeline(user=alice)
    assert figures["total"].count == len(days) and figures["overdue"] == 3
    assert [totals.count for _month, totals in figures["forecast"]] != [0, 0, 0]


@pytest.mark.parametrize("who", ["alice", "carol", "dave"])
def test_dashboard_runs_a_fixed_number_of_queries_for_every_role(
    tenant, client_for, who, request, django_assert_max_num_queries
):
    user = request.getfixturevalue(who)
    client = client_for(user)
    process = make_process(name="Dash", order=0)

    def fill(n: int) -> None:
        customers = [make_customer(owner=user) for _ in range(n)]
        for i, customer in enumerate(customers):
            make_project(
                process=process,
                customer=customer,
                owner=user,
                volume=Decimal(100 + i),
                expected_order_date=timezone.localdate() + datetime.timedelta(days=i % 90 - 20),
            )
        bulk_activities(n * 20, employee=user, customer=customers[0], kinds=["call", "task"])
        make_activity(
            employee=user, kind="task", due_date=timezone.localdate() - datetime.timedelta(days=1)
        )

    def run() -> int:
        with django_assert_max_num_queries(
            2 * 14
        ) as ctx:  # django-tenants: a SET search_path per query
            page = client.get("/")
        assert page.status_code == 200
        real = _real(ctx)
        # domain, session, user; follow-ups 1; customers 3 and pipeline 1 (in production the
        # tenant-wide counts and the pipeline come from the cache); tasks 3 tiny index reads; team 2
        assert len(real) <= 13, real
        return len(real)

    fill(2)
    few = run()
    fill(40)
    assert Activity.objects.filter(employee=user).count() > 800
    assert run() == few


def test_tenant_wide_customer_counts_are_cached_until_a_customer_event(
    tenant,
    client_for,
    alice,
    settings,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    from customers import services

    settings.DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    client = client_for(alice)
    make_customer(owner=alice)
    first = client.get("/").content.decode()
    with django_assert_max_num_queries(100) as warm:
        again = client.get("/").content.decode()
    assert not any('customers_customer"."status"' in q and "COUNT" in q for q in _real(warm))
    assert 'data-testid="count-mine">1<' in first and 'data-testid="count-mine">1<' in again
    with django_capture_on_commit_callbacks(execute=True):
        services.customer_create(user=alice, name="Fresh GmbH", owner=alice)
    assert 'data-testid="count-mine">2<' in client.get("/").content.decode()
    cache.clear()
