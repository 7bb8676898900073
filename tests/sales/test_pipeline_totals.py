"""The running pipeline totals (sales.models.PipelineTotal, kept by triggers): after every kind of
write they equal the totals aggregated from the projects, and the kanban and the list read them
for the filters they can answer."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db.models import Q
from django.urls import reverse

from sales import selectors, services
from sales.models import LostReason, SalesProject
from tests.builders.sales import make_group, make_process, make_project


@pytest.fixture
def process(tenant):
    return make_process(name="Totals board", order=0)


def aggregated(**filters) -> dict:
    projects = SalesProject.objects.filter(**filters)
    return selectors.totals._pipeline_rollup(projects=projects, group_by="phase_id")


def from_running_totals(where: Q | None = None) -> dict:
    return selectors.pipeline_totals(where=where or Q(), by_phase=True)


def same(a: dict, b: dict) -> bool:
    keys = {k for k, t in a.items() if t.count} | {k for k, t in b.items() if t.count}
    return all(
        (a[k].count, a[k].volume, a[k].weighted) == (b[k].count, b[k].volume, b[k].weighted)
        for k in keys
    )


def test_running_totals_follow_every_kind_of_write(process, alice, bob, dave):
    offer, won, lost = (process.phases.get(name=n) for n in ("Offer", "Won", "Lost"))
    a = make_project(process=process, owner=alice, volume=Decimal("1000.50"), probability=30)
    b = make_project(process=process, owner=bob, volume=Decimal("2000"), probability=45)
    c = make_project(process=process, owner=None, volume=Decimal("333.33"), probability=7)
    assert same(from_running_totals(), aggregated()) and from_running_totals()

    services.project_move(project=a, phase=offer, user=dave, expected_version=a.version)
    b = services.project_change_owner(project=b, owner=alice, user=dave, expected_version=b.version)
    services.project_update(
        project=c,
        user=dave,
        expected_version=c.version,
        data={
            "title": "C",
            "volume": Decimal("999.99"),
            "probability": 12,
            "expected_order_date": None,
            "description": "",
        },
    )
    assert same(from_running_totals(), aggregated())

    # an alternatives group counts once: the other member leaves the money totals
    make_group(projects=[a, b])
    assert SalesProject.objects.filter(counts_in_pipeline=False).count() == 1
    assert same(from_running_totals(), aggregated())

    reason = LostReason.objects.create(name="Too dear")
    services.project_bulk_move(
        project_ids=[a.pk, b.pk, c.pk], phase=lost, user=dave, lost_reason=reason
    )
    services.project_move(
        project=SalesProject.objects.get(pk=c.pk), phase=won, user=dave, expected_version=None
    )
    assert same(from_running_totals(), aggregated())

    SalesProject.objects.filter(pk=b.pk).delete()
    assert same(from_running_totals(), aggregated())
    assert from_running_totals(Q(owner_key=alice.pk)) == {
        k: v for k, v in aggregated(owner=alice).items() if v.count
    }


def test_running_totals_keep_each_tenant_apart(process, other_tenant):
    from django_tenants.utils import tenant_context

    def volume_here_and_there():
        here = selectors.pipeline_totals(where=Q())[None].volume
        with tenant_context(other_tenant):
            return here, selectors.pipeline_totals(where=Q())[None].volume

    here, there = volume_here_and_there()
    make_project(process=process, volume=Decimal("5000"))
    assert volume_here_and_there() == (here + 5000, there)


def counts(html: str) -> list[str]:
    return re.findall(r'data-testid="col-count"[^>]*>(\d+)<', html)


def total_text(html: str, name: str) -> str:
    return re.search(rf'data-testid="total-{name}">([^<]*)<', html).group(1)


@pytest.mark.parametrize(
    "extra",
    ["", "&owner={alice}", "&team={team}", "&status=open", "&q=Deal", "&expected_from=2020-01-01"],
)
def test_board_and_list_totals_are_the_same_from_running_totals_and_from_the_projects(
    client_for, process, alice, bob, extra
):
    from datetime import date

    make_project(
        process=process,
        owner=alice,
        title="Deal A",
        volume=Decimal("1200"),
        probability=25,
        expected_order_date=date(2024, 6, 1),
    )
    make_project(process=process, owner=bob, title="Deal B", volume=Decimal("800"), probability=50)
    make_project(
        process=process,
        owner=alice,
        title="Other",
        volume=Decimal("100"),
        probability=10,
        phase=process.phases.get(name="Won"),
        expected_order_date=date(2019, 6, 1),
    )
    query = extra.format(alice=alice.pk, team=alice.team_id)
    client = client_for(alice)
    board = client.get(
        reverse("sales:project_kanban") + f"?process={process.pk}{query}"
    ).content.decode()
    listing = client.get(
        reverse("sales:project_list") + f"?process={process.pk}{query}"
    ).content.decode()

    projects = SalesProject.objects.filter(process=process)
    if "owner" in query or "team" in query:
        projects = projects.filter(owner=alice)
    if "status" in query:
        projects = projects.filter(phase__outcome="open")
    if "q=" in query:
        projects = projects.filter(title__icontains="Deal")
    if "expected_from" in query:
        projects = projects.filter(expected_order_date__gte=date(2020, 1, 1))
    by_phase = selectors.totals._pipeline_rollup(projects=projects, group_by="phase_id")
    expected = [
        str(by_phase[p.pk].count if p.pk in by_phase else 0)
        for p in process.phases.order_by("order", "id")
    ]
    assert counts(board) == expected
    assert total_text(listing, "count") == str(projects.count())
    weighted = sum((p.volume * p.probability / 100 for p in projects), Decimal(0))
    assert total_text(listing, "weighted").replace(",", "").split()[0] == str(round(weighted))


def test_a_deep_list_page_shows_the_right_rows_in_order_with_a_flat_number_of_queries(
    client_for, process, alice, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers.pagination import CountedPaginator
    from tests.sales.test_views import real_queries

    monkeypatch.setattr(CountedPaginator, "TWO_STEP_FROM", 4)  # read page 3 of 2 rows in two steps
    for i in range(7):
        make_project(process=process, owner=alice, title=f"P{i}", volume=Decimal(1000 + i))
    client = client_for(alice)
    url = reverse("sales:project_list") + f"?process={process.pk}&per_page=2&page=3"
    with CaptureQueriesContext(connection) as deep:
        page = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    # by volume, highest first: P6 P5 | P4 P3 | P2 P1 | P0
    assert re.findall(r">(P\d)</a>", page) == ["P2", "P1"]
    with CaptureQueriesContext(connection) as first:
        client.get(url.replace("page=3", "page=1"), HTTP_HX_REQUEST="true")
    # (the columns read the custom-field definitions and the overview layouts once each; cached
    # across requests outside the tests), and the standard fields switched off once
    assert real_queries(deep) == real_queries(first) + 1 <= 14
