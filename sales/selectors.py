"""Every read the sales views need: projects with their relations, the kanban board, totals,
project groups and competing offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.shortcuts import get_object_or_404

from crm.lib.generations import cached
from crm.permissions import editable_owner_ids, require_edit_owned
from sales.models import (
    ConflictDismissal,
    GroupType,
    LostReason,
    Phase,
    PhaseChange,
    PipelineTotal,
    Process,
    ProjectGroup,
    SalesProject,
)

KANBAN_FIRST = 10  # cards per column when the board opens (a board has up to ten columns)
KANBAN_PAGE = 15  # cards per "load more"

# name -> (label, order_by); labels translated in the views
CARD_SORTS: dict[str, tuple[str, ...]] = {
    "volume": ("-volume", "id"),
    "expected": (F("expected_order_date").asc(nulls_last=True), "id"),
    "age": ("phase_entered_at", "id"),
}

ZERO = Decimal("0")


def weighted_expression(*, prefix: str = "") -> ExpressionWrapper:
    """volume × probability / 100, as a database expression (``prefix`` reaches it through a relation)."""
    return ExpressionWrapper(
        F(f"{prefix}volume") * F(f"{prefix}probability") / Value(Decimal("100")),
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
    qs = SalesProject.objects.select_related("customer", "owner", "phase", "process", "group__type")
    if lead is True:
        # the few lead processes by id, not through a join: with process_volume_idx the list's
        # default order then reads only lead rows instead of walking every project by volume
        qs = qs.filter(process__in=list(Process.objects.filter(kind=Process.Kind.LEAD).values_list("pk", flat=True)))
    elif lead is False:
        qs = qs.exclude(process__kind=Process.Kind.LEAD)
    return qs


def project_get(*, pk: int) -> SalesProject:
    """One project (404 when it does not exist in this tenant)."""
    return get_object_or_404(
        SalesProject.objects.select_related("customer", "owner", "phase", "process", "lost_reason", "created_by",
                                            "group__type"),
        pk=pk,
    )


def project_get_for_edit(*, user, pk: int) -> SalesProject:
    """One project the user may edit: 404 when missing, PermissionDenied when not theirs."""
    project = project_get(pk=pk)
    require_edit_owned(user=user, owner_id=project.owner_id)
    return project


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


ROLLUP_TOPIC = "sales-rollup"  # the generation every project write bumps (sales.services.flags)


def rollup_cache_seconds() -> int:
    # Off in tests (builders write rows directly); services bump the generation on every commit.
    return getattr(settings, "SALES_ROLLUP_CACHE_SECONDS", 0 if settings.TESTING else 120)


def pipeline_rollup(*, projects: QuerySet, group_by: str | None = None) -> dict:
    """Count, volume and weighted volume of ``projects`` in ONE query, grouped by ``group_by``
    (a field or annotation name) or in total (key None).

    Every pipeline figure of the app (kanban columns, list totals, dashboard, forecast, group
    values) comes from here or from ``rollup_aggregates``: "count" is the number of projects, while
    volume and weighted volume add up only projects that count in the pipeline, so an alternatives
    group counts once (at its counting member, see ``SalesProject.counts_in_pipeline``). Results
    are cached per tenant under a generation that every project write bumps on commit, so a cached
    figure is never older than the last change.
    """
    seconds = rollup_cache_seconds()
    if not seconds:
        return _pipeline_rollup(projects=projects, group_by=group_by)
    try:
        sql = str(projects.order_by().query)
    except EmptyResultSet:
        return _pipeline_rollup(projects=projects, group_by=group_by)
    return cached(topic=ROLLUP_TOPIC, parts=(group_by, sql), seconds=seconds,
                  compute=lambda: _pipeline_rollup(projects=projects, group_by=group_by))


def rollup_aggregates(*, prefix: str = "") -> dict:
    """Count, volume and weighted volume as aggregate expressions (``prefix`` reaches the projects
    through a relation, e.g. ``members__`` from a group): every project is counted, only projects
    that count in the pipeline add their volume and weighted volume."""
    counting = Q(**{f"{prefix}counts_in_pipeline": True})
    money = DecimalField(max_digits=18, decimal_places=2)
    return {
        "n": Count(f"{prefix}id"),
        "vol": Coalesce(Sum(f"{prefix}volume", filter=counting), Value(ZERO), output_field=money),
        "wtd": Coalesce(Sum(weighted_expression(prefix=prefix), filter=counting), Value(ZERO), output_field=money),
    }


def _pipeline_rollup(*, projects: QuerySet, group_by: str | None) -> dict:
    aggregates = rollup_aggregates()
    projects = projects.order_by()
    if group_by is None:
        row = projects.aggregate(**aggregates)
        return {None: Totals(row["n"], row["vol"], row["wtd"])}
    rows = projects.values(group_by).annotate(**aggregates).order_by()
    return {row[group_by]: Totals(row["n"], row["vol"], row["wtd"]) for row in rows}


def totals_scope_q(*, lead: bool | None) -> Q:
    """The ``PipelineTotal`` rows of lead processes (``lead``), of the others, or of all (None)."""
    if lead is True:
        return Q(process__kind=Process.Kind.LEAD)
    if lead is False:
        return ~Q(process__kind=Process.Kind.LEAD)
    return Q()


def pipeline_totals(*, where: Q, by_phase: bool = False) -> dict:
    """Count, volume and weighted volume from the running totals (``PipelineTotal``, kept by
    triggers in every writing transaction): the same figures as ``pipeline_rollup`` for filters
    on process, phase, outcome and owner, in one query over a few hundred rows, never stale.

    ``where`` is a Q over ``PipelineTotal`` (fields process, phase, owner_key); the result is keyed
    by phase id (``by_phase``) or None.
    """
    rows = PipelineTotal.objects.filter(where)
    sums = {"n": Sum("n"), "vol": Sum("volume"), "vxp": Sum("volume_x_probability")}
    if by_phase:
        found = rows.values("phase_id").annotate(**sums).order_by()
        return {row["phase_id"]: _totals_from(row) for row in found if row["n"]}
    return {None: _totals_from(rows.aggregate(**sums))}


def _totals_from(row: dict) -> Totals:
    weighted = (row["vxp"] or ZERO) / 100
    return Totals(int(row["n"] or 0), row["vol"] or ZERO, weighted)


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
    *, process: Process, projects: QuerySet, sort: str = "volume", limit: int = KANBAN_FIRST,
    phase_ids: list[int] | None = None, totals_where: Q | None = None,
) -> list[KanbanColumn]:
    """The columns of a process (or only ``phase_ids`` of it) with totals and their first cards.

    Four queries however many projects: phases, totals, card ids, cards. ``totals_where`` (a Q
    over ``PipelineTotal`` equivalent to the filters of ``projects``, when there is one) reads
    the column totals from the running totals instead of aggregating the projects.
    """
    phases = list(process.phases.order_by("order", "id"))
    if phase_ids is not None:
        wanted = {int(p) for p in phase_ids}
        phases = [p for p in phases if p.pk in wanted]
    if not phases:
        return []
    in_board = projects.filter(phase_id__in=[p.pk for p in phases])
    if totals_where is not None:
        totals = pipeline_totals(where=totals_where & Q(phase_id__in=[p.pk for p in phases]), by_phase=True)
    else:
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


# --- project groups -------------------------------------------------------------------------


def group_type_list(*, active_only: bool = True) -> QuerySet[GroupType]:
    qs = GroupType.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def _owner_name(prefix: str):
    # "First Last", or the e-mail address when the user has no name (like User.__str__)
    text = CharField()
    full = Trim(Concat(f"{prefix}first_name", Value(" "), f"{prefix}last_name", output_field=text))
    return Coalesce(NullIf(full, Value("")), f"{prefix}email", output_field=text)


def group_queryset() -> QuerySet[ProjectGroup]:
    """Groups with type, member count, owners, value, weighted value and status, in one query.

    Value and weighted value come from ``rollup_aggregates``: a sub-projects group is worth the sum
    of its members, an alternatives group the value of its counting member.
    """
    figures = rollup_aggregates(prefix="members__")
    outcome = "members__phase__outcome"
    alternatives = Q(type__rule=GroupType.Rule.ALTERNATIVES)
    return (
        ProjectGroup.objects.select_related("type")
        .annotate(
            n_members=figures["n"], value=figures["vol"], weighted=figures["wtd"],
            n_open=Count("members", filter=Q(**{outcome: Phase.Outcome.OPEN})),
            n_won=Count("members", filter=Q(**{outcome: Phase.Outcome.WON})),
            n_lost=Count("members", filter=Q(**{outcome: Phase.Outcome.LOST})),
            owner_names=ArrayAgg(_owner_name("members__owner__"), distinct=True,
                                 filter=Q(members__owner__isnull=False), default=Value([])),
        )
        .annotate(status=Case(
            When(n_members=0, then=Value(ProjectGroup.Status.EMPTY)),
            When(n_open=F("n_members"), then=Value(ProjectGroup.Status.OPEN)),
            When(n_won=F("n_members"), then=Value(ProjectGroup.Status.WON)),
            When(n_lost=F("n_members"), then=Value(ProjectGroup.Status.LOST)),
            # one alternative won and the others closed: the group is won
            When(alternatives & Q(n_won__gt=0, n_open=0), then=Value(ProjectGroup.Status.WON)),
            When(alternatives & Q(n_won=0, n_open__gt=0), then=Value(ProjectGroup.Status.OPEN)),
            default=Value(ProjectGroup.Status.MIXED),
        ))
    )


def group_list_bare() -> QuerySet[ProjectGroup]:
    """Groups with their type only, for filtering, sorting and paging without the figures."""
    return ProjectGroup.objects.select_related("type")


def group_get(*, pk: int) -> ProjectGroup:
    """One group with its figures (404 when it does not exist in this tenant)."""
    return get_object_or_404(group_queryset().select_related("main_project", "created_by"), pk=pk)


def group_members(*, group: ProjectGroup) -> QuerySet[SalesProject]:
    """The group's projects (any process and phase), the counting and biggest first."""
    return (project_queryset().filter(group=group).annotate(weighted=weighted_expression())
            .order_by("-counts_in_pipeline", "-weighted", "-volume", "id"))


