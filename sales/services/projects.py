"""Every write about sales projects and leads: create, update, move, reopen, hand over, bulk
actions, parking and the buying center. Processes live in ``sales.services.processes``, the locks
in ``locking``, the rules of a move in ``moves``, the stored flags in ``flags``.

Writes lock the project row and compare its ``version`` with the one the user saw: a mismatch is a
``ConcurrentUpdate``, never a silent overwrite. Each change records a ``PhaseChange`` where the
phase changes and sends its domain event inside the transaction, so a failing listener (lead
conversion, activity log) undoes the whole change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import events
from crm.permissions import (
    editable_owner_ids,
    owner_allowed,
    require_edit_owned,
)
from customfields.services import unique_guard
from sales.models import LostReason, Phase, PhaseChange, Process, ProjectContact, SalesProject
from sales.services.flags import (
    competition_refresh,
    group_rollup_refresh,
    pipeline_cache_bump,
    project_flags_refresh,
)
from sales.services.locking import check_version, lock_groups_for_win, lock_project, lock_projects
from sales.services.moves import (
    MoveResult,
    lost_reason_check,
    move_locked,
    outcome_events_send,
    phase_apply,
)
from sales.services.processes import phase_first_open

UPDATABLE_FIELDS = {
    "title",
    "volume",
    "probability",
    "expected_order_date",
    "description",
    "customer",
    "custom",
}

__all__ = [
    "UPDATABLE_FIELDS",
    "BulkResult",
    "project_bulk_change_owner",
    "project_bulk_move",
    "project_change_owner",
    "project_contact_add",
    "project_contact_remove",
    "project_create",
    "project_create_followup",
    "project_create_with_customer",
    "project_delete",
    "project_followup_done",
    "project_move",
    "project_reopen",
    "project_reopen_phase",
    "project_unpark_due",
    "project_update",
]


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # not editable by the user


# --- projects -------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    customer,
    process: Process,
    title: str,
    user,
    phase: Phase | None = None,
    owner=None,
    volume: Decimal | int = 0,
    probability: int | None = None,
    expected_order_date=None,
    description: str = "",
    lost_reason: LostReason | None = None,
    check_permission: bool = True,
    custom: dict | None = None,
) -> SalesProject:
    """Start a project for a customer in a process (its first open phase unless ``phase``)."""
    if check_permission:
        require_edit_owned(user=user, owner_id=owner.pk if owner else None)
    if not (title or "").strip():
        raise ValidationError({"title": _("Please give the project a title.")})
    phase = phase or phase_first_open(process=process)
    if phase.process_id != process.pk:
        raise ValidationError({"phase": _("This phase belongs to another process.")})
    lost_reason_check(phase=phase, lost_reason=lost_reason)
    now = timezone.now()
    project = SalesProject(
        customer=customer,
        process=process,
        owner=owner,
        title=title.strip(),
        volume=volume or 0,
        expected_order_date=expected_order_date,
        description=description or "",
        created_by=user,
        custom=custom or {},
    )
    phase_apply(project, phase=phase, lost_reason=lost_reason, now=now)
    if (
        probability is not None
        and phase.outcome == Phase.Outcome.OPEN
        and int(probability) != phase.probability
    ):
        project.probability, project.probability_overridden = int(probability), True
    project.full_clean(
        exclude=["customer", "process", "phase", "owner", "lost_reason", "created_by"]
    )
    with unique_guard():
        project.save()
    PhaseChange.objects.create(project=project, from_phase=None, to_phase=phase, user=user)
    project_flags_refresh(project=project)
    pipeline_cache_bump()
    events.project_created.send(sender=SalesProject, project=project, user=user)
    if phase.outcome != Phase.Outcome.OPEN:
        outcome_events_send(project=project, user=user, from_phase=None)
    return project


@transaction.atomic
def project_create_with_customer(
    *,
    customer_values: dict[str, Any],
    lead: bool,
    user,
    process: Process,
    title: str,
    **project_values,
) -> SalesProject:
    """A new customer (or lead) and its first project, all or nothing."""
    from customers.models import Customer
    from customers.services import customer_create

    values = dict(customer_values)
    values.setdefault("owner", project_values.get("owner") or user)
    status = Customer.Status.LEAD if lead else Customer.Status.CUSTOMER
    customer = customer_create(user=user, status=status, **values)
    return project_create(
        customer=customer, process=process, title=title, user=user, **project_values
    )


@transaction.atomic
def project_update(
    *, project: SalesProject, user, expected_version: int | None, data: dict[str, Any]
) -> SalesProject:
    """Change a project's plain fields (title, volume, probability, dates, text, customer)."""
    unknown = set(data) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(
            f"project_update cannot change {sorted(unknown)}; phases and owners move with "
            "project_move"
        )
    locked = lock_project(project)
    check_version(locked, expected_version)
    require_edit_owned(user=user, owner_id=locked.owner_id)
    old_customer_id = locked.customer_id
    custom_before = dict(locked.custom or {})
    changed = []
    for name, value in data.items():
        if name == "probability":
            continue
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if "probability" in data and data["probability"] is not None and not locked.is_closed:
        probability = int(data["probability"])
        overridden = probability != locked.phase.probability
        if (probability, overridden) != (locked.probability, locked.probability_overridden):
            locked.probability, locked.probability_overridden = probability, overridden
            changed += ["probability", "probability_overridden"]
    if not changed:
        return locked
    if "title" in changed and not locked.title.strip():
        raise ValidationError({"title": _("Please give the project a title.")})
    locked.full_clean(
        exclude=["customer", "process", "phase", "owner", "lost_reason", "created_by"]
    )
    locked.version += 1
    with unique_guard():
        locked.save(update_fields=[*changed, "version", "updated_at"])
    if {"volume", "probability", "customer"} & set(changed):
        project_flags_refresh(project=locked, customer_ids=[old_customer_id])
    pipeline_cache_bump()
    if "custom" in changed:
        _custom_changed_send(project=locked, user=user, before=custom_before)
    return locked


