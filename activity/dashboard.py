"""The activity widget of the dashboard (registered in apps.py)."""

from __future__ import annotations

from django.http import HttpRequest

from activity import selectors
from crm.models import User


def widget_context(request: HttpRequest) -> dict | None:
    """The dashboard's "my open tasks" and "my activity this week"."""
    if not isinstance(request.user, User):
        return None
    return selectors.activity_dashboard(user=request.user)
