"""Every write about processes and sales projects; all project rules live here (group rules in
``sales.services.groups``, which every write below keeps informed).

Moves lock the project row (``select_for_update``) and compare its ``version`` with the one the
user saw: a mismatch is a ``ConcurrentUpdate``, never a silent overwrite. Each change records a
``PhaseChange`` where the phase changes and sends its domain event inside the transaction, so a
failing listener (lead conversion, activity log) undoes the whole change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import cache
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
from sales.models import LostReason, Phase, PhaseChange, Process, ProjectContact, SalesProject

DEFAULT_SALES_PHASES = [
    # name, probability, outcome, yellow, red
    ("Contacted", 10, Phase.Outcome.OPEN, 14, 30),
    ("Needs analysis", 25, Phase.Outcome.OPEN, 14, 30),
    ("Offer sent", 50, Phase.Outcome.OPEN, 10, 21),
    ("Negotiation", 75, Phase.Outcome.OPEN, 7, 14),
    ("Won", 100, Phase.Outcome.WON, None, None),
    ("Lost", 0, Phase.Outcome.LOST, None, None),
]
DEFAULT_LOST_REASONS = ["Price", "Competitor", "No budget", "No decision", "Timing", "Other"]
DEFAULT_LEAD_PHASES = [
    # name, probability, outcome, yellow, red, qualifies the lead, parks
    ("New lead", 5, Phase.Outcome.OPEN, 7, 14, False, False),
    ("Contacted", 15, Phase.Outcome.OPEN, 14, 30, False, False),
    ("Follow-up later", 10, Phase.Outcome.OPEN, None, None, False, True),
    ("Qualified", 40, Phase.Outcome.OPEN, None, None, True, False),
    ("Converted", 100, Phase.Outcome.WON, None, None, False, False),
    ("Disqualified", 0, Phase.Outcome.LOST, None, None, False, False),
]

UPDATABLE_FIELDS = {"title", "volume", "probability", "expected_order_date", "description", "customer"}

__all__ = [
    "DEFAULT_LEAD_PHASES", "DEFAULT_LOST_REASONS", "DEFAULT_SALES_PHASES", "UPDATABLE_FIELDS", "BulkResult",
    "ConcurrentUpdate", "phase_first_open", "pipeline_cache_bump", "process_create_default",
    "process_create_default_lead", "project_bulk_change_owner", "project_bulk_move", "project_change_owner",
    "project_contact_add", "project_contact_remove", "project_create", "project_create_followup",
    "project_create_with_customer", "project_delete", "project_followup_done", "project_move", "project_reopen",
    "project_reopen_phase", "project_unpark_due", "project_update", "tenant_lead_function_set",
]


class ConcurrentUpdate(ValidationError):
    """Someone changed the project after the user loaded it; ``current`` is its state now."""

    def __init__(self, *, current: SalesProject):
        super().__init__(
            _("Someone changed this project in the meantime. Here is its current state."), code="stale"
        )
        self.current = current


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # not editable by the user


# --- caches -------------------------------------------------------------------------------


def pipeline_cache_bump() -> None:
    """Make every cached pipeline figure of this tenant stale (after a project write commits)."""
    from sales.selectors import ROLLUP_GENERATION_KEY

    def bump() -> None:
        try:
            cache.incr(ROLLUP_GENERATION_KEY)
        except ValueError:  # not there (yet, or evicted): any new value makes old keys unreachable
            cache.set(ROLLUP_GENERATION_KEY, int(timezone.now().timestamp()), None)

    transaction.on_commit(bump)


# --- processes ------------------------------------------------------------------------------


@transaction.atomic
def process_create_default() -> Process:
    """A new tenant's default sales process and lost reasons (idempotent)."""
    existing = Process.objects.filter(kind=Process.Kind.SALES).first()
    if existing:
        return existing
    process = Process.objects.create(name=_("Sales"), kind=Process.Kind.SALES, order=10)
    Phase.objects.bulk_create(
        Phase(process=process, name=name, order=(i + 1) * 10, probability=prob, outcome=outcome,
              yellow_days=yellow, red_days=red)
        for i, (name, prob, outcome, yellow, red) in enumerate(DEFAULT_SALES_PHASES)
    )
    for i, reason in enumerate(DEFAULT_LOST_REASONS):
        LostReason.objects.get_or_create(name=reason, defaults={"order": i})
    return process


