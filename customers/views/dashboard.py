"""The customers widget on the dashboard."""

from __future__ import annotations

from crm import events
from crm.lib.dashboard import widget_cached, widget_stale_on
from customers import selectors
from customers.views.common import leads_on

# The counts read every customer of the tenant (a pass over 100,000 rows): cached until a customer
# is created, imported, converted or handed to another owner.
COUNTS_TOPIC = "customer-counts"
widget_stale_on(topic=COUNTS_TOPIC, signals=[events.customer_created, events.customers_imported,
                                             events.lead_converted, events.customer_updated])


def dashboard_widget_context(request) -> dict | None:
    """Counts of customers and leads, and the user's own, with their recently active customers."""
    if not request.user.is_authenticated:
        return None
    user = request.user
    return {
        "counts": widget_cached(topic=COUNTS_TOPIC, parts=("counts", user.pk),
                                compute=lambda: selectors.customer_counts(user=user)),
        "recent": selectors.customer_recent_for_owner(user=user),
        "leads_on": leads_on(request),
    }
