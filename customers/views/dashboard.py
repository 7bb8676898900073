"""The customers widget on the dashboard."""

from __future__ import annotations

from customers import selectors
from customers.views.common import leads_on


def dashboard_widget_context(request) -> dict | None:
    """Counts of customers and leads, and the user's own, with their recently active customers."""
    if not request.user.is_authenticated:
        return None
    return {
        "counts": selectors.customer_counts(user=request.user),
        "recent": selectors.customer_recent_for_owner(user=request.user),
        "leads_on": leads_on(request),
    }
