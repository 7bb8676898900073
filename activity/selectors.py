"""Every read of the activity log: timelines, the log page's summary and chart, dashboard data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.shortcuts import get_object_or_404
from django.utils import timezone

from activity.models import HUMAN_KINDS, Activity, DailyCount
from activity.periods import Period, weeks_for_chart
from crm.lib.generations import cached

TIMELINE_PAGE = 20
COVERAGE_DAYS = 30


def activity_user_can_edit(*, user, activity: Activity) -> bool:
    """Only the author edits an entry, admins every person's entry; nobody a system entry."""
    if activity.is_system or not user.is_authenticated or not user.is_active:
        return False
    return activity.employee_id == user.pk or user.is_tenant_admin


def activity_visible(qs: QuerySet, *, user) -> QuerySet:
    """``qs`` without the custom-field changes of fields ``user``'s role may not see."""
    from customfields.selectors import role_of

    hidden = Q(kind=Activity.Kind.FIELD_CHANGED) & ~Q(payload__roles__contains=[role_of(user)])
    return qs.exclude(hidden)


def activity_base(*, user=None) -> QuerySet:
    """Activities with what a row shows, newest first (with ``user``: only what they may see)."""
    qs = Activity.objects.select_related("employee", "customer", "project").order_by(
        "-occurred_at", "-id"
    )
    return qs if user is None else activity_visible(qs, user=user)


def activity_get(*, pk: int, user=None) -> Activity:
    """One activity (404 when it does not exist in this tenant or ``user`` may not see it)."""
    return get_object_or_404(activity_base(user=user), pk=pk)


def activity_get_for_edit(*, pk: int, user) -> Activity:
    """One activity the user may change; 404 when missing, PermissionDenied when not theirs."""
    from django.core.exceptions import PermissionDenied

    activity = activity_get(pk=pk)
    if not activity_user_can_edit(user=user, activity=activity):
        raise PermissionDenied
    return activity


# --- Timelines ------------------------------------------------------------------------------


def timeline_queryset(
    *,
    customer_id: int | None = None,
    project_id: int | None = None,
    contact_id: int | None = None,
    group_id: int | None = None,
    user=None,
) -> QuerySet:
    """The entries of one timeline; a customer's includes project entries marked "show on customer".
    With ``user``: only the entries they may see."""
    qs = activity_base(user=user)
    if customer_id is not None:
        return qs.filter(customer_id=customer_id).filter(
            Q(project__isnull=True) | Q(show_on_customer=True)
        )
    if project_id is not None:
        return qs.filter(project_id=project_id)
    if contact_id is not None:
        return qs.filter(contacts=contact_id)
    if group_id is not None:
        field = group_field()
        return qs.filter(**{f"project__{field}": group_id}) if field else qs.none()
    return qs.none()


def group_model():
    """The project-group model of the sales app, once it exists."""
    from sales import models as sales_models

    return getattr(sales_models, "ProjectGroup", None)


def group_field() -> str | None:
    """The name of the sales project's foreign key to its group."""
    from sales.models import SalesProject

    model = group_model()
    for f in SalesProject._meta.get_fields():
        if model is not None and f.many_to_one and f.related_model is model:
            return f.name
    return None


def cursor_encode(activity: Activity) -> str:
    """A keyset cursor: the entry's time in microseconds since the epoch and its id."""
    delta = activity.occurred_at - datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}_{activity.pk}"


def cursor_decode(value: str | None) -> tuple[datetime.datetime, int] | None:
    """The (time, id) of a cursor, or None when it is missing or malformed."""
    try:
        micros, pk = (int(part) for part in (value or "").split("_"))
    except ValueError:
        return None
    return datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        microseconds=micros
    ), pk


def keyset_page(
    *, queryset: QuerySet, cursor: str | None = None, size: int, oldest_first: bool = False
) -> tuple[list[Activity], str | None]:
    """One page of ``queryset`` (newest first, or oldest first) after ``cursor``, and the cursor of
    the next page (None at the end). No OFFSET and no COUNT: a page deep in a million rows costs
    what the first one costs, because the bound on occurred_at is an index condition."""
    order = ("occurred_at", "id") if oldest_first else ("-occurred_at", "-id")
    queryset = queryset.order_by(*order)
    after = cursor_decode(cursor)
    if after is not None:
        at, pk = after
        if oldest_first:
            queryset = queryset.filter(occurred_at__gte=at).exclude(occurred_at=at, pk__lte=pk)
        else:
            queryset = queryset.filter(occurred_at__lte=at).exclude(occurred_at=at, pk__gte=pk)
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (cursor_encode(rows[-1]) if more and rows else None)


