"""Project groups: the built-in types, membership, the alternatives rule, competing offers.

Two facts about each project are stored on it and recomputed here, inside the transaction of every
change they depend on, by one UPDATE each:

- ``counts_in_pipeline`` (``group_rollup_refresh``): in an alternatives group only one member
  counts in pipeline totals; ``sales.selectors.pipeline_rollup`` sums only counting projects.
- ``has_competitor`` (``competition_refresh``): an open project of another owner for the same
  customer exists, not in the same group and not dismissed; the conflicts list reads only
  flagged projects (and re-checks every pair).

Winning an alternative (``project_move`` into a won phase, by any path) closes the group's other
open members as lost with the reason "alternative won" (``alternatives_close_others``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from crm import events
from sales.models import ConflictDismissal, GroupType, LostReason, Phase, ProjectGroup, SalesProject

BUILTIN_GROUP_TYPES = [
    # key, name, rule, order
    (GroupType.SUBPROJECTS_KEY, gettext_noop("Sub-projects"), GroupType.Rule.SUM, 10),
    (GroupType.ALTERNATIVES_KEY, gettext_noop("Alternatives"), GroupType.Rule.ALTERNATIVES, 20),
]

__all__ = [
    "BUILTIN_GROUP_TYPES", "alternatives_check_can_win", "alternatives_close_others", "competition_refresh",
    "conflict_dismiss", "conflict_group_as_alternatives", "flags_refresh_all", "group_add_project", "group_create",
    "group_delete", "group_remove_project", "group_rollup_refresh", "group_type_changed", "group_type_check_rule",
    "group_check_type", "group_types_ensure", "group_update", "lost_reason_alternative_won", "project_flags_refresh",
]


# --- built-in types and reasons -------------------------------------------------------------


@transaction.atomic
def group_types_ensure() -> dict[str, GroupType]:
    """The two built-in group types by key, created when missing (an admin may rename them)."""
    found = {}
    for key, name, rule, order in BUILTIN_GROUP_TYPES:
        found[key], _created = GroupType.objects.get_or_create(
            key=key, defaults={"name": _(name), "rule": rule, "order": order}
        )
    return found


def group_type_check_rule(*, group_type: GroupType, rule: str) -> None:
    """A type may become "alternatives" only if none of its groups has two won members, or a won
    member beside open ones."""
    if rule != GroupType.Rule.ALTERNATIVES or group_type.pk is None or group_type.rule == rule:
        return
    probe = GroupType(rule=rule)
    for group in ProjectGroup.objects.filter(type=group_type, members__phase__outcome=Phase.Outcome.WON).distinct():
        try:
            _check_alternatives(group_type=probe, projects=_members(group))
        except ValidationError as exc:
            raise ValidationError(_("The group “%(group)s” cannot be alternatives: %(reason)s")
                                  % {"group": group.name, "reason": " ".join(exc.messages)}) from exc


def group_check_type(*, group: ProjectGroup, group_type: GroupType) -> None:
    """Can this group's members be of ``group_type``? (Alternatives: at most one won, none open beside it.)"""
    if group.pk is not None:
        _check_alternatives(group_type=group_type, projects=_members(group))


@transaction.atomic
def group_type_changed(*, group_type: GroupType) -> None:
    """After an admin changed a type's rule: its groups count anew."""
    from sales.services.projects import pipeline_cache_bump

    group_rollup_refresh(group_ids=list(ProjectGroup.objects.filter(type=group_type).values_list("pk", flat=True)))
    pipeline_cache_bump()


def lost_reason_alternative_won() -> LostReason:
    """The lost reason "Alternative won", created when missing (not offered for closing by hand)."""
    reason = LostReason.objects.filter(key=LostReason.ALTERNATIVE_WON).first()
    if reason is not None:
        return reason
    name = _("Alternative won")
    reason = LostReason.objects.filter(name=name).first()  # an admin made one before we needed it
    if reason is not None:
        reason.key = LostReason.ALTERNATIVE_WON
        reason.save(update_fields=["key"])
        return reason
    return LostReason.objects.create(name=name, key=LostReason.ALTERNATIVE_WON, order=900, is_active=False)


# --- the stored flags -----------------------------------------------------------------------


