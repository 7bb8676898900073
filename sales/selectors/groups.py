"""Reads of project groups: the list with its figures, one group, its members, who may edit it."""

from __future__ import annotations

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    Case,
    CharField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.shortcuts import get_object_or_404

from crm.permissions import editable_owner_ids
from sales.models import (
    GroupType,
    ProjectGroup,
    SalesProject,
)
from sales.selectors.projects import project_queryset
from sales.selectors.totals import weighted_expression

__all__ = [
    "group_can_edit",
    "group_choices_for",
    "group_figures",
    "group_get",
    "group_list_bare",
    "group_member_owner_ids",
    "group_members",
    "group_queryset",
    "group_status",
    "group_type_list",
]


def group_type_list(*, active_only: bool = True) -> QuerySet[GroupType]:
    qs = GroupType.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def _owner_name(prefix: str):
    # "First Last", or the e-mail address when the user has no name (like User.__str__)
    text = CharField()
    full = Trim(Concat(f"{prefix}first_name", Value(" "), f"{prefix}last_name", output_field=text))
    return Coalesce(NullIf(full, Value("")), f"{prefix}email", output_field=text)


def group_status() -> Case:
    """The group's status from its stored outcome counts (see ProjectGroup.Status)."""
    alternatives = Q(type__rule=GroupType.Rule.ALTERNATIVES)
    return Case(
        When(members_count=0, then=Value(ProjectGroup.Status.EMPTY)),
        When(open_count=F("members_count"), then=Value(ProjectGroup.Status.OPEN)),
        When(won_count=F("members_count"), then=Value(ProjectGroup.Status.WON)),
        When(lost_count=F("members_count"), then=Value(ProjectGroup.Status.LOST)),
        # one alternative won and the others closed: the group is won
        When(alternatives & Q(won_count__gt=0, open_count=0), then=Value(ProjectGroup.Status.WON)),
        When(alternatives & Q(won_count=0, open_count__gt=0), then=Value(ProjectGroup.Status.OPEN)),
        default=Value(ProjectGroup.Status.MIXED),
    )


def group_figures() -> QuerySet[ProjectGroup]:
    """Groups with type, member count, value, weighted value and status: the figures the
    triggers of sales 0020 keep on every group (the same as ``rollup_aggregates`` over its
    members: a sub-projects group is worth the sum of its members, an alternatives group the
    value of its counting member), so sorting and filtering by them reads the groups alone."""
    return ProjectGroup.objects.select_related("type").annotate(
        n_members=F("members_count"),
        value=F("value_total"),
        weighted=F("weighted_total"),
        status=group_status(),
    )


def group_queryset() -> QuerySet[ProjectGroup]:
    """``group_figures`` with the owners of each group's members (one subquery per group read:
    meant for a page of groups or one group)."""
    owners = (
        SalesProject.objects.filter(group_id=OuterRef("pk"), owner__isnull=False)
        .order_by()
        .values("group_id")
        .annotate(names=ArrayAgg(_owner_name("owner__"), distinct=True))
        .values("names")
    )
    return group_figures().annotate(
        owner_names=Coalesce(Subquery(owners), Value([]), output_field=ArrayField(CharField()))
    )


def group_list_bare() -> QuerySet[ProjectGroup]:
    """Groups with their type only, for filtering, sorting and paging without the figures."""
    return ProjectGroup.objects.select_related("type")


def group_get(*, pk: int) -> ProjectGroup:
    """One group with its figures (404 when it does not exist in this tenant)."""
    return get_object_or_404(group_queryset().select_related("main_project", "created_by"), pk=pk)


def group_members(*, group: ProjectGroup) -> QuerySet[SalesProject]:
    """The group's projects (any process and phase), the counting and biggest first."""
    return (
        project_queryset()
        .filter(group=group)
        .annotate(weighted=weighted_expression())
        .order_by("-counts_in_pipeline", "-weighted", "-volume", "id")
    )


def group_member_owner_ids(*, group: ProjectGroup) -> set[int | None]:
    return set(
        SalesProject.objects.filter(group=group).values_list("owner_id", flat=True).distinct()
    )


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
    ids = (
        SalesProject.objects.filter(customer_id=project.customer_id, group__isnull=False)
        .exclude(group_id=project.group_id)
        .values("group_id")
    )
    return list(
        ProjectGroup.objects.select_related("type")
        .filter(pk__in=ids)
        .order_by("name", "id")[:limit]
    )