def activity_count_capped(*, queryset: QuerySet, limit: int) -> tuple[int, bool]:
    """How many rows ``queryset`` has, counted up to ``limit`` (one statement that stops early):
    ``(n, False)``, or ``(limit, True)`` for more than ``limit``. For the log's live region."""
    from customers.pagination import count_capped

    n, _stats = count_capped(queryset, limit=limit)
    return (limit, True) if n > limit else (n, False)


def timeline_page(
    *, queryset: QuerySet, cursor: str | None = None, size: int = TIMELINE_PAGE
) -> tuple[list[Activity], str | None]:
    """One page of a timeline after ``cursor`` and the cursor of the next page (None at the end)."""
    return keyset_page(queryset=queryset.prefetch_related("contacts"), cursor=cursor, size=size)


# --- The log page's summary per employee ----------------------------------------------------------


@dataclass
class EmployeeSummary:
    """One employee's line of the summary."""

    user: object
    counts: dict = field(default_factory=dict)  # kind -> count in the period
    previous: dict = field(default_factory=dict)  # kind -> count in the previous period
    customers_total: int = 0
    customers_touched: int = 0
    overdue_tasks: int = 0
    weeks: list = field(default_factory=list)  # [(monday, count)]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def previous_total(self) -> int:
        return sum(self.previous.values())

    @property
    def change(self) -> int:
        return self.total - self.previous_total

    @property
    def change_percent(self) -> int | None:
        if not self.previous_total:
            return None
        return round(100 * self.change / self.previous_total)

    @property
    def coverage_percent(self) -> int | None:
        if not self.customers_total:
            return None
        return round(100 * self.customers_touched / self.customers_total)

    @property
    def human_cells(self) -> list[tuple[str, int, int]]:
        """(kind, count, previous count) of each kind people log."""
        return [
            (k.value, self.counts.get(k.value, 0), self.previous.get(k.value, 0))
            for k in HUMAN_KINDS
        ]

    @property
    def system_count(self) -> int:
        return sum(n for kind, n in self.counts.items() if kind not in HUMAN_KINDS)

    def count(self, kind: str) -> int:
        return self.counts.get(kind, 0)

    def previous_count(self, kind: str) -> int:
        return self.previous.get(kind, 0)


def touching_activities() -> QuerySet:
    """People's entries that count as contact with a customer (an open task does not)."""
    return Activity.objects.filter(is_system=False, customer__isnull=False).exclude(
        kind=Activity.Kind.TASK, done_at__isnull=True
    )


