"""Small helpers shared by the customer views."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from crm.lib.csvsafe import csv_format_for, csv_response
from customers.models import Customer


def wants_partial(request: HttpRequest, target: str) -> bool:
    """An htmx request that swaps only the element with id ``target``."""
    return bool(getattr(request, "htmx", False)) and request.htmx.target == target


CUSTOMER_EXPORT_HEADER = [
    "id",
    "name",
    "kind",
    "status",
    "street",
    "postal_code",
    "city",
    "country",
    "phone",
    "email",
    "website",
    "industry",
    "owner",
    "size_class",
    "annual_revenue",
    "employees",
    "open_projects",
    "open_pipeline",
    "last_activity",
    "created",
]


def customer_export_response(queryset, *, request: HttpRequest, filename: str = "customers.csv"):
    """Stream the customers of ``queryset`` (the overview's, filtered and sorted) as CSV."""

    from customers.selectors import customer_export_rows
    from customfields.selectors import definitions_for

    # Only the custom fields the user's role may see, as further columns named by their keys.
    definitions = definitions_for(entity="customer", user=request.user)
    header = CUSTOMER_EXPORT_HEADER + [d.key for d in definitions]
    return csv_response(
        filename=filename,
        header=header,
        rows=customer_export_rows(queryset, definitions=definitions),
        fmt=csv_format_for(request),
    )


def currency() -> str:
    return settings.CRM_CURRENCY


def status_label(customer: Customer) -> str:
    return _("Lead") if customer.is_lead else _("Customer")
