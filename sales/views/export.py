"""CSV export of the filtered project or lead list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from sales import selectors
from sales.filters import ProjectFilter
from sales.views.common import require_leads

__all__ = ["project_export"]


def export_rows(queryset):
    rows = queryset.order_by("pk").values_list(
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
    yield from rows.iterator(chunk_size=2000)


EXPORT_HEADER = [
    "id",
    "title",
    "customer",
    "process",
    "phase",
    "status",
    "owner",
    "volume",
    "probability",
    "expected_order_date",
    "in_phase_since",
    "closed_at",
    "lost_reason",
]


@login_required
@require_GET
def project_export(request: HttpRequest, lead: bool = False) -> HttpResponse:
    """CSV of every project of the filtered list (not just the page)."""
    from crm.lib.csvsafe import csv_format_for, csv_response

    require_leads(request, lead)
    filterset = ProjectFilter(
        request.GET or None, queryset=selectors.project_queryset(lead=lead), lead=lead
    )
    name = "leads.csv" if lead else "projects.csv"
    return csv_response(
        filename=name,
        header=EXPORT_HEADER,
        rows=export_rows(filterset.qs),
        fmt=csv_format_for(request),
    )
