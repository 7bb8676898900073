"""Small helpers shared by the customer views."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from crm.lib.csvsafe import csv_format_for, csv_response
from customers.models import Customer


def wants_partial(request: HttpRequest, target: str) -> bool:
    """An htmx request that swaps only the element with id ``target``."""
    return bool(getattr(request, "htmx", False)) and request.htmx.target == target


# The CSV headings: the field keys in English (what scripts and the import read), the user's
# language otherwise (German Excel users read "PLZ", "Betreuer"); the import reads both.
CUSTOMER_EXPORT_HEADER = [
    pgettext_lazy("CSV heading", "id"),
    pgettext_lazy("CSV heading", "name"),
    pgettext_lazy("CSV heading", "kind"),
    pgettext_lazy("CSV heading", "status"),
    pgettext_lazy("CSV heading", "street"),
    pgettext_lazy("CSV heading", "postal_code"),
    pgettext_lazy("CSV heading", "city"),
    pgettext_lazy("CSV heading", "country"),
    pgettext_lazy("CSV heading", "phone"),
    pgettext_lazy("CSV heading", "email"),
    pgettext_lazy("CSV heading", "website"),
    pgettext_lazy("CSV heading", "industry"),
    pgettext_lazy("CSV heading", "owner"),
    pgettext_lazy("CSV heading", "size_class"),
    pgettext_lazy("CSV heading", "annual_revenue"),
    pgettext_lazy("CSV heading", "employees"),
    pgettext_lazy("CSV heading", "open_projects"),
    pgettext_lazy("CSV heading", "open_pipeline"),
    pgettext_lazy("CSV heading", "last_activity"),
    pgettext_lazy("CSV heading", "created"),
]


def customer_export_response(queryset, *, request: HttpRequest, filename: str = "customers.csv"):
    """Stream the customers of ``queryset`` (the overview's, filtered and sorted) as CSV."""

    from customers.selectors import EXPORT_FIELDS, customer_export_rows
    from customfields.selectors import definitions_for
    from customfields.standard import Area, off

    # Only the custom fields the user's role may see, as further columns (key or German label);
    # the standard fields the tenant switched off are left out.
    definitions = definitions_for(entity="customer", user=request.user)
    gone = off(Area.CUSTOMER, request.user)
    kept = [i for i, name in enumerate(EXPORT_FIELDS) if name not in gone]
    header = [CUSTOMER_EXPORT_HEADER[i] for i in kept] + [d.heading for d in definitions]
    fields = tuple(EXPORT_FIELDS[i] for i in kept)
    return csv_response(
        filename=filename,
        header=header,
        rows=customer_export_rows(queryset, definitions=definitions, fields=fields),
        fmt=csv_format_for(request),
    )


def currency() -> str:
    return settings.CRM_CURRENCY


def status_label(customer: Customer) -> str:
    return _("Lead") if customer.is_lead else _("Customer")


def owner_change_reported(request: HttpRequest, *, changed: int, skipped: int, owner) -> None:
    """The messages after customers were handed to ``owner`` (the overview's bulk action, a map
    selection's): how many now belong to them, and how many were skipped."""
    messages.success(
        request,
        ngettext(
            "%(n)d customer now belongs to %(owner)s.",
            "%(n)d customers now belong to %(owner)s.",
            changed,
        )
        % {"n": changed, "owner": owner},
    )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(n)d customer was skipped: you may not edit it.",
                "%(n)d customers were skipped: you may not edit them.",
                skipped,
            )
            % {"n": skipped},
        )
