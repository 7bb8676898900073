"""Row locks every project write takes, in the one order all writers share: groups (a win may
close other members), then customers, then projects (in id order), then the running totals that
the triggers lock. Two writers of one customer's projects then wait for each other instead of
deadlocking. Also the version check that turns a stale form into ``ConcurrentUpdate``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sales.models import Phase, ProjectGroup, SalesProject

__all__ = [
    "ConcurrentUpdate",
    "check_version",
    "lock_customers",
    "lock_groups",
    "lock_groups_for_win",
    "lock_project",
    "lock_projects",
]


class ConcurrentUpdate(ValidationError):
    """Someone changed the project after the user loaded it; ``current`` is its state now."""

    def __init__(self, *, current: SalesProject):
        super().__init__(
            _("Someone changed this project in the meantime. Here is its current state."),
            code="stale",
        )
        self.current = current


def check_version(locked: SalesProject, expected_version: int | None) -> None:
    """Refuse a change made on a stale copy (``expected_version`` None: no check)."""
    if expected_version is not None and int(expected_version) != locked.version:
        raise ConcurrentUpdate(current=locked)


def lock_customers(customer_ids) -> None:
    """Lock the customer rows (id order) before their projects."""
    # Every project write ends in the customers' roll-up trigger (customers 0006), which locks the
    # customer rows. Taking those locks first, in id order, gives all writers one order (customers,
    # then projects, then the running totals): two moves of one customer's projects, or a move and
    # the lead conversion it triggers, then wait for each other instead of deadlocking.
    # ``customer_ids`` is a values queryset: it becomes a subquery, so this is one statement.
    from customers.models import Customer

    list(
        Customer.objects.select_for_update()
        .filter(pk__in=customer_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def lock_groups(group_ids) -> None:
    """Lock the groups (id order) before their projects' customers and the projects.

    Every write of a grouped project ends in the group figures' trigger (sales 0020), which locks
    the group rows; taking them first keeps the one order (groups, customers, projects) against a
    group service that locks its group and then the projects. ``group_ids``: ids or a values
    queryset (a subquery: one statement)."""
    list(
        ProjectGroup.objects.select_for_update(no_key=True)
        .filter(pk__in=group_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def lock_project(project: SalesProject) -> SalesProject:
    """Lock one project (after its group and its customer) and read it anew with its relations."""
    if project.group_id:  # an ungrouped project costs no statement
        lock_groups(SalesProject.objects.filter(pk=project.pk).values("group_id"))
    # Lock the bare row first, then read it with its relations: a locking query with joins would
    # drop the row when another transaction changed its phase while we waited (PostgreSQL rechecks
    # the join against the old phase row).
    lock_customers(SalesProject.objects.filter(pk=project.pk).values_list("customer_id", flat=True))
    SalesProject.objects.select_for_update().filter(pk=project.pk).values_list(
        "pk", flat=True
    ).get()
    return SalesProject.objects.select_related("phase", "process", "owner", "customer").get(
        pk=project.pk
    )


def lock_projects(project_ids: Iterable[int]) -> list[SalesProject]:
    """Lock many projects (after their customers) in id order and read them anew."""
    # Id order, so that two bulk actions never deadlock each other (see lock_project for why the
    # lock and the read are two queries).
    project_ids = list(project_ids)
    lock_groups(
        SalesProject.objects.filter(pk__in=project_ids, group__isnull=False).values("group_id")
    )
    lock_customers(
        SalesProject.objects.filter(pk__in=project_ids).values_list("customer_id", flat=True)
    )
    ids = list(
        SalesProject.objects.select_for_update()
        .filter(pk__in=project_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(
        SalesProject.objects.select_related("phase", "process", "owner", "customer")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def lock_groups_for_win(*, project_ids: Iterable[int], phase: Phase) -> None:
    """Before moving projects into a won phase: lock their groups."""
    # A win may close other members of the project's group: lock the groups before the projects,
    # the order every group change uses, so that two wins in one group wait instead of deadlocking.
    if phase.outcome != Phase.Outcome.WON:
        return
    group_ids = SalesProject.objects.filter(pk__in=list(project_ids), group__isnull=False).values(
        "group_id"
    )
    list(
        ProjectGroup.objects.select_for_update()
        .filter(pk__in=group_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
