"""Project groups: the built-in types, membership, competing offers. The stored flags that groups
change live in ``sales.services.flags``; the alternatives rule of a move (winning one closes the
others) in ``sales.services.moves``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sales.models import ConflictDismissal, GroupType, Phase, ProjectGroup, SalesProject
from sales.services.flags import competition_refresh, group_rollup_refresh, pipeline_cache_bump
from sales.services.locking import lock_customers, lock_project, lock_projects

BUILTIN_GROUP_TYPES = [
    # key, name, rule, order
    (GroupType.SUBPROJECTS_KEY, gettext_noop("Sub-projects"), GroupType.Rule.SUM, 10),
    (GroupType.ALTERNATIVES_KEY, gettext_noop("Alternatives"), GroupType.Rule.ALTERNATIVES, 20),
]

__all__ = [
    "BUILTIN_GROUP_TYPES",
    "conflict_dismiss",
    "conflict_group_as_alternatives",
    "group_add_project",
    "group_create",
    "group_delete",
    "group_remove_project",
    "group_type_changed",
    "group_type_check_rule",
    "group_check_type",
    "group_types_ensure",
    "group_update",
]


# --- built-in types and reasons -------------------------------------------------------------


@transaction.atomic
def group_types_ensure(*, in_active_language: bool = False) -> dict[str, GroupType]:
    """The two built-in group types by key, created when missing (an admin may rename them).
    ``in_active_language`` (provisioning, in the new tenant's language): a built-in type that still
    has its English name from the migration gets the name in the active language."""
    found = {}
    for key, name, rule, order in BUILTIN_GROUP_TYPES:
        found[key], _created = GroupType.objects.get_or_create(
            key=key, defaults={"name": _(name), "rule": rule, "order": order}
        )
        if in_active_language and found[key].name == name and _(name) != name:
            found[key].name = _(name)
            found[key].save(update_fields=["name"])
    return found


def group_type_check_rule(*, group_type: GroupType, rule: str) -> None:
    """A type may become "alternatives" only if none of its groups has two won members, or a won
    member beside open ones."""
    if rule != GroupType.Rule.ALTERNATIVES or group_type.pk is None or group_type.rule == rule:
        return
    probe = GroupType(rule=rule)
    for group in ProjectGroup.objects.filter(
        type=group_type, members__phase__outcome=Phase.Outcome.WON
    ).distinct():
        try:
            _check_alternatives(group_type=probe, projects=_members(group))
        except ValidationError as exc:
            raise ValidationError(
                _("The group “%(group)s” cannot be alternatives: %(reason)s")
                % {"group": group.name, "reason": " ".join(exc.messages)}
            ) from exc


def group_check_type(*, group: ProjectGroup, group_type: GroupType) -> None:
    """Can this group's members be of ``group_type``? (Alternatives: at most one won, none open
    beside it.)"""
    if group.pk is not None:
        _check_alternatives(group_type=group_type, projects=_members(group))


@transaction.atomic
def group_type_changed(*, group_type: GroupType) -> None:
    """After an admin changed a type's rule: its groups count anew."""
    group_rollup_refresh(
        group_ids=list(ProjectGroup.objects.filter(type=group_type).values_list("pk", flat=True))
    )
    pipeline_cache_bump()


def _after_membership(
    *, group_ids: Iterable[int], customer_ids: Iterable[int], left_ids: Iterable[int] = ()
) -> None:
    group_rollup_refresh(group_ids=group_ids, left_ids=left_ids)
    competition_refresh(customer_ids=customer_ids)
    pipeline_cache_bump()


# --- rules ----------------------------------------------------------------------------------


def _require_edit_all(*, user, projects: Iterable[SalesProject]) -> None:
    from crm.permissions import editable_owner_ids

    allowed = editable_owner_ids(user=user)
    if allowed is not None and any(p.owner_id not in allowed for p in projects):
        raise PermissionDenied


