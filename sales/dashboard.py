"""The sales widgets of the dashboard (registered in apps.py)."""

from __future__ import annotations

from django.http import HttpRequest

from sales.selectors import dashboard_pipeline, followups_for


def pipeline_widget(request: HttpRequest) -> dict | None:
    """My open pipeline and the weighted forecast of the next three months."""
    if not request.user.is_authenticated:
        return None
    return dashboard_pipeline(user=request.user)


def followups_widget(request: HttpRequest) -> dict | None:
    """The owner's reminder of leads (and projects) whose follow-up date has come; hidden when none."""
    if not request.user.is_authenticated:
        return None
    items, count = followups_for(user=request.user)
    return {"items": items, "count": count} if count else None
