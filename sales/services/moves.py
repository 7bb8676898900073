"""Executing a move (phase, process, owner) on a project row already locked and version-checked,
with every rule of a move: edit rights, locked phases, the lost reason, leads staying leads,
parking, the outcome events, and the alternatives rule (winning one closes the group's other open
members as lost with the reason "alternative won"; only one can be won).

The public services (``sales.services.projects``) lock and check the version, then call
``move_locked``; group changes never move projects, so this module imports no other service
module but the locks, the flags and the processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import events
from crm.permissions import require_edit_owned
from sales.models import (
    GroupType,
    LostReason,
    Phase,
    PhaseChange,
    Process,
    ProjectGroup,
    SalesProject,
)
from sales.services.flags import pipeline_cache_bump, project_flags_refresh
from sales.services.locking import lock_projects
from sales.services.processes import phase_first_open

__all__ = [
    "MoveResult",
    "alternatives_check_can_win",
    "alternatives_close_others",
    "lost_reason_alternative_won",
    "move_locked",
    "phase_apply",
    "lost_reason_check",
    "outcome_events_send",
]


@dataclass
class MoveResult:
    """What a move did: the moved project, and the alternatives its win closed (for the message)."""

    project: SalesProject
    closed_alternatives: list[SalesProject] = field(default_factory=list)


def _same_family(a: Process, b: Process) -> bool:
    # Lead projects stay in lead processes and sales projects out of them.
    return (a.kind == Process.Kind.LEAD) == (b.kind == Process.Kind.LEAD)


def phase_apply(
    project: SalesProject, *, phase: Phase, lost_reason: LostReason | None, now
) -> list[str]:
    """Set the fields that follow from entering ``phase``; return the names of changed fields.
    A probability set by hand stays while the project moves between open phases; won and lost
    set 100 and 0 and end it."""
    project.phase = phase
    project.phase_entered_at = now
    if phase.outcome == Phase.Outcome.WON:
        project.probability, project.closed_at, project.lost_reason = 100, now, None
    elif phase.outcome == Phase.Outcome.LOST:
        project.probability, project.closed_at, project.lost_reason = 0, now, lost_reason
    else:
        if not project.probability_overridden:
            project.probability = phase.probability
        project.closed_at, project.lost_reason = None, None
    project.probability_overridden = (
        project.probability_overridden and phase.outcome == Phase.Outcome.OPEN
    )
    return [
        "phase",
        "phase_entered_at",
        "probability",
        "closed_at",
        "lost_reason",
        "probability_overridden",
    ]


def lost_reason_check(*, phase: Phase, lost_reason: LostReason | None) -> None:
    """A lost phase needs a reason."""
    if phase.outcome == Phase.Outcome.LOST and lost_reason is None:
        raise ValidationError({"lost_reason": _("Please give a reason why the project was lost.")})


def outcome_events_send(*, project: SalesProject, user, from_phase: Phase | None) -> None:
    """``project_won``, ``project_lost`` or ``project_reopened``, as the new phase's outcome
    says."""
    outcome = project.phase.outcome
    was_open = from_phase is None or from_phase.outcome == Phase.Outcome.OPEN
    if outcome == Phase.Outcome.WON:
        events.project_won.send(sender=SalesProject, project=project, user=user)
    elif outcome == Phase.Outcome.LOST:
        events.project_lost.send(
            sender=SalesProject, project=project, user=user, reason=project.lost_reason
        )
    elif not was_open:
        events.project_reopened.send(sender=SalesProject, project=project, user=user)


def move_locked(
    locked: SalesProject,
    *,
    phase: Phase,
    user,
    lost_reason: LostReason | None,
    owner,
    process: Process | None,
    park_until: date | None = None,
    park_return_phase: Phase | None = None,
    as_system: bool = False,
) -> MoveResult:
    """The rules of a move, on a row already locked and version-checked (``user`` None: the system;
    ``as_system``: a consequence of the user's own change, such as closing an alternative)."""
    system = user is None or as_system
    if not system:
        require_edit_owned(user=user, owner_id=locked.owner_id)
    process = process or phase.process
    if phase.process_id != process.pk:
        raise ValidationError({"phase": _("This phase belongs to another process.")})
    if not _same_family(locked.process, process):
        raise ValidationError(
            {"process": _("Leads stay in lead processes and sales projects in sales processes.")}
        )
    from_phase, from_owner = locked.phase, locked.owner
    phase_changes = phase.pk != from_phase.pk
    owner_changes = owner is not None and owner.pk != locked.owner_id
    if not phase_changes and not owner_changes:
        return MoveResult(project=locked)
    fields: list[str] = []
    if phase_changes:
        if from_phase.locked and not system and not user.is_tenant_admin:
            raise ValidationError(
                _("The phase “%(phase)s” is locked: only an admin may move projects out of it.")
                % {"phase": from_phase}
            )
        lost_reason_check(phase=phase, lost_reason=lost_reason)
        if phase.outcome == Phase.Outcome.WON:
            alternatives_check_can_win(project=locked)
        fields += phase_apply(locked, phase=phase, lost_reason=lost_reason, now=timezone.now())
        if process.pk != locked.process_id:
            locked.process = process
            fields.append("process")
        fields += _clear_parking(locked)
        if phase.parks:
            fields += _park(
                locked, from_phase=from_phase, until=park_until, return_phase=park_return_phase
            )
    if owner_changes:
        if not system:
            require_edit_owned(user=user, owner_id=owner.pk)
        locked.owner = owner
        fields.append("owner")
    locked.version += 1
    locked.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])
    project_flags_refresh(project=locked)
    pipeline_cache_bump()
    if phase_changes:
        change = PhaseChange.objects.create(
            project=locked, from_phase=from_phase, to_phase=phase, user=user
        )
        events.project_phase_changed.send(
            sender=SalesProject,
            project=locked,
            user=user,
            from_phase=from_phase,
            to_phase=phase,
            change=change,
        )
        outcome_events_send(project=locked, user=user, from_phase=from_phase)
    if owner_changes:
        events.project_owner_changed.send(
            sender=SalesProject, project=locked, user=user, from_owner=from_owner, to_owner=owner
        )
    result = MoveResult(project=locked)
    if phase_changes and phase.outcome == Phase.Outcome.WON and locked.group_id:
        result.closed_alternatives = alternatives_close_others(winner=locked, user=user)
    return result