def _tables() -> dict[str, str]:
    from sales.selectors import competing_sql_tables

    return {**competing_sql_tables(), "group": ProjectGroup._meta.db_table, "type": GroupType._meta.db_table}


def group_rollup_refresh(*, group_ids: Iterable[int] | None, left_ids: Iterable[int] = ()) -> int:
    """Recompute ``counts_in_pipeline`` of the members of ``group_ids`` (None: of every group) and
    of projects that just left a group (``left_ids``); returns how many projects changed.

    In an alternatives group exactly one member counts: a won one, else the one with the highest
    weighted value (then open before lost, the bigger volume, the older project). All others count.
    """
    t = _tables()
    if group_ids is None:
        members, params, left, left_params = "m.group_id IS NOT NULL", [], "TRUE", []
    else:
        members, params = "m.group_id = ANY(%s)", [sorted({int(pk) for pk in group_ids})]
        left, left_params = "id = ANY(%s)", [sorted({int(pk) for pk in left_ids})]
        if not params[0] and not left_params[0]:
            return 0
    sql = f"""
        UPDATE {t['project']} p SET counts_in_pipeline = r.counts
          FROM (SELECT m.id,
                       (t.rule <> %s OR ROW_NUMBER() OVER (
                            PARTITION BY m.group_id
                            ORDER BY (ph.outcome = 'won') DESC, m.volume * m.probability DESC,
                                     (ph.outcome = 'open') DESC, m.volume DESC, m.id) = 1) AS counts
                  FROM {t['project']} m
                  JOIN {t['group']} g ON g.id = m.group_id
                  JOIN {t['type']} t ON t.id = g.type_id
                  JOIN {t['phase']} ph ON ph.id = m.phase_id
                 WHERE {members}) r
         WHERE p.id = r.id AND p.counts_in_pipeline <> r.counts
    """  # noqa: S608 (our own table names; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [GroupType.Rule.ALTERNATIVES, *params])
        changed = cursor.rowcount
        cursor.execute(
            f"UPDATE {t['project']} SET counts_in_pipeline = TRUE "  # noqa: S608
            f"WHERE NOT counts_in_pipeline AND group_id IS NULL AND {left}", left_params,
        )
        changed += cursor.rowcount
    return changed


def competition_refresh(*, customer_ids: Iterable[int] | None) -> int:
    """Recompute ``has_competitor`` of the projects of ``customer_ids`` (None: of every customer);
    returns how many projects changed."""
    from sales.selectors import COMPETING_PAIR_SQL

    t = _tables()
    if customer_ids is None:
        where, params = "TRUE", []
    else:
        ids = sorted({int(pk) for pk in customer_ids if pk is not None})
        if not ids:
            return 0
        where, params = "a.customer_id = ANY(%s)", [ids]
    sql = f"""
        UPDATE {t['project']} p SET has_competitor = c.competing
          FROM (SELECT a.id,
                       (pa.outcome = 'open' AND ra.kind = 'sales' AND a.owner_id IS NOT NULL AND EXISTS (
                            SELECT 1 FROM {t['project']} b
                              JOIN {t['phase']} pb ON pb.id = b.phase_id
                              JOIN {t['process']} rb ON rb.id = b.process_id
                             WHERE b.customer_id = a.customer_id AND b.id <> a.id
                               AND {COMPETING_PAIR_SQL.format(**t)})) AS competing
                  FROM {t['project']} a
                  JOIN {t['phase']} pa ON pa.id = a.phase_id
                  JOIN {t['process']} ra ON ra.id = a.process_id
                 WHERE {where}) c
         WHERE p.id = c.id AND p.has_competitor <> c.competing
    """  # noqa: S608 (our own table names; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def project_flags_refresh(*, project: SalesProject, rollup: bool = True, customer_ids: Iterable[int] = ()) -> None:
    """After a change of one project: its group's roll-up (``rollup``) and its customer's (and
    ``customer_ids``') competition."""
    if rollup and project.group_id:
        group_rollup_refresh(group_ids=[project.group_id])
    competition_refresh(customer_ids=[project.customer_id, *customer_ids])


