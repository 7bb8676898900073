"""The sales widgets of the dashboard (registered in apps.py)."""

from __future__ import annotations

from django.http import HttpRequest

from sales.selectors import dashboard_pipeline


def pipeline_widget(request: HttpRequest) -> dict | None:
    """My open pipeline and the weighted forecast of the next three months."""
    if not request.user.is_authenticated:
        return None
    return dashboard_pipeline(user=request.user)
