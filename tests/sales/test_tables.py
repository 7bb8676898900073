"""The list tables render their body rows in Python (sales.tables.FastBodyMixin): the rows must
be exactly what django-tables2's own template would render."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django_tables2 import RequestConfig

from sales import selectors
from sales.tables import GroupTable, ProjectTable
from tests.builders.sales import make_group, make_process, make_project


def tbody(html: str) -> str:
    body = re.search(r"<tbody[^>]*>(.*)</tbody>", html, re.S).group(1)
    return re.sub(r">\s+<", "><", body).strip()


def both_ways(table_class, queryset, query: str = "") -> tuple[str, str]:
    request = RequestFactory().get("/" + query)
    fast = table_class(queryset, currency="EUR")
    RequestConfig(request, paginate={"per_page": 50}).configure(fast)
    slow = table_class(queryset, currency="EUR", template_name="django_tables2/bootstrap5.html")
    RequestConfig(request, paginate={"per_page": 50}).configure(slow)
    return tbody(fast.as_html(request)), tbody(slow.as_html(request))


@pytest.mark.parametrize("query", ["", "?sort=customer", "?sort=-expected_order_date"])
def test_project_rows_are_what_django_tables2_would_render(tenant, alice, bob, query):
    process = make_process()
    won = process.phases.get(name="Won")
    a = make_project(
        process=process,
        owner=alice,
        title="<b>Deal</b> & co",
        volume=Decimal("1234.56"),
        probability=35,
        expected_order_date=date(2027, 3, 7),
    )
    b = make_project(process=process, owner=bob, customer=a.customer)  # competing offer
    make_project(process=process, owner=None, phase=won)
    make_group(projects=[a, make_project(process=process, owner=alice)], name="Pair")
    assert b.customer_id == a.customer_id
    queryset = selectors.project_queryset(lead=False).annotate(
        weighted=selectors.weighted_expression()
    )
    fast, slow = both_ways(ProjectTable, queryset, query)
    assert fast == slow
    assert (
        "&lt;b&gt;Deal&lt;/b&gt; &amp; co" in fast
        and "Pair" in fast
        and 'data-testid="conflict-marker"' in fast
    )


def test_group_rows_and_the_empty_table_are_what_django_tables2_would_render(tenant, alice):
    process = make_process()
    make_group(
        projects=[
            make_project(process=process, owner=alice),
            make_project(process=process, owner=alice),
        ],
        name="Two <offers>",
    )
    make_group(name="Empty", type="subprojects")
    fast, slow = both_ways(GroupTable, selectors.group_queryset().order_by("-created_at", "-id"))
    assert fast == slow and "Two &lt;offers&gt;" in fast
    fast, slow = both_ways(GroupTable, selectors.group_queryset().none())
    assert fast == slow and "No project groups match" in fast