def _custom_changed_send(*, project: SalesProject, user, before: dict) -> None:
    """``custom_fields_changed`` when the save changed a "tracked" custom field."""
    from customfields.selectors import project_entity
    from customfields.services import tracked_changes

    entity = project_entity(project)
    changes = tracked_changes(entity=entity, before=before, after=project.custom)
    if changes:
        events.custom_fields_changed.send(
            sender=SalesProject,
            entity=entity,
            record=project,
            user=user if getattr(user, "is_authenticated", False) else None,
            changes=changes,
        )


@transaction.atomic
def project_move(
    *,
    project: SalesProject,
    phase: Phase,
    user,
    expected_version: int | None,
    lost_reason: LostReason | None = None,
    owner=None,
    process: Process | None = None,
    park_until: date | None = None,
    park_return_phase: Phase | None = None,
) -> MoveResult:
    """Move a project to a phase (possibly of another process) and/or to another owner; into a
    follow-up phase it needs ``park_until`` (and returns on that date to ``park_return_phase``);
    into a won phase it closes the project's open alternatives
    (``MoveResult.closed_alternatives``)."""
    lock_groups_for_win(project_ids=[project.pk], phase=phase)
    locked = lock_project(project)
    check_version(locked, expected_version)
    return move_locked(
        locked,
        phase=phase,
        user=user,
        lost_reason=lost_reason,
        owner=owner,
        process=process,
        park_until=park_until,
        park_return_phase=park_return_phase,
    )


def project_reopen_phase(*, project: SalesProject) -> Phase:
    """The open phase a closed project came from, else its process's first open phase."""
    last = (
        PhaseChange.objects.filter(
            project=project,
            to_phase=project.phase,
            from_phase__outcome=Phase.Outcome.OPEN,
            from_phase__process=project.process,
        )
        .select_related("from_phase")
        .order_by("-changed_at", "-id")
        .first()
    )
    return last.from_phase if last else phase_first_open(process=project.process)


@transaction.atomic
def project_reopen(
    *,
    project: SalesProject,
    user,
    expected_version: int | None,
    phase: Phase | None = None,
    park_until: date | None = None,
) -> SalesProject:
    """Reopen a won or lost project into ``phase`` or the open phase it came from (a follow-up
    phase needs ``park_until``)."""
    locked = lock_project(project)
    check_version(locked, expected_version)
    if not locked.is_closed:
        raise ValidationError(_("This project is not closed."))
    phase = phase or project_reopen_phase(project=locked)
    if phase.outcome != Phase.Outcome.OPEN:
        raise ValidationError({"phase": _("Reopen into an open phase.")})
    return move_locked(
        locked,
        phase=phase,
        user=user,
        lost_reason=None,
        owner=None,
        process=phase.process,
        park_until=park_until,
    ).project


@transaction.atomic
def project_change_owner(
    *, project: SalesProject, owner, user, expected_version: int | None = None
) -> SalesProject:
    """Hand a project to another owner."""
    locked = lock_project(project)
    check_version(locked, expected_version)
    return move_locked(
        locked, phase=locked.phase, user=user, lost_reason=None, owner=owner, process=None
    ).project


@transaction.atomic
def project_delete(*, project: SalesProject) -> None:
    """Delete a project (the admin's delete); its group counts anew and its rivals are rechecked."""
    group_id, customer_id = project.group_id, project.customer_id
    project.delete()
    group_rollup_refresh(group_ids=[group_id] if group_id else [])
    competition_refresh(customer_ids=[customer_id])
    pipeline_cache_bump()