def group_member_owner_ids(*, group: ProjectGroup) -> set[int | None]:
    return set(SalesProject.objects.filter(group=group).values_list("owner_id", flat=True).distinct())


def group_can_edit(*, user, group: ProjectGroup, owner_ids: set[int | None] | None = None) -> bool:
    """May ``user`` change the group? Only who may edit every member (an empty group: its creator's
    editors); ``owner_ids`` saves the query when the caller knows the members' owners."""
    allowed = editable_owner_ids(user=user)
    if allowed is None:
        return True
    owners = group_member_owner_ids(group=group) if owner_ids is None else owner_ids
    if not owners:
        owners = {group.created_by_id}
    return owners <= allowed


def group_choices_for(*, project: SalesProject, limit: int = 20) -> list[ProjectGroup]:
    """Groups a project could join: those that already hold projects of its customer."""
    ids = (SalesProject.objects.filter(customer_id=project.customer_id, group__isnull=False)
           .exclude(group_id=project.group_id).values("group_id"))
    return list(ProjectGroup.objects.select_related("type").filter(pk__in=ids).order_by("name", "id")[:limit])


# --- competing offers -----------------------------------------------------------------------

# Two open projects a (lower id) and b of the same customer compete when both are in sales
# processes, have different owners, are not in one group and the pair was not dismissed. The
# same condition decides SalesProject.has_competitor (sales.services.flags.competition_refresh).
COMPETING_PAIR_SQL = """
    pa.outcome = 'open' AND ra.kind = 'sales' AND pb.outcome = 'open' AND rb.kind = 'sales'
    AND a.owner_id <> b.owner_id
    AND (a.group_id IS NULL OR b.group_id IS NULL OR a.group_id <> b.group_id)
    AND NOT EXISTS (SELECT 1 FROM {dismissal} d
                    WHERE d.project_low_id = LEAST(a.id, b.id) AND d.project_high_id = GREATEST(a.id, b.id))
"""


