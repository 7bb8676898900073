"""The log page, timelines and the dashboard widget run a fixed number of queries, however many
rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from tests.builders.activity import bulk_activities
from tests.builders.customers import make_customer
from tests.builders.sales import make_project

pytestmark = pytest.mark.slow


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_log_page_query_count_is_flat_from_100_to_100000_activities(
    tenant, client_for, alice, bob, carol
):
    from crm.models import Team

    customers = [make_customer(owner=owner) for owner in (alice, bob, carol) for _ in range(3)]
    project = make_project(customer=customers[0], owner=alice)
    users = [alice, bob, carol]
    start = timezone.now()

    def fill(n):
        for i, user in enumerate(users):
            bulk_activities(
                n // len(users),
                start=start - datetime.timedelta(seconds=i),
                employee=user,
                customer=customers[i],
                step=datetime.timedelta(minutes=4),
            )
        bulk_activities(
            10,
            start=start,
            employee=alice,
            project=project,
            customer=project.customer,
            kinds=["task"],
            due_date=timezone.localdate() - datetime.timedelta(days=1),
        )

    north = Team.objects.get(name="North")
    urls = [
        reverse("activity:activity_list"),
        reverse("activity:activity_list") + f"?employee={alice.pk}&period=365d",
        reverse("activity:activity_list") + f"?team={north.pk}&kind=call&period=90d",
        reverse("activity:activity_list")
        + f"?period=365d&cursor={int(start.timestamp() * 1e6) - 10**9}_1",
        reverse("activity:activity_summary") + f"?team={north.pk}&kind=call&period=90d",
        reverse("activity:activity_summary") + f"?customer={customers[0].pk}&period=365d",
        reverse("activity:activity_list") + f"?customer={customers[0].pk}&task=overdue",
        reverse("activity:timeline") + f"?customer={customers[0].pk}",
        reverse("activity:timeline") + f"?project={project.pk}",
        "/",
    ]
    client = client_for(alice)
    fill(100)
    small = [_count(client, url) for url in urls]
    fill(99_900)
    assert Activity.objects.count() >= 100_000
    large = [_count(client, url) for url in urls]
    assert large == small
    # django-tenants adds a SET search_path before most queries: count only the real ones
    with CaptureQueriesContext(connection) as ctx:
        client.get(urls[1])
    real = [q for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")]
    assert len(real) <= 7, [
        q["sql"][:80] for q in real
    ]  # domain, session, user, users, teams, rows
    with CaptureQueriesContext(connection) as ctx:
        client.get(urls[4])
    real = [q for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")]
    assert len(real) <= 10, [
        q["sql"][:80] for q in real
    ]  # ... users, teams, 4 GROUP BYs of the summary
