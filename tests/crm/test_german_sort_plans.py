"""The German name sorts are index-backed: every index on a German-collated column is built with
that collation (an index of another collation cannot serve ORDER BY), and the first page of each
list sorted by name reads its index in order instead of a sequential scan and a sort.

The plans are the real pages' statements (captured from the views), explained with the planner's
own choice (no switches turned off) after a few thousand rows were written and analysed, so the
planner weighs a LIMIT 25 against a whole table, as it does at 100,000 customers (the benchmark
measures those pages, in English and in German: bench/pages.py).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.lib.collation import NAME_COLLATION, name_collation_is_german
from customers.models import ContactPerson, Customer
from sales.models import SalesProject
from tests.builders.customers import make_customer
from tests.builders.sales import make_process

pytestmark = pytest.mark.django_db

ROWS = 3000


@pytest.fixture
def german_collation(tenant):
    with connection.cursor() as cursor:
        if not name_collation_is_german(cursor):
            pytest.skip(
                "this PostgreSQL has no ICU and no de_DE locale (the embedded pgserver): C order"
            )


def test_every_index_on_a_german_column_has_the_german_collation(tenant):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, a.attname, coalesce(ic.collname, '') AS index_collation
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
            JOIN LATERAL unnest(x.indkey::int2[], x.indcollation::oid[])
                 AS k(attnum, coll_oid) ON k.attnum > 0
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            JOIN pg_collation ac ON ac.oid = a.attcollation AND ac.collname = %s
            LEFT JOIN pg_collation ic ON ic.oid = k.coll_oid
            """,
            [NAME_COLLATION],
        )
        rows = cursor.fetchall()
    names = {index for index, _column, _coll in rows}
    for wanted in ("customer_name_idx", "contact_name_idx", "project_title_idx"):
        assert wanted in names, sorted(names)
    wrong = [(index, column, coll) for index, column, coll in rows if coll != NAME_COLLATION]
    assert wrong == []


def _listing_plan(client, url: str, table: str) -> str:
    """EXPLAIN of the statement of ``url`` that reads a page of ``table`` (ORDER BY ... LIMIT),
    with the table's statistics taken after the rows were written."""
    with connection.cursor() as cursor:
        # Without it the plan would depend on whatever statistics earlier runs left behind (a
        # table emptied by rolled-back tests looks like a few rows on many pages).
        cursor.execute(f"ANALYZE {table}")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    listing = [
        q["sql"]
        for q in captured.captured_queries
        if re.search(rf'FROM "{table}"', q["sql"])
        and "ORDER BY" in q["sql"]
        and "LIMIT" in q["sql"]
    ]
    assert listing, [q["sql"][:120] for q in captured.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + listing[0])
        return "\n".join(row[0] for row in cursor.fetchall())


def _reads_index_in_order(plan: str, index: str, table: str) -> bool:
    """The index is scanned and no Sort and no sequential scan of the table stand before it."""
    if index not in plan:
        return False
    before = plan.split(index)[0]
    return "Sort" not in before and f"Seq Scan on {table}" not in plan


def test_the_overview_sorted_by_name_reads_the_german_name_index(
    german_collation, client_for, dave
):
    Customer.objects.bulk_create(
        Customer(
            name=f"Bäckerei {n:05d}",
            kind=Customer.Kind.COMPANY,
            status=Customer.Status.CUSTOMER,
            city="Köln",
            country="DE",
        )
        for n in range(ROWS)
    )
    plan = _listing_plan(client_for(dave), "/customers/?sort=name", "customers_customer")
    assert _reads_index_in_order(plan, "customer_name_idx", "customers_customer"), plan


def test_the_contacts_sorted_by_name_read_the_german_name_index(german_collation, client_for, dave):
    customer = make_customer(name="Ähren AG")
    ContactPerson.objects.bulk_create(
        ContactPerson(customer=customer, first_name="Jörg", last_name=f"Öztürk {n:05d}")
        for n in range(ROWS)
    )
    plan = _listing_plan(
        client_for(dave), "/customers/contacts/?sort=name", "customers_contactperson"
    )
    assert _reads_index_in_order(plan, "contact_name_idx", "customers_contactperson"), plan


def test_the_sales_list_sorted_by_title_reads_the_german_title_index(
    german_collation, client_for, dave
):
    process = make_process(name="Vertrieb")
    phase = process.phases.order_by("order", "id").first()
    customer = make_customer(name="Großhandel Süd")
    SalesProject.objects.bulk_create(
        SalesProject(
            customer=customer,
            process=process,
            phase=phase,
            title=f"Übergabe {n:05d}",
            probability=phase.probability,
            phase_entered_at=timezone.now(),
        )
        for n in range(ROWS)
    )
    plan = _listing_plan(
        client_for(dave), f"/sales/projects/?process={process.pk}&sort=title", "sales_salesproject"
    )
    assert _reads_index_in_order(plan, "project_title_idx", "sales_salesproject"), plan