def competing_sql_tables() -> dict[str, str]:
    """The table names the conflict SQL uses (the tenant's schema comes from the search path)."""
    return {"project": SalesProject._meta.db_table, "phase": Phase._meta.db_table,
            "process": Process._meta.db_table, "dismissal": ConflictDismissal._meta.db_table}


@dataclass
class Conflict:
    a: SalesProject  # the older project
    b: SalesProject

    @property
    def customer(self):
        return self.a.customer

    @property
    def sides(self) -> tuple[SalesProject, SalesProject]:
        return self.a, self.b

    @property
    def grouped(self) -> ProjectGroup | None:
        """The existing group that "group as alternatives" would add the other project to."""
        if self.a.group_id and self.b.group_id:
            return None
        return self.a.group or self.b.group

    @property
    def can_group(self) -> bool:
        return not (self.a.group_id and self.b.group_id)


@dataclass
class ConflictPage:
    conflicts: list[Conflict]
    count: int
    number: int
    per_page: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _conflict_pairs(*, a_where: str, a_params: list, b_where: str = "TRUE", b_params: list = (),
                    limit: int | None = None, offset: int = 0) -> tuple[list, int]:
    """(a id, b id) pairs of competing projects, newest first, and how many there are in all: ONE
    query, a self-join on the customer. ``a_where`` narrows the older project (and may refer to b),
    ``b_where`` the newer one."""
    tables = competing_sql_tables()
    # The rivals of each project are found by one index lookup on its customer: LATERAL with
    # OFFSET 0 keeps the planner from turning that into a scan of every candidate, which a stale
    # estimate of the few flagged projects would otherwise make it do.
    sql = f"""
        SELECT a.id, b.id, COUNT(*) OVER () AS total
          FROM {tables['project']} a
          JOIN {tables['phase']} pa ON pa.id = a.phase_id
          JOIN {tables['process']} ra ON ra.id = a.process_id
         CROSS JOIN LATERAL (
               SELECT b.id, b.owner_id FROM {tables['project']} b
                 JOIN {tables['phase']} pb ON pb.id = b.phase_id
                 JOIN {tables['process']} rb ON rb.id = b.process_id
                WHERE b.customer_id = a.customer_id AND b.id > a.id AND {b_where}
                  AND {COMPETING_PAIR_SQL.format(**tables)}
               OFFSET 0) b
         WHERE {a_where}
         ORDER BY b.id DESC, a.id
    """  # noqa: S608 (table names are our own; values are parameters)
    params = [*b_params, *a_params]
    if limit is not None:
        sql += " LIMIT %s OFFSET %s"
        params += [limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(a, b) for a, b, _total in rows], (rows[0][2] if rows else 0)