@transaction.atomic
def process_create_default_lead() -> Process:
    """The default lead process (idempotent), converting into the default sales process."""
    existing = Process.objects.filter(kind=Process.Kind.LEAD).first()
    if existing:
        return existing
    sales = process_create_default()
    process = Process.objects.create(
        name=_("Lead acquisition"), kind=Process.Kind.LEAD, order=5, followup_process=sales,
        followup_phase=phase_first_open(process=sales),
    )
    Phase.objects.bulk_create(
        Phase(process=process, name=name, order=(i + 1) * 10, probability=prob, outcome=outcome, yellow_days=yellow,
              red_days=red, qualifies_lead=qualifies, parks=parks)
        for i, (name, prob, outcome, yellow, red, qualifies, parks) in enumerate(DEFAULT_LEAD_PHASES)
    )
    return process


@transaction.atomic
def tenant_lead_function_set(*, tenant, enabled: bool, user) -> None:
    """Switch the tenant's lead function on or off; nothing is deleted, leads are only hidden."""
    if not getattr(user, "is_tenant_admin", False):
        raise PermissionDenied
    if enabled:
        process_create_default_lead()
    if tenant.lead_function_enabled != enabled:
        tenant.lead_function_enabled = enabled
        tenant.save(update_fields=["lead_function_enabled"])


def phase_first_open(*, process: Process) -> Phase:
    """The first open phase of a process (where new projects start)."""
    phase = process.phases.filter(outcome=Phase.Outcome.OPEN, parks=False).order_by("order", "id").first()
    if phase is None:
        raise ValidationError(_("The process “%(process)s” has no open phase.") % {"process": process})
    return phase


# --- helpers --------------------------------------------------------------------------------


def _same_family(a: Process, b: Process) -> bool:
    # Lead projects stay in lead processes and sales projects out of them.
    return (a.kind == Process.Kind.LEAD) == (b.kind == Process.Kind.LEAD)


def _apply_phase(project: SalesProject, *, phase: Phase, lost_reason: LostReason | None, now) -> list[str]:
    """Set the fields that follow from entering ``phase``; return the names of changed fields."""
    project.phase = phase
    project.phase_entered_at = now
    if phase.outcome == Phase.Outcome.WON:
        project.probability, project.closed_at, project.lost_reason = 100, now, None
    elif phase.outcome == Phase.Outcome.LOST:
        project.probability, project.closed_at, project.lost_reason = 0, now, lost_reason
    else:
        project.probability, project.closed_at, project.lost_reason = phase.probability, None, None
    project.probability_overridden = False
    return ["phase", "phase_entered_at", "probability", "closed_at", "lost_reason", "probability_overridden"]


def _check_lost_reason(*, phase: Phase, lost_reason: LostReason | None) -> None:
    if phase.outcome == Phase.Outcome.LOST and lost_reason is None:
        raise ValidationError({"lost_reason": _("Please give a reason why the project was lost.")})


def _lock_customers(customer_ids) -> None:
    # Every project write ends in the customers' roll-up trigger (customers 0006), which locks the
    # customer rows. Taking those locks first, in id order, gives all writers one order (customers,
    # then projects, then the running totals): two moves of one customer's projects, or a move and
    # the lead conversion it triggers, then wait for each other instead of deadlocking.
    # ``customer_ids`` is a values queryset: it becomes a subquery, so this is one statement.
    from customers.models import Customer

    list(Customer.objects.select_for_update().filter(pk__in=customer_ids).order_by("pk").values_list("pk", flat=True))


