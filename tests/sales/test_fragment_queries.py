"""The htmx fragments of the sales pages read a flat number of rows: the same query count with 3
projects as with 60 (kanban "load more", the move dialog, a move from the board, the list and
group table fragments)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders.sales import make_group, make_process, make_project
from tests.sales.test_views import board_url, real_queries

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def process(tenant):
    return make_process(name="Fragments", order=0)


def queries(client, method: str, url: str, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {}, **HTMX)
    assert response.status_code == 200, response.content[:300]
    return real_queries(captured)


def add_projects(process, owner, n: int) -> None:
    phases = list(process.phases.order_by("order", "id"))[:3]
    for i in range(n):
        make_project(process=process, phase=phases[i % 3], owner=owner, volume=Decimal(100 + i))


def test_fragment_query_counts_do_not_grow_with_the_number_of_projects(client_for, process, alice):
    client = client_for(alice)
    add_projects(process, alice, 3)
    mine = make_project(process=process, owner=alice)
    first, second = process.phases.order_by("order", "id")[:2]
    make_group(projects=[make_project(process=process, owner=alice)], type="subprojects")

    def measure() -> dict:
        mine.refresh_from_db()
        to = second if mine.phase_id == first.pk else first
        return {
            "load more": queries(
                client,
                "get",
                reverse("sales:project_kanban_column"),
                {"process": process.pk, "column": first.pk, "offset": 10},
            ),
            "board filter": queries(client, "get", board_url(process, owner=alice.pk)),
            "move dialog": queries(
                client,
                "get",
                reverse("sales:project_move", args=[mine.pk]),
                {"board": 1, "board_process": process.pk, "from_phase": mine.phase_id},
            ),
            "move": queries(
                client,
                "post",
                reverse("sales:project_move", args=[mine.pk]),
                {
                    "board": "1",
                    "board_process": process.pk,
                    "board_query": f"process={process.pk}",
                    "from_phase": mine.phase_id,
                    "process": process.pk,
                    "phase": to.pk,
                    "version": mine.version,
                },
            ),
            "list filter": queries(
                client,
                "get",
                reverse("sales:project_list"),
                {"process": process.pk, "owner": alice.pk, "status": "open"},
            ),
            "list sort and page": queries(
                client, "get", reverse("sales:project_list"), {"sort": "customer", "page": 1}
            ),
            "group table": queries(client, "get", reverse("sales:group_list"), {"owner": alice.pk}),
        }

    few = measure()
    add_projects(process, alice, 60)
    many = measure()
    assert many == few
    # the lists' columns and the cards' fields read the custom-field definitions and the overview
    # layouts once each, and the standard fields switched off (cached across requests outside the
    # tests)
    assert max(v for k, v in few.items() if k != "move") <= 15
    # the move itself (lock, update, history, log) and the two redrawn columns (their cards' fields:
    # the custom-field definitions, the overview layouts and the standard fields switched off, read
    # once each)
    assert few["move"] <= 23