def _conflicts_from_pairs(pairs: list) -> list[Conflict]:
    ids = {pk for pair in pairs for pk in pair}
    projects = project_queryset().in_bulk(ids) if ids else {}
    return [Conflict(a=projects[a], b=projects[b]) for a, b in pairs if a in projects and b in projects]


def conflict_page(*, number: int = 1, per_page: int = 20, owner_ids=None) -> ConflictPage:
    """One page of the possible conflicts of the tenant (optionally those touching ``owner_ids``),
    in two queries however many projects exist: the pairs, then their projects."""
    # Only projects flagged has_competitor take part (a partial index holds just those); the
    # query still checks every condition, so a stale flag can never invent a conflict.
    where, params = "a.has_competitor", []
    if owner_ids is not None:
        where += " AND (a.owner_id = ANY(%s) OR b.owner_id = ANY(%s))"
        params += [list(owner_ids), list(owner_ids)]
    number = max(1, number)
    pairs, count = _conflict_pairs(a_where=where, a_params=params, b_where="b.has_competitor", limit=per_page,
                                   offset=(number - 1) * per_page)
    if not pairs and number > 1 and count == 0:
        # past the last page (e.g. after grouping the last conflict of it): show the first
        return conflict_page(number=1, per_page=per_page, owner_ids=owner_ids)
    return ConflictPage(conflicts=_conflicts_from_pairs(pairs), count=count, number=number, per_page=per_page)


def project_conflicts(*, project: SalesProject) -> list[Conflict]:
    """The projects competing with this one, checked from scratch (not from the flags)."""
    pairs, _count = _conflict_pairs(a_where="a.customer_id = %s AND (a.id = %s OR b.id = %s)",
                                    a_params=[project.customer_id, project.pk, project.pk])
    return _conflicts_from_pairs(pairs)


def conflict_get(*, a_id: int, b_id: int) -> Conflict | None:
    """The pair of projects ``a_id``, ``b_id`` if they compete, else None (404 when either is missing)."""
    from django.http import Http404

    low, high = sorted((int(a_id), int(b_id)))
    projects = project_queryset().in_bulk([low, high])
    if low == high or len(projects) != 2:
        raise Http404
    pairs, _count = _conflict_pairs(a_where="a.id = %s", a_params=[low], b_where="b.id = %s", b_params=[high])
    return Conflict(a=projects[low], b=projects[high]) if pairs else None