def _lock(project: SalesProject) -> SalesProject:
    # Lock the bare row first, then read it with its relations: a locking query with joins would
    # drop the row when another transaction changed its phase while we waited (PostgreSQL rechecks
    # the join against the old phase row).
    _lock_customers(SalesProject.objects.filter(pk=project.pk).values_list("customer_id", flat=True))
    SalesProject.objects.select_for_update().filter(pk=project.pk).values_list("pk", flat=True).get()
    return SalesProject.objects.select_related("phase", "process", "owner", "customer").get(pk=project.pk)


def _check_version(locked: SalesProject, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != locked.version:
        raise ConcurrentUpdate(current=locked)


def _send_outcome_events(*, project: SalesProject, user, from_phase: Phase | None) -> None:
    outcome = project.phase.outcome
    was_open = from_phase is None or from_phase.outcome == Phase.Outcome.OPEN
    if outcome == Phase.Outcome.WON:
        events.project_won.send(sender=SalesProject, project=project, user=user)
    elif outcome == Phase.Outcome.LOST:
        events.project_lost.send(sender=SalesProject, project=project, user=user, reason=project.lost_reason)
    elif not was_open:
        events.project_reopened.send(sender=SalesProject, project=project, user=user)


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
) -> SalesProject:
    """Start a project for a customer in a process (its first open phase unless ``phase``)."""
    if check_permission:
        require_edit_owned(user=user, owner_id=owner.pk if owner else None)
    if not (title or "").strip():
        raise ValidationError({"title": _("Please give the project a title.")})
    phase = phase or phase_first_open(process=process)
    if phase.process_id != process.pk:
        raise ValidationError({"phase": _("This phase belongs to another process.")})
    _check_lost_reason(phase=phase, lost_reason=lost_reason)
    now = timezone.now()
    project = SalesProject(
        customer=customer, process=process, owner=owner, title=title.strip(), volume=volume or 0,
        expected_order_date=expected_order_date, description=description or "", created_by=user,
    )
    _apply_phase(project, phase=phase, lost_reason=lost_reason, now=now)
    if probability is not None and phase.outcome == Phase.Outcome.OPEN and int(probability) != phase.probability:
        project.probability, project.probability_overridden = int(probability), True
    project.full_clean(exclude=["customer", "process", "phase", "owner", "lost_reason", "created_by"])
    project.save()
    PhaseChange.objects.create(project=project, from_phase=None, to_phase=phase, user=user)
    _flags_refresh(project=project)
    pipeline_cache_bump()
    events.project_created.send(sender=SalesProject, project=project, user=user)
    if phase.outcome != Phase.Outcome.OPEN:
        _send_outcome_events(project=project, user=user, from_phase=None)
    return project


@transaction.atomic
def project_create_with_customer(*, customer_values: dict[str, Any], lead: bool, user, process: Process,
                                 title: str, **project_values) -> SalesProject:
    """A new customer (or lead) and its first project, all or nothing."""
    from customers.models import Customer
    from customers.services import customer_create

    values = dict(customer_values)
    values.setdefault("owner", project_values.get("owner") or user)
    status = Customer.Status.LEAD if lead else Customer.Status.CUSTOMER
    customer = customer_create(user=user, status=status, **values)
    return project_create(customer=customer, process=process, title=title, user=user, **project_values)


@transaction.atomic
def project_update(*, project: SalesProject, user, expected_version: int | None, data: dict[str, Any]) -> SalesProject:
    """Change a project's plain fields (title, volume, probability, dates, text, customer)."""
    unknown = set(data) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"project_update cannot change {sorted(unknown)}; phases and owners move with project_move")
    locked = _lock(project)
    _check_version(locked, expected_version)
    require_edit_owned(user=user, owner_id=locked.owner_id)
    old_customer_id = locked.customer_id
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
    locked.full_clean(exclude=["customer", "process", "phase", "owner", "lost_reason", "created_by"])
    locked.version += 1
    locked.save(update_fields=[*changed, "version", "updated_at"])
    if {"volume", "probability", "customer"} & set(changed):
        _flags_refresh(project=locked, customer_ids=[old_customer_id])
    pipeline_cache_bump()
    return locked


