"""CSV export of the filtered project or lead list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from sales import selectors
from sales.filters import ProjectFilter
from sales.views.common import require_leads

__all__ = ["export_table", "project_export"]


EXPORT_FIELDS = (
    "pk",
    "title",
    "customer__name",
    "process__name",
    "phase__name",
    "phase__outcome",
    "owner__email",
    "volume",
    "probability",
    "expected_order_date",
    "phase_entered_at",
    "closed_at",
    "lost_reason__name",
)


def export_rows(queryset, *, definitions=(), fields: tuple[str, ...] = EXPORT_FIELDS):
    """The projects as CSV rows of ``fields`` (EXPORT_FIELDS without the switched-off ones),
    then one cell per custom field of ``definitions`` (those the user's role may see)."""
    from customfields.values import export_cells, export_users

    users = export_users(definitions)
    rows = queryset.order_by("pk").values_list(*fields, "custom")
    for *row, custom in rows.iterator(chunk_size=2000):
        yield (*row, *export_cells(definitions, custom, users=users))


# The CSV headings: the field keys in English (what scripts and the import read), the user's
# language otherwise (German Excel users read "PLZ", "Betreuer"); the import reads both.
EXPORT_HEADER = [
    pgettext_lazy("CSV heading", "id"),
    pgettext_lazy("CSV heading", "title"),
    pgettext_lazy("CSV heading", "customer"),
    pgettext_lazy("CSV heading", "process"),
    pgettext_lazy("CSV heading", "phase"),
    pgettext_lazy("CSV heading", "status"),
    pgettext_lazy("CSV heading", "owner"),
    pgettext_lazy("CSV heading", "volume"),
    pgettext_lazy("CSV heading", "probability"),
    pgettext_lazy("CSV heading", "expected_order_date"),
    pgettext_lazy("CSV heading", "in_phase_since"),
    pgettext_lazy("CSV heading", "closed_at"),
    pgettext_lazy("CSV heading", "lost_reason"),
]


def export_table(queryset, *, user, lead: bool) -> tuple[list[str], object]:
    """(header, rows) of a project or lead export with the custom fields ``user`` may see."""
    from customfields.selectors import definitions_for
    from customfields.standard import area_of, off

    definitions = definitions_for(entity="lead" if lead else "project", user=user)
    gone = off(area_of(lead=lead), user)  # the standard fields the tenant switched off
    kept = [i for i, name in enumerate(EXPORT_FIELDS) if name not in gone]
    header = [EXPORT_HEADER[i] for i in kept] + [d.heading for d in definitions]
    fields = tuple(EXPORT_FIELDS[i] for i in kept)
    return header, export_rows(queryset, definitions=definitions, fields=fields)


@login_required
@require_GET
def project_export(request: HttpRequest, lead: bool = False) -> HttpResponse:
    """CSV of every project of the filtered list (not just the page)."""
    from crm.lib.csvsafe import csv_format_for, csv_response

    require_leads(request, lead)
    filterset = ProjectFilter(
        request.GET or None,
        queryset=selectors.project_queryset(lead=lead),
        lead=lead,
        request=request,
    )
    name = "leads.csv" if lead else "projects.csv"
    header, rows = export_table(filterset.qs, user=request.user, lead=lead)
    return csv_response(
        filename=name,
        header=header,
        rows=rows,
        fmt=csv_format_for(request),
    )