def _park(
    project: SalesProject, *, from_phase: Phase, until: date | None, return_phase: Phase | None
) -> list[str]:
    """Set the follow-up date and the phase to return to (the one it came from unless chosen)."""
    if until is None:
        raise ValidationError({"park_until": _("Choose the date on which to follow up.")})
    if until <= timezone.localdate():
        raise ValidationError({"park_until": _("The follow-up date must be in the future.")})
    if (
        return_phase is None
        and from_phase.outcome == Phase.Outcome.OPEN
        and not from_phase.parks
        and from_phase.process_id == project.process_id
    ):
        return_phase = from_phase
    return_phase = return_phase or phase_first_open(process=project.process)
    if (
        return_phase.process_id != project.process_id
        or return_phase.outcome != Phase.Outcome.OPEN
        or return_phase.parks
    ):
        raise ValidationError(
            {"park_return_phase": _("Choose an open phase of the same process to return to.")}
        )
    project.parked_until, project.park_return_phase = until, return_phase
    return ["parked_until", "park_return_phase"]


def _clear_parking(project: SalesProject) -> list[str]:
    # Any phase change ends a parking and answers the follow-up reminder.
    changed = [
        n
        for n in ("parked_until", "park_return_phase", "followup_due")
        if getattr(project, n) is not None
    ]
    for name in changed:
        setattr(project, name, None)
    return changed


# --- winning an alternative -----------------------------------------------------------------


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
    return LostReason.objects.create(
        name=name, key=LostReason.ALTERNATIVE_WON, order=900, is_active=False
    )


def alternatives_check_can_win(*, project: SalesProject) -> None:
    """Only one member of an alternatives group can be won."""
    if not project.group_id:
        return
    other = (
        SalesProject.objects.filter(
            group_id=project.group_id,
            group__type__rule=GroupType.Rule.ALTERNATIVES,
            phase__outcome=Phase.Outcome.WON,
        )
        .exclude(pk=project.pk)
        .first()
    )
    if other is not None:
        raise ValidationError(
            _("Its alternative “%(title)s” has already been won: only one alternative can be won.")
            % {"title": other.title}
        )


def _lost_phase(project: SalesProject) -> Phase:
    phase = (
        project.process.phases.filter(outcome=Phase.Outcome.LOST).order_by("order", "id").first()
    )
    if phase is None:
        raise ValidationError(
            _(
                "The alternative “%(title)s” cannot be closed: its process “%(process)s” has no "
                "lost phase."
            )
            % {"title": project.title, "process": project.process}
        )
    return phase


def alternatives_close_others(*, winner: SalesProject, user) -> list[SalesProject]:
    """After ``winner`` was won: close its group's other open members as lost ("alternative won"),
    each with its phase change and events, plus ``alternative_closed``. Called inside the winning
    move's transaction by ``move_locked``; closed members are left alone."""
    if not winner.group_id:
        return []
    group = ProjectGroup.objects.select_for_update().select_related("type").get(pk=winner.group_id)
    if not group.type.is_alternatives:
        return []
    ids = list(
        SalesProject.objects.filter(group=group, phase__outcome=Phase.Outcome.OPEN)
        .exclude(pk=winner.pk)
        .values_list("pk", flat=True)
    )
    if not ids:
        return []
    reason = lost_reason_alternative_won()
    closed = []
    for other in lock_projects(ids):
        if other.group_id != group.pk or other.phase.outcome != Phase.Outcome.OPEN:
            continue  # changed while we waited for its lock
        # Done on behalf of the winner's user, whoever owns the alternative.
        moved = move_locked(
            other,
            phase=_lost_phase(other),
            user=user,
            lost_reason=reason,
            owner=None,
            process=other.process,
            as_system=True,
        ).project
        events.alternative_closed.send(
            sender=SalesProject, project=moved, user=user, group=group, winner=winner
        )
        closed.append(moved)
    return closed