def _flags_refresh(*, project: SalesProject, customer_ids=()) -> None:
    from sales.services.groups import project_flags_refresh

    project_flags_refresh(project=project, customer_ids=customer_ids)


def _lock_groups_for_win(*, project_ids, phase: Phase) -> None:
    # A win may close other members of the project's group: lock the groups before the projects,
    # the order every group change uses, so that two wins in one group wait instead of deadlocking.
    if phase.outcome != Phase.Outcome.WON:
        return
    from sales.models import ProjectGroup

    group_ids = SalesProject.objects.filter(pk__in=list(project_ids), group__isnull=False).values("group_id")
    list(ProjectGroup.objects.select_for_update().filter(pk__in=group_ids).order_by("pk").values_list("pk", flat=True))


def _move_locked(
    locked: SalesProject, *, phase: Phase, user, lost_reason: LostReason | None, owner, process: Process | None,
    park_until: date | None = None, park_return_phase: Phase | None = None, as_system: bool = False,
) -> SalesProject:
    """The rules of a move, on a row already locked and version-checked (``user`` None: the system;
    ``as_system``: a consequence of the user's own change, such as closing an alternative)."""
    system = user is None or as_system
    if not system:
        require_edit_owned(user=user, owner_id=locked.owner_id)
    process = process or phase.process
    if phase.process_id != process.pk:
        raise ValidationError({"phase": _("This phase belongs to another process.")})
    if not _same_family(locked.process, process):
        raise ValidationError({"process": _("Leads stay in lead processes and sales projects in sales processes.")})
    from_phase, from_owner = locked.phase, locked.owner
    phase_changes = phase.pk != from_phase.pk
    owner_changes = owner is not None and owner.pk != locked.owner_id
    if not phase_changes and not owner_changes:
        return locked
    fields: list[str] = []
    if phase_changes:
        if from_phase.locked and not system and not user.is_tenant_admin:
            raise ValidationError(
                _("The phase “%(phase)s” is locked: only an admin may move projects out of it.")
                % {"phase": from_phase}
            )
        _check_lost_reason(phase=phase, lost_reason=lost_reason)
        if phase.outcome == Phase.Outcome.WON:
            from sales.services.groups import alternatives_check_can_win

            alternatives_check_can_win(project=locked)
        fields += _apply_phase(locked, phase=phase, lost_reason=lost_reason, now=timezone.now())
        if process.pk != locked.process_id:
            locked.process = process
            fields.append("process")
        fields += _clear_parking(locked)
        if phase.parks:
            fields += _park(locked, from_phase=from_phase, until=park_until, return_phase=park_return_phase)
    if owner_changes:
        if not system:
            require_edit_owned(user=user, owner_id=owner.pk)
        locked.owner = owner
        fields.append("owner")
    locked.version += 1
    locked.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])
    _flags_refresh(project=locked)
    pipeline_cache_bump()
    if phase_changes:
        change = PhaseChange.objects.create(project=locked, from_phase=from_phase, to_phase=phase, user=user)
        events.project_phase_changed.send(
            sender=SalesProject, project=locked, user=user, from_phase=from_phase, to_phase=phase, change=change
        )
        _send_outcome_events(project=locked, user=user, from_phase=from_phase)
    if owner_changes:
        events.project_owner_changed.send(
            sender=SalesProject, project=locked, user=user, from_owner=from_owner, to_owner=owner
        )
    locked.closed_alternatives = []  # the group's other members this win closed (for the caller's message)
    if phase_changes and phase.outcome == Phase.Outcome.WON and locked.group_id:
        from sales.services.groups import alternatives_close_others

        locked.closed_alternatives = alternatives_close_others(winner=locked, user=user)
    return locked