@transaction.atomic
def flags_refresh_all() -> tuple[int, int]:
    """Recompute both flags of every project (after a process's kind or a phase's outcome changed,
    or data was written around the services); returns how many (roll-up, competition) changed."""
    from sales.services.projects import pipeline_cache_bump

    changed = group_rollup_refresh(group_ids=None), competition_refresh(customer_ids=None)
    if sum(changed) > 1000:  # keep the planner's idea of how many projects are flagged true
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SalesProject._meta.db_table}")  # noqa: S608
    pipeline_cache_bump()
    return changed


def _after_membership(*, group_ids: Iterable[int], customer_ids: Iterable[int], left_ids: Iterable[int] = ()) -> None:
    from sales.services.projects import pipeline_cache_bump

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
        raise ValidationError(_("Only one alternative can be won, but %(titles)s are won.") % {"titles": _titles(won)})
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
def group_create(*, name: str, group_type: GroupType, projects: Iterable[SalesProject], user,
                 description: str = "", main_project: SalesProject | None = None) -> ProjectGroup:
    """A new group of ``projects``, none of them in a group yet; needs edit rights on all of them."""
    from sales.services.projects import _lock_many

    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Please give the group a name.")})
    locked = _lock_many([p.pk for p in projects])
    if not locked:
        raise ValidationError(_("Select at least one project."))
    _require_edit_all(user=user, projects=locked)
    grouped = [p for p in locked if p.group_id]
    if grouped:
        raise ValidationError(_("Already in a group: %(titles)s. Remove them from their group first.")
                              % {"titles": _titles(grouped)})
    _check_alternatives(group_type=group_type, projects=locked)
    ids = [p.pk for p in locked]
    if main_project is not None and main_project.pk not in ids:
        raise ValidationError({"main_project": _("The main project must be one of the group's projects.")})
    group = ProjectGroup.objects.create(name=name, type=group_type, description=description or "",
                                        main_project=main_project, created_by=user)
    SalesProject.objects.filter(pk__in=ids).update(group=group, updated_at=timezone.now())
    _after_membership(group_ids=[group.pk], customer_ids={p.customer_id for p in locked})
    return group


@transaction.atomic
def group_update(*, group: ProjectGroup, user, name: str, group_type: GroupType, description: str = "",
                 main_project: SalesProject | None = None) -> ProjectGroup:
    """Rename a group, change its type, description or main project."""
    group = _lock_group(group)
    _require_group_edit(user=user, group=group)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Please give the group a name.")})
    members = _members(group)
    if main_project is not None and main_project.pk not in {p.pk for p in members}:
        raise ValidationError({"main_project": _("The main project must be one of the group's projects.")})
    type_changes = group_type.pk != group.type_id
    if type_changes:
        _check_alternatives(group_type=group_type, projects=members)
    group.name, group.type, group.description, group.main_project = name, group_type, description or "", main_project
    group.save(update_fields=["name", "type", "description", "main_project", "updated_at"])
    if type_changes:
        _after_membership(group_ids=[group.pk], customer_ids=())
    return group


@transaction.atomic
def group_add_project(*, group: ProjectGroup, project: SalesProject, user) -> ProjectGroup:
    """Add a project to a group; needs edit rights on the project and on every member."""
    from sales.services.projects import _lock

    group = _lock_group(group)
    locked = _lock(project)
    if locked.group_id == group.pk:
        return group
    _require_edit_all(user=user, projects=[locked])
    _require_group_edit(user=user, group=group)
    if locked.group_id:
        raise ValidationError(_("“%(title)s” is already in another group. Remove it from there first.")
                              % {"title": locked.title})
    _check_alternatives(group_type=group.type, projects=[*_members(group), locked])
    SalesProject.objects.filter(pk=locked.pk).update(group=group, updated_at=timezone.now())
    _after_membership(group_ids=[group.pk], customer_ids=[locked.customer_id])
    return group


@transaction.atomic
def group_remove_project(*, project: SalesProject, user) -> None:
    """Take a project out of its group; needs edit rights on the project."""
    from sales.services.projects import _lock

    group_id = SalesProject.objects.filter(pk=project.pk).values_list("group_id", flat=True).first()
    if group_id:
        ProjectGroup.objects.select_for_update().filter(pk=group_id).values_list("pk", flat=True).first()
    locked = _lock(project)
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
    from sales.services.projects import _lock_customers

    group = _lock_group(group)
    _require_group_edit(user=user, group=group)
    _lock_customers(SalesProject.objects.filter(group=group).values_list("customer_id", flat=True))
    members = list(SalesProject.objects.select_for_update().filter(group=group).order_by("pk")
                   .values_list("pk", "customer_id"))
    SalesProject.objects.filter(pk__in=[pk for pk, _c in members]).update(group=None, updated_at=timezone.now())
    group.delete()
    _after_membership(group_ids=(), customer_ids={c for _pk, c in members}, left_ids=[pk for pk, _c in members])