def _require_group_edit(*, user, group: ProjectGroup) -> None:
    from sales.selectors import group_can_edit

    if not group_can_edit(user=user, group=group):
        raise PermissionDenied


def _titles(projects: Iterable[SalesProject]) -> str:
    return ", ".join(f"“{p.title}”" for p in projects)


def _check_alternatives(*, group_type: GroupType, projects: list[SalesProject]) -> None:
    """Alternatives: at most one member is won, and none is open beside a won one."""
    if not group_type.is_alternatives:
        return
    won = [p for p in projects if p.phase.outcome == Phase.Outcome.WON]
    if len(won) > 1:
        raise ValidationError(
            _("Only one alternative can be won, but %(titles)s are won.") % {"titles": _titles(won)}
        )
    if won and any(p.phase.outcome == Phase.Outcome.OPEN for p in projects):
        raise ValidationError(
            _("%(title)s has already been won, so open projects cannot become its alternatives.")
            % {"title": _titles(won)}
        )


def _lock_group(group: ProjectGroup) -> ProjectGroup:
    return ProjectGroup.objects.select_for_update().select_related("type").get(pk=group.pk)


def _members(group: ProjectGroup) -> list[SalesProject]:
    return list(SalesProject.objects.select_related("phase").filter(group=group).order_by("pk"))


