"""The customers widget on the dashboard."""

from __future__ import annotations

from crm.features import leads_enabled
from crm.lib.dashboard import widget_cached
from customers import selectors
from customers.selectors import COUNTS_TOPIC


def dashboard_widget_context(request) -> dict | None:
    """Counts of customers and leads, and the user's own, with their recently active customers."""
    if not request.user.is_authenticated:
        return None
    user = request.user
    return {
        "counts": widget_cached(
            topic=COUNTS_TOPIC,
            parts=("counts", user.pk),
            compute=lambda: selectors.customer_counts(user=user),
        ),
        "recent": selectors.customer_recent_for_owner(user=user),
        "leads_on": leads_enabled(request),
    }
