"""The project list sorted by owner, phase or process is read per value (sales/listing.py): the
page must hold the same rows in the same order as sorting every project in SQL."""

from __future__ import annotations

import pytest

from sales.listing import as_project_list
from sales.models import SalesProject
from tests.builders.sales import make_process, make_project


@pytest.mark.parametrize(
    "order",
    [
        ("owner__first_name", "owner__last_name", "id"),
        ("phase__order", "phase_id", "id"),
        ("process__order", "process__name", "id"),
    ],
)
@pytest.mark.parametrize("descending", [False, True])
def test_dimension_sorts_page_like_sql(tenant, alice, bob, carol, order, descending):
    first, second = make_process(), make_process()
    for i in range(12):
        phase = (first if i % 2 else second).phases.order_by("order")[i % 3]
        make_project(phase=phase, owner=[alice, bob, carol, None][i % 4])
    key = tuple(f"-{name}" for name in order) if descending else order
    plain = list(SalesProject.objects.order_by(*key).values_list("pk", flat=True))
    listed = as_project_list(SalesProject.objects.all()).order_by(*key)
    for start, stop in ((0, 5), (3, 9), (7, 12), (10, 40)):
        assert [p.pk for p in listed[start:stop]] == plain[start:stop]
        assert listed.values_list("pk", flat=True)[start:stop] == plain[start:stop]