def _park(project: SalesProject, *, from_phase: Phase, until: date | None, return_phase: Phase | None) -> list[str]:
    """Set the follow-up date and the phase to return to (the one it came from unless chosen)."""
    if until is None:
        raise ValidationError({"park_until": _("Choose the date on which to follow up.")})
    if until <= timezone.localdate():
        raise ValidationError({"park_until": _("The follow-up date must be in the future.")})
    if return_phase is None and from_phase.outcome == Phase.Outcome.OPEN and not from_phase.parks \
            and from_phase.process_id == project.process_id:
        return_phase = from_phase
    return_phase = return_phase or phase_first_open(process=project.process)
    if return_phase.process_id != project.process_id or return_phase.outcome != Phase.Outcome.OPEN \
            or return_phase.parks:
        raise ValidationError({"park_return_phase": _("Choose an open phase of the same process to return to.")})
    project.parked_until, project.park_return_phase = until, return_phase
    return ["parked_until", "park_return_phase"]


def _clear_parking(project: SalesProject) -> list[str]:
    # Any phase change ends a parking and answers the follow-up reminder.
    changed = [n for n in ("parked_until", "park_return_phase", "followup_due") if getattr(project, n) is not None]
    for name in changed:
        setattr(project, name, None)
    return changed


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
) -> SalesProject:
    """Move a project to a phase (possibly of another process) and/or to another owner; into a
    follow-up phase it needs ``park_until`` (and returns on that date to ``park_return_phase``);
    into a won phase it closes the project's open alternatives."""
    _lock_groups_for_win(project_ids=[project.pk], phase=phase)
    locked = _lock(project)
    _check_version(locked, expected_version)
    return _move_locked(locked, phase=phase, user=user, lost_reason=lost_reason, owner=owner, process=process,
                        park_until=park_until, park_return_phase=park_return_phase)


def project_reopen_phase(*, project: SalesProject) -> Phase:
    """The open phase a closed project came from, else its process's first open phase."""
    last = (
        PhaseChange.objects.filter(project=project, to_phase=project.phase, from_phase__outcome=Phase.Outcome.OPEN,
                                   from_phase__process=project.process)
        .select_related("from_phase")
        .order_by("-changed_at", "-id")
        .first()
    )
    return last.from_phase if last else phase_first_open(process=project.process)


@transaction.atomic
def project_reopen(*, project: SalesProject, user, expected_version: int | None, phase: Phase | None = None) -> SalesProject:
    """Reopen a won or lost project into ``phase`` or the open phase it came from."""
    locked = _lock(project)
    _check_version(locked, expected_version)
    if not locked.is_closed:
        raise ValidationError(_("This project is not closed."))
    phase = phase or project_reopen_phase(project=locked)
    if phase.outcome != Phase.Outcome.OPEN:
        raise ValidationError({"phase": _("Reopen into an open phase.")})
    return _move_locked(locked, phase=phase, user=user, lost_reason=None, owner=None, process=phase.process)


@transaction.atomic
def project_change_owner(*, project: SalesProject, owner, user, expected_version: int | None = None) -> SalesProject:
    """Hand a project to another owner."""
    locked = _lock(project)
    _check_version(locked, expected_version)
    return _move_locked(locked, phase=locked.phase, user=user, lost_reason=None, owner=owner, process=None)


@transaction.atomic
def project_delete(*, project: SalesProject) -> None:
    """Delete a project (the admin's delete); its group counts anew and its rivals are rechecked."""
    from sales.services.groups import competition_refresh, group_rollup_refresh

    group_id, customer_id = project.group_id, project.customer_id
    project.delete()
    group_rollup_refresh(group_ids=[group_id] if group_id else [])
    competition_refresh(customer_ids=[customer_id])
    pipeline_cache_bump()