# --- groups ---------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    name: str,
    group_type: GroupType,
    projects: Iterable[SalesProject],
    user,
    description: str = "",
    main_project: SalesProject | None = None,
) -> ProjectGroup:
    """A new group of ``projects``, none of them in a group yet; needs edit rights on all of
    them."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Please give the group a name.")})
    locked = lock_projects([p.pk for p in projects])
    if not locked:
        raise ValidationError(_("Select at least one project."))
    _require_edit_all(user=user, projects=locked)
    grouped = [p for p in locked if p.group_id]
    if grouped:
        raise ValidationError(
            _("Already in a group: %(titles)s. Remove them from their group first.")
            % {"titles": _titles(grouped)}
        )
    _check_alternatives(group_type=group_type, projects=locked)
    ids = [p.pk for p in locked]
    if main_project is not None and main_project.pk not in ids:
        raise ValidationError(
            {"main_project": _("The main project must be one of the group's projects.")}
        )
    group = ProjectGroup.objects.create(
        name=name,
        type=group_type,
        description=description or "",
        main_project=main_project,
        created_by=user,
    )
    SalesProject.objects.filter(pk__in=ids).update(group=group, updated_at=timezone.now())
    _after_membership(group_ids=[group.pk], customer_ids={p.customer_id for p in locked})
    return group


@transaction.atomic
def group_update(
    *,
    group: ProjectGroup,
    user,
    name: str,
    group_type: GroupType,
    description: str = "",
    main_project: SalesProject | None = None,
) -> ProjectGroup:
    """Rename a group, change its type, description or main project."""
    group = _lock_group(group)
    _require_group_edit(user=user, group=group)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Please give the group a name.")})
    members = _members(group)
    if main_project is not None and main_project.pk not in {p.pk for p in members}:
        raise ValidationError(
            {"main_project": _("The main project must be one of the group's projects.")}
        )
    type_changes = group_type.pk != group.type_id
    if type_changes:
        _check_alternatives(group_type=group_type, projects=members)
    group.name, group.type, group.description, group.main_project = (
        name,
        group_type,
        description or "",
        main_project,
    )
    group.save(update_fields=["name", "type", "description", "main_project", "updated_at"])
    if type_changes:
        _after_membership(group_ids=[group.pk], customer_ids=())
    return group


@transaction.atomic
def group_add_project(*, group: ProjectGroup, project: SalesProject, user) -> ProjectGroup:
    """Add a project to a group; needs edit rights on the project and on every member."""
    group = _lock_group(group)
    locked = lock_project(project)
    if locked.group_id == group.pk:
        return group
    _require_edit_all(user=user, projects=[locked])
    _require_group_edit(user=user, group=group)
    if locked.group_id:
        raise ValidationError(
            _("“%(title)s” is already in another group. Remove it from there first.")
            % {"title": locked.title}
        )
    _check_alternatives(group_type=group.type, projects=[*_members(group), locked])
    SalesProject.objects.filter(pk=locked.pk).update(group=group, updated_at=timezone.now())
    _after_membership(group_ids=[group.pk], customer_ids=[locked.customer_id])
    return group


@transaction.atomic
def group_remove_project(*, project: SalesProject, user) -> None:
    """Take a project out of its group; needs edit rights on the project."""
    group_id = SalesProject.objects.filter(pk=project.pk).values_list("group_id", flat=True).first()
    if group_id:
        ProjectGroup.objects.select_for_update().filter(pk=group_id).values_list(
            "pk", flat=True
        ).first()
    locked = lock_project(project)
    _require_edit_all(user=user, projects=[locked])
    if not locked.group_id:
        return
    group_id = locked.group_id
    SalesProject.objects.filter(pk=locked.pk).update(group=None, updated_at=timezone.now())
    ProjectGroup.objects.filter(pk=group_id, main_project=locked).update(main_project=None)
    _after_membership(group_ids=[group_id], customer_ids=[locked.customer_id], left_ids=[locked.pk])


@transaction.atomic
def group_delete(*, group: ProjectGroup, user) -> None:
    """Dissolve a group: its projects stay, ungrouped; needs edit rights on every member."""
    group = _lock_group(group)
    _require_group_edit(user=user, group=group)
    lock_customers(SalesProject.objects.filter(group=group).values_list("customer_id", flat=True))
    members = list(
        SalesProject.objects.select_for_update()
        .filter(group=group)
        .order_by("pk")
        .values_list("pk", "customer_id")
    )
    SalesProject.objects.filter(pk__in=[pk for pk, _c in members]).update(
        group=None, updated_at=timezone.now()
    )
    group.delete()
    _after_membership(
        group_ids=(), customer_ids={c for _pk, c in members}, left_ids=[pk for pk, _c in members]
    )


# --- competing offers -----------------------------------------------------------------------


@transaction.atomic
def conflict_dismiss(
    *, project_a: SalesProject, project_b: SalesProject, user
) -> ConflictDismissal:
    """ "These two do not compete": the warning goes away for this pair; needs edit rights on
    both."""
    _require_edit_all(user=user, projects=[project_a, project_b])
    low, high = sorted((project_a, project_b), key=lambda p: p.pk)
    if low.pk == high.pk:
        raise ValidationError(_("A project does not compete with itself."))
    dismissal, _created = ConflictDismissal.objects.get_or_create(
        project_low=low, project_high=high, defaults={"dismissed_by": user}
    )
    competition_refresh(customer_ids={low.customer_id, high.customer_id})
    return dismissal


@transaction.atomic
def conflict_group_as_alternatives(
    *, project_a: SalesProject, project_b: SalesProject, user
) -> ProjectGroup:
    """Group two competing projects as alternatives: a new alternatives group with both, or the
    one not yet grouped joins the other's group. Needs edit rights on both (and the group)."""
    fresh = SalesProject.objects.select_related("customer").in_bulk([project_a.pk, project_b.pk])
    project_a, project_b = fresh[project_a.pk], fresh[project_b.pk]
    _require_edit_all(user=user, projects=[project_a, project_b])
    if project_a.group_id and project_b.group_id:
        raise ValidationError(
            _("Both projects are already in groups. Remove one from its group first.")
        )
    if project_a.group_id or project_b.group_id:
        grouped, other = (project_a, project_b) if project_a.group_id else (project_b, project_a)
        return group_add_project(
            group=ProjectGroup.objects.get(pk=grouped.group_id), project=other, user=user
        )
    alternatives = group_types_ensure()[GroupType.ALTERNATIVES_KEY]
    name = _("Alternatives for %(customer)s") % {"customer": project_a.customer.name}
    return group_create(
        name=name[:200], group_type=alternatives, projects=[project_a, project_b], user=user
    )