# --- winning an alternative -----------------------------------------------------------------


def alternatives_check_can_win(*, project: SalesProject) -> None:
    """Only one member of an alternatives group can be won."""
    if not project.group_id:
        return
    other = (SalesProject.objects.filter(group_id=project.group_id, group__type__rule=GroupType.Rule.ALTERNATIVES,
                                         phase__outcome=Phase.Outcome.WON)
             .exclude(pk=project.pk).first())
    if other is not None:
        raise ValidationError(_("Its alternative “%(title)s” has already been won: only one alternative can be won.")
                              % {"title": other.title})


def _lost_phase(project: SalesProject) -> Phase:
    phase = project.process.phases.filter(outcome=Phase.Outcome.LOST).order_by("order", "id").first()
    if phase is None:
        raise ValidationError(
            _("The alternative “%(title)s” cannot be closed: its process “%(process)s” has no lost phase.")
            % {"title": project.title, "process": project.process}
        )
    return phase


def alternatives_close_others(*, winner: SalesProject, user) -> list[SalesProject]:
    """After ``winner`` was won: close its group's other open members as lost ("alternative won"),
    each with its phase change and events, plus ``alternative_closed``. Called inside the winning
    move's transaction by ``sales.services.projects``; closed members are left alone."""
    from sales.services.projects import _lock_many, _move_locked

    if not winner.group_id:
        return []
    group = ProjectGroup.objects.select_for_update().select_related("type").get(pk=winner.group_id)
    if not group.type.is_alternatives:
        return []
    ids = list(SalesProject.objects.filter(group=group, phase__outcome=Phase.Outcome.OPEN)
               .exclude(pk=winner.pk).values_list("pk", flat=True))
    if not ids:
        return []
    reason = lost_reason_alternative_won()
    closed = []
    for other in _lock_many(ids):
        if other.group_id != group.pk or other.phase.outcome != Phase.Outcome.OPEN:
            continue  # changed while we waited for its lock
        # Done on behalf of the winner's user, whoever owns the alternative.
        moved = _move_locked(other, phase=_lost_phase(other), user=user, lost_reason=reason, owner=None,
                             process=other.process, as_system=True)
        events.alternative_closed.send(sender=SalesProject, project=moved, user=user, group=group, winner=winner)
        closed.append(moved)
    return closed


# --- competing offers -----------------------------------------------------------------------


@transaction.atomic
def conflict_dismiss(*, project_a: SalesProject, project_b: SalesProject, user) -> ConflictDismissal:
    """"These two do not compete": the warning goes away for this pair; needs edit rights on both."""
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
def conflict_group_as_alternatives(*, project_a: SalesProject, project_b: SalesProject, user) -> ProjectGroup:
    """Group two competing projects as alternatives: a new alternatives group with both, or the
    one not yet grouped joins the other's group. Needs edit rights on both (and the group)."""
    fresh = SalesProject.objects.select_related("customer").in_bulk([project_a.pk, project_b.pk])
    project_a, project_b = fresh[project_a.pk], fresh[project_b.pk]
    _require_edit_all(user=user, projects=[project_a, project_b])
    if project_a.group_id and project_b.group_id:
        raise ValidationError(_("Both projects are already in groups. Remove one from its group first."))
    if project_a.group_id or project_b.group_id:
        grouped, other = (project_a, project_b) if project_a.group_id else (project_b, project_a)
        return group_add_project(group=ProjectGroup.objects.get(pk=grouped.group_id), project=other, user=user)
    alternatives = group_types_ensure()[GroupType.ALTERNATIVES_KEY]
    name = _("Alternatives for %(customer)s") % {"customer": project_a.customer.name}
    return group_create(name=name[:200], group_type=alternatives, projects=[project_a, project_b], user=user)
