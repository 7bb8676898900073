"""The project list's sorts that had no index read one now (sales migration 0018): the sales list
by weighted value, the lead list (its one lead process, given as an id list) by expected date and
by probability. The real pages' statements, explained with the planner's own choice after a few
thousand rows were written and analysed (as tests/crm/test_german_sort_plans.py does)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sales.models import Process, SalesProject
from tests.builders.customers import make_customer
from tests.builders.sales import make_process
from tests.crm.test_german_sort_plans import _listing_plan, _reads_index_in_order

pytestmark = pytest.mark.django_db

ROWS = 3000


def _projects(process: Process, n: int = ROWS) -> None:
    phases = list(process.phases.order_by("order", "id"))
    customer = make_customer(name="Weighted AG")
    today = timezone.localdate()
    SalesProject.objects.bulk_create(
        SalesProject(
            customer=customer,
            process=process,
            phase=phases[i % 2],
            title=f"Project {i:05d}",
            volume=Decimal(1000 + (i * 37) % 5000),
            probability=(i * 7) % 101,
            expected_order_date=today + datetime.timedelta(days=i % 400),
            phase_entered_at=timezone.now(),
        )
        for i in range(n)
    )


@pytest.mark.parametrize("sort", ["weighted", "-weighted"])
def test_the_sales_list_by_weighted_value_reads_its_index(tenant, client_for, dave, sort):
    _projects(make_process(name="Sales"))
    plan = _listing_plan(client_for(dave), f"/sales/projects/?sort={sort}", "sales_salesproject")
    assert _reads_index_in_order(plan, "project_weighted_idx", "sales_salesproject"), plan


@pytest.mark.parametrize(
    "sort, index",
    [
        ("expected_order_date", "project_process_expected_idx"),
        ("-expected_order_date", "project_process_expected_idx"),
        ("probability", "project_process_prob_idx"),
        ("-probability", "project_process_prob_idx"),
    ],
)
def test_the_lead_list_sorts_read_the_per_process_indexes(tenant, client_for, dave, sort, index):
    _projects(make_process(name="Sales"))  # the sales projects the lead list must skip
    lead_process = Process.objects.filter(kind=Process.Kind.LEAD).first() or make_process(
        kind="lead", name="Leads"
    )
    _projects(lead_process, ROWS // 3)
    plan = _listing_plan(client_for(dave), f"/sales/leads/?sort={sort}", "sales_salesproject")
    assert _reads_index_in_order(plan, index, "sales_salesproject"), plan


def test_the_weighted_sort_ends_in_the_id(tenant, client_for, dave):
    """Equal weighted values (the same volume and probability) keep one page order."""
    _projects(make_process(name="Sales"), 60)
    SalesProject.objects.update(volume=Decimal("1000"), probability=50)
    client = client_for(dave)
    first = client.get("/sales/projects/?sort=weighted").context["table"].page.object_list
    ids = [row.record.pk for row in first]
    assert ids == sorted(ids)


def _statements_of(client, url: str, marker: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    found = [q["sql"] for q in captured.captured_queries if marker in q["sql"]]
    assert found, marker
    return found


def _index_columns(index: str) -> list[str]:
    """The key columns, then the included ones, of ``index``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, n)"
            " JOIN pg_attribute a ON a.attnum = k.attnum"
            " WHERE i.indexrelid = %s::regclass AND a.attrelid = i.indrelid ORDER BY k.n",
            [index],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize(
    "sort, column, index",
    [
        ("phase", "phase_id", "project_phase_id_cover"),
        ("-phase", "phase_id", "project_phase_id_cover"),
        ("owner", "owner_id", "project_owner_id_cover"),
        ("-owner", "owner_id", "project_owner_id_cover"),
    ],
)
def test_a_deep_page_by_owner_or_phase_can_be_read_from_its_index_alone(
    tenant, client_for, dave, sort, column, index
):
    """The page's ids of one owner's or phase's range (sales/listing.py), and the counts per
    owner or phase, read no column beyond the (fk, id) index and the process it carries
    (sales 0021): an index-only scan, no row fetch per skipped row (at 100,000 customers page
    201 of the phase sort read 22,900 buffers through the primary key, now about 600). The plan
    itself is not asserted here: inside a test's transaction the visibility map is never set,
    so the planner prices an index-only scan like a row fetch per entry."""
    _projects(make_process(name="Sales"))
    SalesProject.objects.update(owner=dave)
    statements = _statements_of(
        client_for(dave),
        f"/sales/projects/?sort={sort}&page={ROWS // 4 // 50}",
        f'"sales_salesproject"."{column}" AS "{column}"',
    )
    covered = _index_columns(index)
    assert covered[:2] == [column, "id"], covered
    for sql in statements:
        read = set(re.findall(r'"sales_salesproject"\."(\w+)"', sql))
        assert read <= set(covered), (read - set(covered), sql)
        if "COUNT(*)" in sql:  # the count per value: (process, value), the list's processes first
            per_process = _index_columns(f"project_process_{column.removesuffix('_id')}_idx")
            assert per_process == ["process_id", column] and read <= set(per_process), sql