@transaction.atomic
def project_bulk_move(
    *,
    project_ids,
    phase: Phase,
    user,
    lost_reason: LostReason | None = None,
    park_until: date | None = None,
) -> BulkResult:
    """Move many projects into one phase (a follow-up phase needs ``park_until``); projects the
    user may not edit are skipped."""
    project_ids = list(project_ids)
    lock_groups_for_win(project_ids=project_ids, phase=phase)
    result = BulkResult()
    allowed = editable_owner_ids(user=user)
    for locked in lock_projects(project_ids):
        if not owner_allowed(allowed=allowed, owner_id=locked.owner_id):
            result.skipped.append(locked.pk)
            continue
        move_locked(
            locked,
            phase=phase,
            user=user,
            lost_reason=lost_reason,
            owner=None,
            process=phase.process,
            park_until=park_until,
        )
        result.done.append(locked.pk)
    return result


@transaction.atomic
def project_bulk_change_owner(*, project_ids, owner, user) -> BulkResult:
    """Hand many projects to one owner; projects the user may not edit are skipped."""
    allowed = editable_owner_ids(user=user)
    if not owner_allowed(allowed=allowed, owner_id=owner.pk):
        raise PermissionDenied
    result = BulkResult()
    for locked in lock_projects(project_ids):
        if not owner_allowed(allowed=allowed, owner_id=locked.owner_id):
            result.skipped.append(locked.pk)
            continue
        move_locked(
            locked, phase=locked.phase, user=user, lost_reason=None, owner=owner, process=None
        )
        result.done.append(locked.pk)
    return result


# --- leads: follow-up on a date, conversion ------------------------------------------------


def project_unpark_due(*, today: date | None = None) -> int:
    """Return every parked project whose date has come to its phase (in the current tenant)."""
    today = today or timezone.localdate()
    due = list(
        SalesProject.objects.filter(parked_until__lte=today)
        .order_by("pk")
        .values_list("pk", flat=True)[:10_000]
    )
    returned = 0
    for pk in due:
        returned += _unpark_one(pk=pk, today=today)
    return returned


@transaction.atomic
def _unpark_one(*, pk: int, today: date) -> int:
    ids = list(
        SalesProject.objects.select_for_update(skip_locked=True)
        .filter(pk=pk, parked_until__lte=today)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0  # moved meanwhile, or someone is moving it right now
    locked = SalesProject.objects.select_related(
        "phase", "process", "owner", "customer", "park_return_phase"
    ).get(pk=pk)
    due_on = locked.parked_until
    target = locked.park_return_phase or phase_first_open(process=locked.process)
    locked = move_locked(
        locked, phase=target, user=None, lost_reason=None, owner=None, process=locked.process
    ).project
    locked.followup_due = due_on
    locked.save(update_fields=["followup_due"])
    return 1


@transaction.atomic
def project_followup_done(*, project: SalesProject, user) -> None:
    """The owner has seen to a returned lead: the reminder goes away."""
    require_edit_owned(user=user, owner_id=project.owner_id)
    SalesProject.objects.filter(pk=project.pk).update(followup_due=None)


@transaction.atomic
def project_create_followup(*, lead_project: SalesProject, user) -> SalesProject | None:
    """After a lead converted: start the lead process's follow-up sales project (once)."""
    process = lead_project.process
    if process.kind != Process.Kind.LEAD or process.followup_process_id is None:
        return None
    target = process.followup_process
    phase = (
        process.followup_phase
        if process.followup_phase and process.followup_phase.process_id == target.pk
        else phase_first_open(process=target)
    )
    owner = lead_project.owner or lead_project.customer.owner
    return project_create(
        customer=lead_project.customer,
        process=target,
        phase=phase,
        title=lead_project.title,
        user=user,
        owner=owner,
        volume=lead_project.volume,
        expected_order_date=lead_project.expected_order_date,
        description=lead_project.description,
        check_permission=False,
    )


# --- buying center --------------------------------------------------------------------------


@transaction.atomic
def project_contact_add(*, project: SalesProject, contact, role: str, user) -> ProjectContact:
    """Link a contact person of the project's customer with a buying-center role."""
    require_edit_owned(user=user, owner_id=project.owner_id)
    if contact.customer_id != project.customer_id:
        raise ValidationError({"contact": _("This contact person belongs to another customer.")})
    if role not in ProjectContact.Role.values:
        raise ValidationError({"role": _("Unknown buying-center role.")})
    link, created = ProjectContact.objects.get_or_create(
        project=project, contact=contact, defaults={"role": role}
    )
    if not created and link.role != role:
        link.role = role
        link.save(update_fields=["role"])
    return link


@transaction.atomic
def project_contact_remove(*, project: SalesProject, link_id: int, user) -> None:
    """Unlink a contact person from the project."""
    require_edit_owned(user=user, owner_id=project.owner_id)
    ProjectContact.objects.filter(project=project, pk=link_id).delete()
