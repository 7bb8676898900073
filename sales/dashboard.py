"""The sales widgets of the dashboard (registered in apps.py)."""

from __future__ import annotations

import datetime

from django.db.models import Case, CharField, Value, When
from django.http import HttpRequest
from django.utils import timezone

from sales.models import Phase
from sales.selectors import Totals, followups_for, pipeline_rollup, project_queryset


def _add(a: Totals, b: Totals) -> Totals:
    return Totals(a.count + b.count, a.volume + b.volume, a.weighted + b.weighted)


def dashboard_pipeline_figures(*, user, today: datetime.date | None = None) -> dict:
    """The user's open pipeline (non-lead processes), the weighted forecast of this and the next two
    months by expected order date, and how many are past that date: ONE grouped query (cached with
    every other pipeline figure until the next project write, see ``pipeline_rollup``)."""
    today = today or timezone.localdate()
    months = []
    for i in range(4):
        y, m = divmod(today.month - 1 + i, 12)
        months.append(datetime.date(today.year + y, m + 1, 1))
    # Each project falls in one bucket: "<month index>" or "-" outside the three months, with "!"
    # when its expected order date has passed. The figures are sums over buckets.
    date = "expected_order_date"
    bucket = Case(
        When(**{f"{date}__lt": months[0]}, then=Value("-!")),
        When(**{f"{date}__lt": today}, then=Value("0!")),
        When(**{f"{date}__lt": months[1]}, then=Value("0")),
        When(**{f"{date}__lt": months[2]}, then=Value("1")),
        When(**{f"{date}__lt": months[3]}, then=Value("2")),
        default=Value("-"),
        output_field=CharField(),
    )
    mine = project_queryset(lead=False).filter(owner=user, phase__outcome=Phase.Outcome.OPEN)
    buckets = pipeline_rollup(projects=mine.annotate(bucket=bucket), group_by="bucket")
    total, overdue, per_month = Totals(), 0, [Totals(), Totals(), Totals()]
    for key, figures in buckets.items():
        total = _add(total, figures)
        if key.endswith("!"):
            overdue += figures.count
        if key[0].isdigit():
            per_month[int(key[0])] = _add(per_month[int(key[0])], figures)
    return {
        "total": total,
        "forecast": list(zip(months[:3], per_month, strict=True)),
        "overdue": overdue,
    }


def pipeline_widget(request: HttpRequest) -> dict | None:
    """My open pipeline and the weighted forecast of the next three months."""
    if not request.user.is_authenticated:
        return None
    return dashboard_pipeline_figures(user=request.user)


def followups_widget(request: HttpRequest) -> dict | None:
    """The owner's reminder of leads (and projects) whose follow-up date has come; hidden when
    none."""
    if not request.user.is_authenticated:
        return None
    items, count = followups_for(user=request.user)
    return {"items": items, "count": count} if count else None
