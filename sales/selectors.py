"""Every read the sales views need: projects with their relations, the kanban board, totals."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from crm.permissions import require_edit_owned
from crm.selectors import team_descendant_ids
from sales.models import LostReason, Phase, PhaseChange, Process, SalesProject

KANBAN_PAGE = 15  # cards per column at first, and per "load more"

# name -> (label, order_by); labels translated in the views
CARD_SORTS: dict[str, tuple[str, ...]] = {
    "volume": ("-volume", "id"),
    "expected": (F("expected_order_date").asc(nulls_last=True), "id"),
    "age": ("phase_entered_at", "id"),
}

ZERO = Decimal("0")


def weighted_expression() -> ExpressionWrapper:
    """volume × probability / 100, as a database expression."""
    return ExpressionWrapper(
        F("volume") * F("probability") / Value(Decimal("100")),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


# --- processes and phases -------------------------------------------------------------------


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
    qs = qs.filter(process__kind=Process.Kind.LEAD) if lead else qs.exclude(process__kind=Process.Kind.LEAD)
    return qs.order_by("process__order", "process_id", "order", "id")


def lost_reason_list() -> QuerySet[LostReason]:
    return LostReason.objects.filter(is_active=True)


# --- projects -------------------------------------------------------------------------------


def project_queryset(*, lead: bool | None = None) -> QuerySet[SalesProject]:
    """Projects with what every listing shows; ``lead`` narrows to lead or non-lead processes."""
    qs = SalesProject.objects.select_related("customer", "owner", "phase", "process")
    if lead is True:
        qs = qs.filter(process__kind=Process.Kind.LEAD)
    elif lead is False:
        qs = qs.exclude(process__kind=Process.Kind.LEAD)
    return qs


def project_get(*, pk: int) -> SalesProject:
    """One project (404 when it does not exist in this tenant)."""
    return get_object_or_404(
        SalesProject.objects.select_related("customer", "owner", "phase", "process", "lost_reason", "created_by"),
        pk=pk,
    )


def project_get_for_edit(*, user, pk: int) -> SalesProject:
    """One project the user may edit: 404 when missing, PermissionDenied when not theirs."""
    project = project_get(pk=pk)
    require_edit_owned(user=user, owner_id=project.owner_id)
    return project


def editable_owner_ids(*, user) -> set[int | None] | None:
    """Owner ids whose projects ``user`` may edit (None = all), in at most two queries.

    Mirrors crm.permissions.user_can_edit_owned for whole lists, where one check per row would
    cost a query each.
    """
    from crm.models import User

    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_tenant_admin:
        return None
    ids: set[int | None] = {user.pk}
    if user.is_manager:
        ids.add(None)
        if user.team_id:
            teams = team_descendant_ids(team_id=user.team_id)
            ids |= set(User.objects.filter(team_id__in=teams).values_list("pk", flat=True))
    return ids


def project_phase_history(*, project: SalesProject) -> QuerySet[PhaseChange]:
    """The project's phase changes, newest first."""
    return PhaseChange.objects.filter(project=project).select_related("from_phase", "to_phase", "user")


def project_contacts(*, project: SalesProject):
    return project.project_contacts.select_related("contact").order_by("contact__last_name", "contact__first_name")


# --- totals: the one place where pipeline values are summed ---------------------------------


@dataclass
class Totals:
    count: int = 0
    volume: Decimal = ZERO
    weighted: Decimal = ZERO


ROLLUP_GENERATION_KEY = "sales:rollup-generation"


def rollup_cache_seconds() -> int:
    # Off in tests (builders write rows directly); services bump the generation on every commit.
    return getattr(settings, "SALES_ROLLUP_CACHE_SECONDS", 0 if settings.TESTING else 120)


