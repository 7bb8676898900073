"""Pagination of the long lists: exact counts when cheap, "about N" beyond, exact next links, flat
query counts."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.lib.citus import plan_rows
from customers import selectors
from customers.models import Customer
from customers.pagination import EstimatedCountPaginator, about, count_capped, count_estimate
from tests.builders.customers import make_contact, make_customer
from tests.builders.sales import make_process, make_project

URL = "/customers/"
CONTACTS = "/customers/contacts/"


def _customers(n: int, prefix: str = "Pag") -> list[Customer]:
    return Customer.objects.bulk_create(
        [
            Customer(
                name=f"{prefix} {i:03d} GmbH",
                city="Köln",
                search_text=f"{prefix.lower()} {i:03d} koeln",
                status="lead" if i % 4 == 0 else "customer",
            )
            for i in range(n)
        ]
    )


def _names(response) -> list[str]:
    return [row.record.name for row in response.context["table"].paginated_rows]


def _real(queries) -> list[str]:
    return [q["sql"] for q in queries if not q["sql"].startswith("SET search_path")]


@pytest.fixture
def small_limit(monkeypatch):
    """Counting stops at 10 rows, so a few dozen customers are already "many"."""
    monkeypatch.setattr(EstimatedCountPaginator, "exact_limit", 10)


def test_a_short_list_shows_its_exact_count_and_every_page(tenant, client_for, alice):
    _customers(30)
    response = client_for(alice).get(URL, {"q": "pag"})
    html = response.content.decode()
    assert response.context["table"].paginator.count == 30
    assert "30 rows" in html and "about" not in html.split('data-testid="row-count"')[1][:200]
    assert 'href="?q=pag&amp;page=2"' in html and 'rel="next"' in html


def test_past_the_limit_the_count_is_an_estimate_and_next_links_stay_exact(
    tenant, client_for, alice, small_limit
):
    _customers(30)
    client = client_for(alice)
    first = client.get(URL, {"q": "pag"})
    paginator = first.context["table"].paginator
    assert paginator.count_is_estimate and paginator.count >= 11
    assert "about " in first.content.decode().split('data-testid="row-count"')[1][:200]
    assert 'rel="next"' in first.content.decode()
    # the last real page has no "next", whatever the estimate says: it read one row ahead
    last = client.get(URL, {"q": "pag", "page": 2})
    assert _names(last) == [f"Pag {i:03d} GmbH" for i in range(25, 30)]
    assert 'rel="next"' not in last.content.decode() and 'rel="prev"' in last.content.decode()


def test_the_estimate_reads_the_statistics_of_the_table_that_holds_the_rows(tenant):
    # On a Citus coordinator the tenant's table is an empty shell (the rows sit in the worker's
    # shard): count and statistics come from the worker in one statement (crm_table_stats), and
    # the filtered estimate from the worker's plan. On a single PostgreSQL the same from the table.
    _customers(60, prefix="Est")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
    everyone = Customer.objects.all()
    count, stats = count_capped(everyone, limit=10)
    assert count == 11
    assert stats["pages"] >= 1 and stats["reltuples"] >= 60, stats
    filtered = Customer.objects.filter(status="lead")  # 15 of the 60
    _count, stats = count_capped(filtered, limit=10)
    assert 5 <= count_estimate(filtered, stats=stats) <= 60


def test_the_planner_rows_of_a_distributed_plan_are_its_tasks_rows():
    assert plan_rows({"Node Type": "Seq Scan", "Plan Rows": 42}) == 42
    citus = {
        "Node Type": "Custom Scan",
        "Plan Rows": 0,
        "Distributed Query": {
            "Job": {"Tasks": [{"Remote Plan": [[{"Plan": {"Plan Rows": 1234}}]]}]}
        },
    }
    assert plan_rows(citus) == 1234


def test_a_bookmarked_page_keeps_working_and_a_page_past_the_end_offers_the_way_back(
    tenant, client_for, alice, small_limit
):
    _customers(60)
    client = client_for(alice)
    assert _names(client.get(URL, {"q": "pag", "page": 2, "sort": "-name"}))[0] == "Pag 034 GmbH"
    gone = client.get(URL, {"q": "pag", "page": 40})
    assert gone.status_code == 200 and _names(gone) == []
    html = gone.content.decode()
    assert "No rows on this page." in html and 'href="?q=pag&amp;page=1"' in html


def test_without_the_limit_a_page_past_the_end_shows_the_last_page(tenant, client_for, alice):
    _customers(30)
    response = client_for(alice).get(URL, {"q": "pag", "page": 9})
    assert response.status_code == 200 and _names(response)[0] == "Pag 025 GmbH"


def test_estimates_are_rounded_to_two_significant_digits():
    assert [about(n) for n in (7, 99, 123, 1_049, 99_874, 100_000, 123_456)] == [
        7,
        99,
        120,
        1_000,
        100_000,
        100_000,
        120_000,
    ]


def test_the_contact_list_is_paginated_the_same_way(tenant, client_for, alice, small_limit):
    customer = make_customer(name="Kontakt AG")
    for i in range(30):
        make_contact(customer=customer, first_name="Eva", last_name=f"Zahl{i:02d}")
    client = client_for(alice)
    first = client.get(CONTACTS, {"q": "zahl"})
    assert first.context["table"].paginator.count_is_estimate
    last = client.get(CONTACTS, {"q": "zahl", "page": 2})
    assert (
        len(list(last.context["table"].paginated_rows)) == 5
        and 'rel="next"' not in last.content.decode()
    )


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "pag"},
        {"sort": "city"},
        {"sort": "-last_activity_at"},
        {"has_open_projects": "true"},
        {"sort": "-name"},
        {"owner": "me"},
        {"team": "mine"},
        {"sort": "-open_projects"},
        {"sort": "pipeline_value"},
        {"sort": "owner"},
        {"has_open_projects": "false", "sort": "-pipeline_value"},
    ],
)
@pytest.mark.parametrize("limited", [False, True], ids=["exact", "estimated"])
def test_overview_queries_do_not_grow_from_5_to_50_rows(
    tenant, client_for, carol, query, limited, monkeypatch, django_assert_max_num_queries
):
    if limited:
        monkeypatch.setattr(EstimatedCountPaginator, "exact_limit", 3)
    query = {
        k: (carol.pk if v == "me" else carol.team_id if v == "mine" else v)
        for k, v in query.items()
    }
    process = make_process()
    offer = process.phases.get(name="Offer")
    client = client_for(carol)

    def add(n, prefix):
        for c in _customers(n, prefix=prefix):
            c.owner = carol
            c.save(update_fields=["owner"])
            make_project(customer=c, phase=offer, volume=Decimal(10))

    add(5, "Pag")
    client.get(URL, query)  # warm-up: session, caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, query).status_code == 200
    add(45, "Pagx")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(URL, query).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert (
            client.get(URL, query, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="table").status_code
            == 200
        )
    # tenant, session, user, count (+ estimate), ids, rows, owner and team choices, the bulk form's
    # owners (carol is a manager: her team's members); the owner filter also looks up the owner, the
    # team filter the team and its sub-teams; the owner sort reads the counts per owner and the
    # owners' names first
    extra = (1 if "owner" in query else 2 if "team" in query else 0) + (
        2 if query.get("sort") == "owner" else 0
    )
    # ... and the bulk form's saved-selection picker (Add to selection) reads the newest selections
    # once, and the custom-field definitions and the overview layouts once each (the columns; cached
    # across requests outside the tests), and the standard fields switched off once
    assert len(_real(small.captured_queries)) <= 15 + extra


@pytest.mark.parametrize("limited", [False, True], ids=["exact", "estimated"])
def test_contact_list_queries_do_not_grow_from_5_to_50_rows(
    tenant, client_for, alice, limited, monkeypatch, django_assert_max_num_queries
):
    if limited:
        monkeypatch.setattr(EstimatedCountPaginator, "exact_limit", 3)
    customer = make_customer(name="Viele Kontakte AG")
    client = client_for(alice)
    for i in range(5):
        make_contact(customer=customer, last_name=f"Klein{i}")
    client.get(CONTACTS)
    with CaptureQueriesContext(connection) as small:
        client.get(CONTACTS)
    for i in range(45):
        make_contact(customer=make_customer(name=f"Firma {i}"), last_name=f"Gross{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(CONTACTS)
    assert len(list(response.context["table"].paginated_rows)) == 25
    assert len(_real(small.captured_queries)) <= 11  # with the standard fields switched off


def _export(client, params) -> list[dict]:
    response = client.get("/customers/export/", params)
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.parametrize("sort", ["name", "-open_projects"])
def test_export_carries_each_customers_open_projects_across_chunks(
    tenant, client_for, alice, sort, monkeypatch
):
    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 2)
    process = make_process()
    offer, won = process.phases.get(name="Offer"), process.phases.get(name="Won")
    customers = [make_customer(name=f"Exp {i}", city="Chunkstadt", owner=alice) for i in range(5)]
    for i, customer in enumerate(customers):
        for _ in range(i):
            make_project(customer=customer, phase=offer, volume=Decimal("100"))
        make_project(customer=customer, phase=won, volume=Decimal("999"))
    rows = _export(client_for(alice), {"q": "chunkstadt", "sort": sort})
    got = {r["name"]: (int(r["open_projects"]), Decimal(r["open_pipeline"])) for r in rows}
    assert got == {f"Exp {i}": (i, Decimal(100 * i)) for i in range(5)}
    assert rows[0]["owner"] == alice.email
    expected_order = [f"Exp {i}" for i in (range(5) if sort == "name" else range(4, -1, -1))]
    assert [r["name"] for r in rows] == expected_order
