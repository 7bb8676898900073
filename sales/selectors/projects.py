"""Reads of processes, phases and sales projects, and the dashboard's figures of one user."""

from __future__ import annotations

from django.db.models import (
    Q,
    QuerySet,
)
from django.shortcuts import get_object_or_404

from crm.permissions import require_edit_owned
from sales.models import (
    LostReason,
    Phase,
    PhaseChange,
    Process,
    SalesProject,
)
from sales.selectors.totals import Totals, pipeline_rollup

__all__ = [
    "dashboard_pipeline",
    "followups_for",
    "lost_reason_list",
    "open_projects_q",
    "phase_list",
    "process_list",
    "project_contacts",
    "project_get",
    "project_get_for_edit",
    "project_phase_history",
    "project_queryset",
]


def process_list(*, lead: bool, active_only: bool = True) -> QuerySet[Process]:
    """Lead processes (``lead``) or all the others (sales and other kinds)."""
    qs = Process.objects.all()
    qs = qs.filter(kind=Process.Kind.LEAD) if lead else qs.exclude(kind=Process.Kind.LEAD)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("order", "id")


def phase_list(*, lead: bool) -> QuerySet[Phase]:
    """Phases of the lead processes or of the others, with their process."""
    qs = Phase.objects.select_related("process").filter(process__is_active=True)
    qs = (
        qs.filter(process__kind=Process.Kind.LEAD)
        if lead
        else qs.exclude(process__kind=Process.Kind.LEAD)
    )
    return qs.order_by("process__order", "process_id", "order", "id")


def lost_reason_list() -> QuerySet[LostReason]:
    return LostReason.objects.filter(is_active=True)


def project_queryset(*, lead: bool | None = None) -> QuerySet[SalesProject]:
    """Projects with what every listing shows; ``lead`` narrows to lead or non-lead processes."""
    qs = SalesProject.objects.select_related("customer", "owner", "phase", "process", "group__type")
    if lead is True:
        # the few lead processes by id, not through a join: with process_volume_idx the list's
        # default order then reads only lead rows instead of walking every project by volume
        qs = qs.filter(
            process__in=list(
                Process.objects.filter(kind=Process.Kind.LEAD).values_list("pk", flat=True)
            )
        )
    elif lead is False:
        qs = qs.exclude(process__kind=Process.Kind.LEAD)
    return qs


def project_get(*, pk: int) -> SalesProject:
    """One project (404 when it does not exist in this tenant)."""
    return get_object_or_404(
        SalesProject.objects.select_related(
            "customer", "owner", "phase", "process", "lost_reason", "created_by", "group__type"
        ),
        pk=pk,
    )


def project_get_for_edit(*, user, pk: int) -> SalesProject:
    """One project the user may edit: 404 when missing, PermissionDenied when not theirs."""
    project = project_get(pk=pk)
    require_edit_owned(user=user, owner_id=project.owner_id)
    return project


def project_phase_history(*, project: SalesProject) -> QuerySet[PhaseChange]:
    """The project's phase changes, newest first."""
    return PhaseChange.objects.filter(project=project).select_related(
        "from_phase", "to_phase", "user"
    )


def project_contacts(*, project: SalesProject):
    return project.project_contacts.select_related("contact").order_by(
        "contact__last_name", "contact__first_name"
    )


def dashboard_pipeline(*, user) -> dict:
    """The user's open pipeline (non-lead processes) and a three-month weighted forecast."""
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    mine = project_queryset(lead=False).filter(owner=user, phase__outcome=Phase.Outcome.OPEN)
    total = pipeline_rollup(projects=mine)[None]
    today = timezone.localdate()
    start = today.replace(day=1)
    months = []
    for i in range(4):
        y, m = divmod(start.month - 1 + i, 12)
        months.append(start.replace(year=start.year + y, month=m + 1))
    upcoming = mine.filter(
        expected_order_date__gte=start, expected_order_date__lt=months[3]
    ).annotate(month=TruncMonth("expected_order_date"))
    by_month = pipeline_rollup(projects=upcoming, group_by="month")
    overdue = mine.filter(expected_order_date__lt=today).count()
    forecast = [(m, by_month.get(m, Totals())) for m in months[:3]]
    return {"total": total, "forecast": forecast, "overdue": overdue}


def open_projects_q() -> Q:
    return Q(phase__outcome=Phase.Outcome.OPEN)


def followups_for(*, user, limit: int = 8) -> tuple[list[SalesProject], int]:
    """The user's projects whose follow-up date has come (returned, or still waiting for the
    task)."""
    from django.utils import timezone

    today = timezone.localdate()
    qs = (
        SalesProject.objects.filter(owner=user)
        .filter(Q(followup_due__isnull=False) | Q(parked_until__lte=today))
        .select_related("customer", "phase")
    )
    items = list(qs.order_by("followup_due", "parked_until", "id")[: limit + 1])
    count = len(items) if len(items) <= limit else qs.count()
    return items[:limit], count