def pipeline_rollup(*, projects: QuerySet, group_by: str | None = None) -> dict:
    """Count, volume and weighted volume of ``projects`` in ONE query, grouped by ``group_by``
    (a field or annotation name) or in total (key None).

    Every pipeline figure of the app (kanban columns, list totals, dashboard, forecast) comes from
    here, so a rule such as "alternatives count once" changes one function. Results are cached per
    tenant under a generation that every project write bumps on commit, so a cached figure is
    never older than the last change.
    """
    seconds = rollup_cache_seconds()
    if not seconds:
        return _pipeline_rollup(projects=projects, group_by=group_by)
    try:
        sql = str(projects.order_by().query)
    except EmptyResultSet:
        return _pipeline_rollup(projects=projects, group_by=group_by)
    generation = cache.get_or_set(ROLLUP_GENERATION_KEY, 1, None)
    key = "sales:rollup:" + hashlib.sha256(f"{generation}|{group_by}|{sql}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = _pipeline_rollup(projects=projects, group_by=group_by)
        cache.set(key, found, seconds)
    return found


def _pipeline_rollup(*, projects: QuerySet, group_by: str | None) -> dict:
    aggregates = {
        "n": Count("id"),
        "vol": Coalesce(Sum("volume"), Value(ZERO), output_field=DecimalField(max_digits=18, decimal_places=2)),
        "wtd": Coalesce(Sum(weighted_expression()), Value(ZERO), output_field=DecimalField(max_digits=18, decimal_places=2)),
    }
    projects = projects.order_by()
    if group_by is None:
        row = projects.aggregate(**aggregates)
        return {None: Totals(row["n"], row["vol"], row["wtd"])}
    rows = projects.values(group_by).annotate(**aggregates).order_by()
    return {row[group_by]: Totals(row["n"], row["vol"], row["wtd"]) for row in rows}


# --- the kanban board -----------------------------------------------------------------------


@dataclass
class KanbanColumn:
    phase: Phase
    totals: Totals
    cards: list[SalesProject] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.totals.count > len(self.cards)


def _card_ids(*, projects: QuerySet, phase_ids: list[int], sort: str, limit: int) -> list[int]:
    # One query: a UNION ALL of one index-backed "first N of this phase" per column.
    order = CARD_SORTS.get(sort, CARD_SORTS["volume"])
    parts = [projects.filter(phase_id=pid).order_by(*order).values_list("id", flat=True)[:limit] for pid in phase_ids]
    if not parts:
        return []
    if len(parts) == 1:
        return list(parts[0])
    return list(parts[0].union(*parts[1:], all=True))


def kanban_cards(*, projects: QuerySet, phase: Phase, sort: str, offset: int = 0, limit: int = KANBAN_PAGE) -> list:
    """One page of a column's cards."""
    order = CARD_SORTS.get(sort, CARD_SORTS["volume"])
    return list(projects.filter(phase=phase).order_by(*order)[offset: offset + limit])


def kanban_board(
    *, process: Process, projects: QuerySet, sort: str = "volume", limit: int = KANBAN_PAGE,
    phase_ids: list[int] | None = None,
) -> list[KanbanColumn]:
    """The columns of a process (or only ``phase_ids`` of it) with totals and their first cards.

    Four queries however many projects: phases, totals, card ids, cards.
    """
    phases = list(process.phases.order_by("order", "id"))
    if phase_ids is not None:
        wanted = {int(p) for p in phase_ids}
        phases = [p for p in phases if p.pk in wanted]
    if not phases:
        return []
    in_board = projects.filter(phase_id__in=[p.pk for p in phases])
    totals = pipeline_rollup(projects=in_board, group_by="phase_id")
    ids = _card_ids(projects=in_board, phase_ids=[p.pk for p in phases if p.pk in totals], sort=sort, limit=limit)
    order = CARD_SORTS.get(sort, CARD_SORTS["volume"])
    cards = list(in_board.filter(pk__in=ids).order_by(*order)) if ids else []
    by_phase: dict[int, list] = {}
    for card in cards:
        by_phase.setdefault(card.phase_id, []).append(card)
    return [KanbanColumn(phase=p, totals=totals.get(p.pk, Totals()), cards=by_phase.get(p.pk, [])) for p in phases]


# --- dashboard ------------------------------------------------------------------------------


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
    upcoming = mine.filter(expected_order_date__gte=start, expected_order_date__lt=months[3]).annotate(
        month=TruncMonth("expected_order_date")
    )
    by_month = pipeline_rollup(projects=upcoming, group_by="month")
    overdue = mine.filter(expected_order_date__lt=today).count()
    forecast = [(m, by_month.get(m, Totals())) for m in months[:3]]
    return {"total": total, "forecast": forecast, "overdue": overdue}


def open_projects_q() -> Q:
    return Q(phase__outcome=Phase.Outcome.OPEN)


def followups_for(*, user, limit: int = 8) -> tuple[list[SalesProject], int]:
    """The user's projects whose follow-up date has come (returned, or still waiting for the task)."""
    from django.utils import timezone

    today = timezone.localdate()
    qs = (SalesProject.objects.filter(owner=user)
          .filter(Q(followup_due__isnull=False) | Q(parked_until__lte=today))
          .select_related("customer", "phase"))
    items = list(qs.order_by("followup_due", "parked_until", "id")[: limit + 1])
    count = len(items) if len(items) <= limit else qs.count()
    return items[:limit], count
