"""What keeps the log fast on a million rows: keyset pages, the summary as a cached fragment, daily
counts per tenant schema, and a fixed number of queries per page and fragment."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from activity import services
from activity.models import Activity, DailyCount
from activity.selectors import cursor_encode
from tests.builders.activity import bulk_activities, make_activity
from tests.builders.customers import make_customer

LOG = reverse("activity:activity_list")
SUMMARY = reverse("activity:activity_summary")
TIMELINE = reverse("activity:timeline")
ENTRIES = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "activity-entries"}
RESULTS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "activity-results"}


def _subjects(response) -> list[str]:
    """The subjects of the entry rows, in order (fragments have no template context to read)."""
    return re.findall(r'<td><a href="/activity/\d+/">([^<]*)</a></td>', response.content.decode())


def _next(response) -> str | None:
    found = re.search(r'href="([^"]*)"[^>]*data-testid="entries-next"', response.content.decode())
    return html.unescape(found.group(1)) if found else None


def test_log_pages_by_keyset_through_equal_times_without_gaps_or_repeats(tenant, client_for, alice):
    same = timezone.now() - datetime.timedelta(hours=1)
    made = [
        make_activity(
            employee=alice,
            subject=f"e{i:02d}",
            occurred_at=same if i % 3 else same - datetime.timedelta(minutes=i),
        )
        for i in range(60)
    ]
    client = client_for(alice)
    seen, url, pages = [], f"{LOG}?employee={alice.pk}", 0
    while url:
        response = client.get(url, **(ENTRIES if pages else {}))
        assert response.status_code == 200
        seen += _subjects(response)
        url, pages = _next(response), pages + 1
    assert pages == 3 and sorted(seen) == sorted(a.subject for a in made)  # 25 + 25 + 10, each once
    expected = [a.subject for a in sorted(made, key=lambda a: (a.occurred_at, a.pk), reverse=True)]
    assert seen == expected
    # oldest first: the same entries the other way round
    oldest, url = [], f"{LOG}?employee={alice.pk}&sort=occurred_at"
    while url:
        response = client.get(url, **ENTRIES)
        oldest += _subjects(response)
        url = _next(response)
    assert oldest == expected[::-1]


def test_entries_fragment_is_only_the_table_and_keeps_the_filters(tenant, client_for, alice, bob):
    for i in range(30):
        make_activity(employee=alice, subject=f"alice {i}")
    make_activity(employee=bob, subject="bob's")
    client = client_for(alice)
    first = client.get(f"{LOG}?employee={alice.pk}&kind=call", **RESULTS)
    page = first.content.decode()
    assert 'data-testid="summary-slot"' in page and 'data-testid="activity-filter"' not in page
    assert f"employee={alice.pk}" in _next(first) and "kind=call" in _next(first)
    second = client.get(_next(first), **ENTRIES)
    page = second.content.decode()
    assert 'data-testid="activity-table"' in page and 'data-testid="summary-slot"' not in page
    assert len(_subjects(second)) == 5 and "bob" not in page
    assert 'data-testid="entries-first"' in page and 'data-testid="entries-next"' not in page


def test_a_malformed_cursor_shows_the_first_page(tenant, client_for, alice):
    make_activity(employee=alice, subject="newest")
    response = client_for(alice).get(f"{LOG}?cursor=nonsense")
    assert response.status_code == 200 and _subjects(response)[0] == "newest"


@pytest.fixture
def cache_on(settings):
    from django.core.cache import cache

    settings.ACTIVITY_SUMMARY_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def _queries(client, url, **headers) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_summary_is_cached_until_the_next_activity_is_logged(
    tenant, client_for, alice, cache_on, django_capture_on_commit_callbacks
):
    customer = make_customer(owner=alice)
    make_activity(employee=alice, customer=customer, kind="meeting")
    client = client_for(alice)
    url = f"{SUMMARY}?employee={alice.pk}"
    first, cold = _queries(client, url, HTTP_HX_REQUEST="true")
    again, warm = _queries(client, url, HTTP_HX_REQUEST="true")
    assert again == first and warm < cold  # no GROUP BYs the second time
    assert '<td class="text-end fw-semibold" data-testid="total">1</td>' in first
    # a new entry through the service makes the cached summary stale when it commits
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_create(user=alice, kind="call", customer=customer)
    fresh, _n = _queries(client, url, HTTP_HX_REQUEST="true")
    assert '<td class="text-end fw-semibold" data-testid="total">2</td>' in fresh


def test_summary_cache_is_per_tenant(tenant, other_tenant, client_for, alice, cache_on):
    make_activity(employee=alice, kind="call")
    alpha = client_for(alice).get(SUMMARY, HTTP_HX_REQUEST="true").content.decode()
    with schema_context(other_tenant.schema_name):
        from crm.models import User

        beta_alice = User.objects.get(email="alice@beta.test")
    beta = (
        client_for(beta_alice, on=other_tenant)
        .get(SUMMARY, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    # the same users, names and filters in both tenants: only the schema in the cache key differs
    assert 'data-testid="total">1<' in alpha
    assert 'data-testid="total">1<' not in beta


def test_daily_counts_land_in_the_tenants_own_schema(tenant, other_tenant, alice):
    """Tenant schemas are cloned from a template: the counting trigger must still write to the
    counts table of the schema the activity was written in, not to the template's or another's."""

    def others() -> list[int]:
        counts = []
        for schema in (other_tenant.schema_name, "_template"):
            with connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s)", [f'"{schema}".activity_dailycount'])
                table = cursor.fetchone()[0]  # the quoted, qualified name from the catalog, or None
                if table:
                    cursor.execute(f"SELECT coalesce(sum(n), 0) FROM {table}")  # noqa: S608
                    counts.append(cursor.fetchone()[0])
        return counts

    before = others()
    own_before = sum(DailyCount.objects.values_list("n", flat=True))
    make_activity(employee=alice, kind="call")
    bulk_activities(20, employee=alice)
    assert sum(DailyCount.objects.values_list("n", flat=True)) == own_before + 21
    assert others() == before


def test_every_log_page_and_fragment_runs_a_fixed_number_of_queries(
    tenant, client_for, alice, bob, carol, django_assert_max_num_queries
):
    from crm.models import Team

    customer = make_customer(owner=alice)
    north = Team.objects.get(name="North")
    client = client_for(carol)
    cursor = cursor_encode(
        Activity(occurred_at=timezone.now() + datetime.timedelta(days=1), pk=10**9)
    )
    urls = [
        (LOG, {}, 7),
        (f"{LOG}?employee={alice.pk}&customer={customer.pk}", {}, 8),
        (f"{LOG}?team={north.pk}&kind=call&period=90d", RESULTS, 7),
        (f"{LOG}?period=365d&cursor={cursor}", ENTRIES, 7),
        (SUMMARY, {"HTTP_HX_REQUEST": "true"}, 10),
        (f"{SUMMARY}?customer={customer.pk}&task=overdue", {"HTTP_HX_REQUEST": "true"}, 10),
        (f"{SUMMARY}?team={north.pk}", {}, 10),
        # a customer's timeline and its "show older" pages: customer, rows, their contacts
        (f"{TIMELINE}?customer={customer.pk}", {"HTTP_HX_REQUEST": "true"}, 7),
        (f"{TIMELINE}?customer={customer.pk}&cursor={cursor}", {"HTTP_HX_REQUEST": "true"}, 6),
    ]

    def run() -> list[int]:
        counts = []
        for url, headers, most in urls:
            with django_assert_max_num_queries(
                most * 2
            ) as ctx:  # django-tenants: a SET search_path per query
                assert client.get(url, **headers).status_code == 200
            real = [q for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")]
            assert len(real) <= most, (url, [q["sql"][:70] for q in real])
            counts.append(len(real))
        return counts

    for user in (alice, bob, carol):
        make_activity(
            employee=user,
            customer=customer,
            kind="task",
            due_date=timezone.localdate() - datetime.timedelta(days=2),
        )
    few = run()
    for user in (alice, bob, carol):
        bulk_activities(400, employee=user, customer=customer, step=datetime.timedelta(hours=3))
    assert run() == few


def _announced(response) -> str:
    found = re.search(r'id="entries-title" data-crm-announce="([^"]*)"', response.content.decode())
    return html.unescape(found.group(1))


def test_the_live_region_hears_the_filters_real_count_on_every_page(
    tenant, client_for, alice, monkeypatch
):
    """After filtering (and paging) the log says how many entries match: "30 activities", not
    "more than 25" of the first page; counted up to a limit, past it "more than 1,000"."""
    from activity.views import log

    customer = make_customer(owner=alice)
    bulk_activities(30, employee=alice, customer=customer)
    client = client_for(alice)
    url = f"{LOG}?customer={customer.pk}"
    first = client.get(url, **RESULTS)
    assert len(_subjects(first)) == 25
    assert _announced(first) == "30 activities"
    assert _announced(client.get(_next(first), **ENTRIES)) == "30 activities"
    assert _announced(client.get(f"{url}&kind=call", **RESULTS)) == (
        f"{Activity.objects.filter(customer=customer, kind='call').count()} activities"
    )
    assert _announced(client.get(url, **RESULTS, HTTP_ACCEPT_LANGUAGE="de")) == "30 Aktivitäten"
    monkeypatch.setattr(log, "LOG_COUNT_LIMIT", 10)
    assert _announced(client.get(url, **RESULTS, HTTP_ACCEPT_LANGUAGE="de")) == (
        "mehr als 10 Aktivitäten"
    )
    # a full page load is not announced and does not count
    assert _announced(client.get(url)) == ""