def _lock_many(project_ids) -> list[SalesProject]:
    # Locks in id order so that two bulk actions never deadlock each other (see _lock for why the
    # lock and the read are two queries).
    _lock_customers(SalesProject.objects.filter(pk__in=list(project_ids)).values_list("customer_id", flat=True))
    ids = list(
        SalesProject.objects.select_for_update().filter(pk__in=list(project_ids)).order_by("pk").values_list("pk", flat=True)
    )
    return list(SalesProject.objects.select_related("phase", "process", "owner", "customer").filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def project_bulk_move(*, project_ids, phase: Phase, user, lost_reason: LostReason | None = None) -> BulkResult:
    """Move many projects into one phase; projects the user may not edit are skipped."""
    project_ids = list(project_ids)
    _lock_groups_for_win(project_ids=project_ids, phase=phase)
    result = BulkResult()
    allowed = editable_owner_ids(user=user)
    for locked in _lock_many(project_ids):
        if not owner_allowed(allowed=allowed, owner_id=locked.owner_id):
            result.skipped.append(locked.pk)
            continue
        _move_locked(locked, phase=phase, user=user, lost_reason=lost_reason, owner=None, process=phase.process)
        result.done.append(locked.pk)
    return result


@transaction.atomic
def project_bulk_change_owner(*, project_ids, owner, user) -> BulkResult:
    """Hand many projects to one owner; projects the user may not edit are skipped."""
    allowed = editable_owner_ids(user=user)
    if not owner_allowed(allowed=allowed, owner_id=owner.pk):
        raise PermissionDenied
    result = BulkResult()
    for locked in _lock_many(project_ids):
        if not owner_allowed(allowed=allowed, owner_id=locked.owner_id):
            result.skipped.append(locked.pk)
            continue
        _move_locked(locked, phase=locked.phase, user=user, lost_reason=None, owner=owner, process=None)
        result.done.append(locked.pk)
    return result


# --- leads: follow-up on a date, conversion ------------------------------------------------


def project_unpark_due(*, today: date | None = None) -> int:
    """Return every parked project whose date has come to its phase (in the current tenant)."""
    today = today or timezone.localdate()
    due = list(
        SalesProject.objects.filter(parked_until__lte=today).order_by("pk").values_list("pk", flat=True)[:10_000]
    )
    returned = 0
    for pk in due:
        returned += _unpark_one(pk=pk, today=today)
    return returned


@transaction.atomic
def _unpark_one(*, pk: int, today: date) -> int:
    ids = list(SalesProject.objects.select_for_update(skip_locked=True).filter(pk=pk, parked_until__lte=today)
               .values_list("pk", flat=True))
    if not ids:
        return 0  # moved meanwhile, or someone is moving it right now
    locked = SalesProject.objects.select_related("phase", "process", "owner", "customer", "park_return_phase").get(pk=pk)
    due_on = locked.parked_until
    target = locked.park_return_phase or phase_first_open(process=locked.process)
    locked = _move_locked(locked, phase=target, user=None, lost_reason=None, owner=None, process=locked.process)
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
    phase = process.followup_phase if process.followup_phase and process.followup_phase.process_id == target.pk \
        else phase_first_open(process=target)
    owner = lead_project.owner or lead_project.customer.owner
    return project_create(
        customer=lead_project.customer, process=target, phase=phase, title=lead_project.title, user=user,
        owner=owner, volume=lead_project.volume, expected_order_date=lead_project.expected_order_date,
        description=lead_project.description, check_permission=False,
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
    link, created = ProjectContact.objects.get_or_create(project=project, contact=contact, defaults={"role": role})
    if not created and link.role != role:
        link.role = role
        link.save(update_fields=["role"])
    return link


@transaction.atomic
def project_contact_remove(*, project: SalesProject, link_id: int, user) -> None:
    """Unlink a contact person from the project."""
    require_edit_owned(user=user, owner_id=project.owner_id)
    ProjectContact.objects.filter(project=project, pk=link_id).delete()