def activity_summary(
    *,
    users: list,
    period: Period,
    queryset: QuerySet | None = None,
    kinds: list | None = None,
    now: datetime.datetime | None = None,
) -> list[EmployeeSummary]:
    """The summary per employee in a fixed number of GROUP BY queries, however many rows exist
    (the coverage from a short-lived cache, see ``_coverage``).

    Without ``queryset`` the counts come from the daily counts (optionally only ``kinds``); with one
    (filters the daily counts cannot answer, e.g. a customer) from the activities themselves.
    """

    now = now or timezone.now()
    by_user = {u.pk: EmployeeSummary(user=u) for u in users}
    if not by_user:
        return []
    ids = list(by_user)
    previous = period.previous()
    mondays = weeks_for_chart(period=period)

    if queryset is None:
        counts_qs = DailyCount.objects.order_by().filter(employee_id__in=ids)
        if kinds is not None:
            counts_qs = counts_qs.filter(kind__in=kinds)
        counts = (
            counts_qs.filter(day__gte=previous.first, day__lte=period.last)
            .values("employee_id", "kind")
            .annotate(
                now=Sum("n", filter=Q(day__gte=period.first), default=0),
                before=Sum("n", filter=Q(day__lt=period.first), default=0),
            )
        )
        weekly = (
            counts_qs.filter(day__gte=mondays[0], day__lte=period.last)
            .annotate(week=TruncWeek("day"))
            .values("employee_id", "week")
            .annotate(n=Sum("n"))
        )
    else:
        rows = queryset.order_by().filter(employee_id__in=ids)
        counts = (
            rows.filter(occurred_at__gte=previous.start, occurred_at__lt=period.end)
            .values("employee_id", "kind")
            .annotate(
                now=Count("id", filter=Q(occurred_at__gte=period.start)),
                before=Count("id", filter=Q(occurred_at__lt=period.start)),
            )
        )
        weekly = (
            rows.filter(occurred_at__gte=_midnight(mondays[0]), occurred_at__lt=period.end)
            .annotate(week=TruncWeek("occurred_at"))
            .values("employee_id", "week")
            .annotate(n=Count("id"))
        )
    for row in counts:
        summary = by_user[row["employee_id"]]
        if row["now"]:
            summary.counts[row["kind"]] = row["now"]
        if row["before"]:
            summary.previous[row["kind"]] = row["before"]
    per_week: dict[tuple[int, datetime.date], int] = {}
    for row in weekly:
        week = row["week"]
        if isinstance(week, datetime.datetime):
            week = timezone.localtime(week).date()
        per_week[(row["employee_id"], week)] = row["n"]
    for pk, summary in by_user.items():
        summary.weeks = [(monday, per_week.get((pk, monday), 0)) for monday in mondays]

    for owner_id, (total, touched) in _coverage(ids=ids, now=now).items():
        by_user[owner_id].customers_total = total
        by_user[owner_id].customers_touched = touched

    overdue = (
        Activity.objects.order_by()
        .filter(
            employee_id__in=ids,
            kind=Activity.Kind.TASK,
            done_at__isnull=True,
            due_date__lt=timezone.localdate(now),
        )
        .values("employee_id")
        .annotate(n=Count("*"))  # an index-only scan of the open-task index
    )
    for row in overdue:
        by_user[row["employee_id"]].overdue_tasks = row["n"]
    return list(by_user.values())


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _coverage(*, ids: list[int], now: datetime.datetime) -> dict[int, tuple[int, int]]:
    """Customers per owner and how many of them were touched in the last COVERAGE_DAYS days.

    Customer.last_activity_at is kept by activity_create & co. (people's entries, open tasks not
    counted): one pass over the customers instead of a join with a month of activities. That pass
    reads every customer, so it is cached (per tenant, the summary's lifetime) and made stale by
    owner changes and imports only: logging an entry moves the share by a fraction of a percent.
    """
    from customers.models import Customer

    def compute() -> dict[int, tuple[int, int]]:
        rows = (
            Customer.objects.order_by()
            .filter(owner_id__in=ids)
            .values("owner_id")
            .annotate(
                total=Count("id"),
                touched=Count(
                    "id",
                    filter=Q(last_activity_at__gte=now - datetime.timedelta(days=COVERAGE_DAYS)),
                ),
            )
        )
        return {row["owner_id"]: (row["total"], row["touched"]) for row in rows}

    return cached(
        topic=COVERAGE_TOPIC,
        parts=("coverage", tuple(sorted(ids))),
        seconds=summary_cache_seconds(),
        compute=compute,
    )


SUMMARY_TOPIC = "activity"
COVERAGE_TOPIC = "activity-coverage"


def summary_cache_seconds() -> int:
    """How long the log's rendered summary is cached: until the next activity write, at most this
    long (the 30-day coverage moves with the clock, and writes around the services go unseen).
    Off in tests, whose builders write rows directly."""
    return getattr(settings, "ACTIVITY_SUMMARY_CACHE_SECONDS", 0 if settings.TESTING else 300)


# --- Dashboard --------------------------------------------------------------------------------


def activity_dashboard(*, user, limit: int = 8, today: datetime.date | None = None) -> dict:
    """The user's open tasks (soonest due first), the number of open and of overdue tasks, and how
    many entries of each kind the user logged this week (Monday to today). Three small index reads
    however much the user logged: the first tasks, the open-task index alone (no table rows), and
    the week's daily counts."""
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    open_tasks = Activity.objects.filter(
        employee=user, kind=Activity.Kind.TASK, done_at__isnull=True
    )
    tasks = list(
        open_tasks.select_related("customer", "project").order_by("due_date", "occurred_at", "id")[
            :limit
        ]
    )
    late = ExpressionWrapper(Q(due_date__lt=today), output_field=BooleanField())
    by_lateness = dict(
        open_tasks.order_by().annotate(late=late).values_list("late").annotate(n=Count("*"))
    )
    human = [k.value for k in HUMAN_KINDS]
    week_by_kind = dict(
        DailyCount.objects.order_by()
        .filter(employee=user, day__gte=monday, day__lte=today, kind__in=human)
        .values_list("kind")
        .annotate(n=Sum("n"))
    )
    labels = dict(Activity.Kind.choices)
    return {
        "tasks": tasks,
        "open_count": sum(by_lateness.values()),
        "overdue_count": by_lateness.get(True, 0),
        "week": [(kind, labels[kind], week_by_kind.get(kind, 0)) for kind in human],
        "week_total": sum(week_by_kind.values()),
    }
