"""The project list's sorts that had no index read one now (sales migration 0018): the sales list
by weighted value, the lead list (its one lead process, given as an id list) by expected date and
by probability. The real pages' statements, explained with the planner's own choice after a few
thousand rows were written and analysed (as tests/crm/test_german_sort_plans.py does)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
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
