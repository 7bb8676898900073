"""Every write of the activity log: people's entries and the system's records of domain events."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import HUMAN_KINDS, Activity
from activity.selectors import COVERAGE_TOPIC, SUMMARY_TOPIC, activity_user_can_edit
from crm.lib.generations import generation_bump

EDITABLE_FIELDS = (
    "kind",
    "subject",
    "text",
    "occurred_at",
    "duration_minutes",
    "show_on_customer",
    "due_date",
)
MAX_DURATION = 24 * 60


def activity_summary_stale() -> None:
    """The log's cached summary is stale once the current transaction commits (every write here,
    and customer changes that move the coverage figures)."""
    generation_bump(topic=SUMMARY_TOPIC)


def activity_coverage_stale() -> None:
    """Customer owners changed: the summary's coverage per owner is stale once this commits."""
    generation_bump(topic=COVERAGE_TOPIC)
    generation_bump(topic=SUMMARY_TOPIC)


def _touch_customer(activity: Activity, contacts: Iterable | None = None) -> None:
    """Keep the customer's and contacts' "last activity": people's entries count, open tasks do
    not."""
    if activity.customer_id is None or activity.is_system or activity.is_open_task:
        return
    from customers.services import contact_touch_activity, customer_touch_activity

    at = activity.done_at if activity.is_task and activity.done_at else activity.occurred_at
    customer_touch_activity(customer_id=activity.customer_id, at=at)
    contact_ids = (
        [c.pk for c in contacts]
        if contacts is not None
        else list(activity.contacts.values_list("pk", flat=True))
    )
    for contact_id in contact_ids:
        contact_touch_activity(contact_id=contact_id, at=at)


def _validate(activity: Activity, contacts: Iterable | None) -> None:
    errors: dict[str, str] = {}
    if activity.kind not in HUMAN_KINDS:
        errors["kind"] = _("Choose a type of activity.")
    if activity.project is not None:
        if activity.customer_id and activity.customer_id != activity.project.customer_id:
            errors["customer"] = _("The project belongs to another customer.")
        activity.customer_id = activity.project.customer_id
    if activity.kind != Activity.Kind.TASK:
        activity.due_date = None
        activity.done_at = None
    if activity.duration_minutes is not None and not 0 <= activity.duration_minutes <= MAX_DURATION:
        errors["duration_minutes"] = _("A duration is between 0 and 1440 minutes.")
    if contacts:
        foreign = [c for c in contacts if c.customer_id != activity.customer_id]
        if foreign:
            errors["contacts"] = _("Contact persons must belong to the activity's customer.")
    if errors:
        raise ValidationError(errors)


def _entry(*, user, subject: str = "", occurred_at=None, **fields) -> Activity:
    """An unsaved entry of ``user`` as it was typed (subject trimmed; now when no time is given);
    ``fields``: its other fields (kind, text, duration, due date, the record it is logged on)."""
    return Activity(
        subject=subject.strip(),
        occurred_at=occurred_at or timezone.now(),
        employee=user,
        **fields,
    )


@transaction.atomic
def activity_create(
    *,
    user,
    kind: str,
    subject: str = "",
    text: str = "",
    occurred_at: datetime.datetime | None = None,
    duration_minutes: int | None = None,
    customer=None,
    project=None,
    contacts: Iterable = (),
    show_on_customer: bool = True,
    due_date: datetime.date | None = None,
    done: bool = False,
) -> Activity:
    """Log an activity of ``user``; on a project its customer is the project's customer."""
    activity = _entry(
        user=user,
        kind=kind,
        subject=subject,
        text=text,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        due_date=due_date,
        customer=customer,
        project=project,
        show_on_customer=show_on_customer if project is not None else True,
    )
    if kind == Activity.Kind.TASK and done:
        activity.done_at = timezone.now()
    contacts = list(contacts)
    _validate(activity, contacts)
    activity.save()
    if contacts:
        activity.contacts.set(contacts)
    _touch_customer(activity, contacts)
    activity_summary_stale()
    return activity


BULK_MAX = 5000


@transaction.atomic
def activity_create_for_customers(
    *, user, customer_ids: Iterable[int], done: bool = False, **typed
) -> int:
    """Log the same activity for many customers at once (a mailing, a trip); returns how many.
    ``typed``: kind, subject, text, occurred_at, duration_minutes, due_date, as for
    ``activity_create``."""
    from customers.models import Customer

    ids = sorted(
        set(Customer.objects.filter(pk__in=list(customer_ids)).values_list("pk", flat=True))
    )
    if not ids:
        raise ValidationError(_("No customers to log the activity for."))
    if len(ids) > BULK_MAX:
        raise ValidationError(_("At most %(max)s customers at once.") % {"max": BULK_MAX})
    kind = typed.get("kind")
    template = _entry(
        user=user, done_at=timezone.now() if kind == Activity.Kind.TASK and done else None, **typed
    )
    _validate(template, None)
    fields = {
        f.attname: getattr(template, f.attname)
        for f in Activity._meta.concrete_fields
        if f.attname not in ("id", "customer_id", "created_at", "updated_at")
    }
    rows = Activity.objects.bulk_create(
        [Activity(customer_id=pk, **fields) for pk in ids], batch_size=1000
    )
    if not template.is_open_task:
        from customers.services import customer_touch_activity

        at = template.done_at or template.occurred_at
        for pk in ids:
            customer_touch_activity(customer_id=pk, at=at)
    activity_summary_stale()
    return len(rows)


def _require_edit(*, user, activity: Activity) -> None:
    if not activity_user_can_edit(user=user, activity=activity):
        raise PermissionDenied(
            _("Only the author or an admin may change this entry; system entries never.")
        )


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    user,
    contacts: Iterable | None = None,
    done: bool | None = None,
    **fields,
) -> Activity:
    """Change one's own entry (admins: any person's entry); system entries cannot be changed."""
    _require_edit(user=user, activity=activity)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(activity, name, value.strip() if name == "subject" else value)
    if activity.project_id is None:
        activity.show_on_customer = True
    if done is not None and activity.kind == Activity.Kind.TASK:
        activity.done_at = (activity.done_at or timezone.now()) if done else None
    contacts = list(contacts) if contacts is not None else None
    _validate(activity, contacts)
    activity.save(
        update_fields=[*fields, "customer", "due_date", "done_at", "show_on_customer", "updated_at"]
    )
    if contacts is not None:
        activity.contacts.set(contacts)
    _touch_customer(activity, contacts)
    activity_summary_stale()
    return activity


@transaction.atomic
def activity_set_done(*, activity: Activity, user, done: bool = True) -> Activity:
    """Mark a task done (or open again)."""
    _require_edit(user=user, activity=activity)
    if activity.kind != Activity.Kind.TASK:
        raise ValidationError(_("Only tasks can be done."))
    activity.done_at = (activity.done_at or timezone.now()) if done else None
    activity.save(update_fields=["done_at", "updated_at"])
    _touch_customer(activity)
    activity_summary_stale()
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, user) -> None:
    """Delete one's own entry (admins: any person's entry); system entries stay."""
    _require_edit(user=user, activity=activity)
    activity.delete()
    activity_summary_stale()


# --- System entries: one per domain event, written inside the sender's transaction ----------


def _record(
    *,
    kind: str,
    user,
    payload: dict,
    customer_id: int | None = None,
    project=None,
    show_on_customer: bool = True,
) -> Activity:
    if project is not None:
        customer_id = project.customer_id
        payload = {"project": project.title, **payload}
    activity_summary_stale()
    return Activity.objects.create(
        kind=kind,
        is_system=True,
        employee=user if getattr(user, "pk", None) else None,
        customer_id=customer_id,
        project=project,
        payload=payload,
        show_on_customer=show_on_customer,
        occurred_at=timezone.now(),
    )


def _name(obj) -> str:
    return "" if obj is None else str(obj)


def activity_record_customer_created(*, customer, user) -> Activity:
    """System entry: a customer (or lead) was created."""
    activity_coverage_stale()  # a new customer counts in its owner's coverage
    return _record(
        kind=Activity.Kind.CUSTOMER_CREATED,
        user=user,
        customer_id=customer.pk,
        payload={"customer": customer.name, "status": customer.status},
    )


def activity_record_lead_converted(*, customer, user, project=None) -> Activity:
    """System entry: a lead became a customer (on the project that qualified it, if any)."""
    return _record(
        kind=Activity.Kind.LEAD_CONVERTED,
        user=user,
        customer_id=customer.pk,
        project=project,
        payload={"customer": customer.name},
    )


def activity_record_project_created(*, project, user) -> Activity:
    """System entry: a sales project was created."""
    return _record(
        kind=Activity.Kind.PROJECT_CREATED,
        user=user,
        project=project,
        payload={"phase": _name(project.phase), "process": _name(project.process)},
    )


def _change_payload(what: str, before, after) -> dict:
    """A change entry's payload: the names and ids of ``before`` and ``after`` (a phase, an
    owner) under from_<what>, to_<what>, from_<what>_id and to_<what>_id."""
    return {
        f"from_{what}": _name(before),
        f"to_{what}": _name(after),
        f"from_{what}_id": getattr(before, "pk", None),
        f"to_{what}_id": getattr(after, "pk", None),
    }


def activity_record_phase_changed(*, project, user, from_phase, to_phase) -> Activity:
    """System entry: a project moved from one phase to another (only on the project's timeline)."""
    return _record(
        kind=Activity.Kind.PHASE_CHANGED,
        user=user,
        project=project,
        show_on_customer=False,
        payload=_change_payload("phase", from_phase, to_phase),
    )


def activity_record_owner_changed(*, project, user, from_owner, to_owner) -> Activity:
    """System entry: a project was handed to another owner (only on the project's timeline)."""
    return _record(
        kind=Activity.Kind.OWNER_CHANGED,
        user=user,
        project=project,
        show_on_customer=False,
        payload=_change_payload("owner", from_owner, to_owner),
    )


def activity_record_fields_changed(*, entity: str, record, user, changes: list[dict]) -> list:
    """System entries: "tracked" custom fields changed in one save. One entry per save, or one per
    group of fields seen by the same roles, so an entry is only listed for roles that may see every
    field in it (``payload["roles"]``, see ``selectors.activity_visible``)."""
    from customfields.selectors import definitions_all

    definitions = {d.key: d for d in definitions_all()}
    groups: dict[tuple, list] = {}
    for change in changes:
        definition = definitions[change["key"]]
        roles = tuple(sorted(definition.visible_roles))
        groups.setdefault(roles, []).append(
            {**change, "label_en": definition.label_en, "label_de": definition.label_de}
        )
    where = {"customer_id": getattr(record, "customer_id", None), "project": None}
    if entity == "customer":
        where["customer_id"] = record.pk
    elif entity in ("project", "lead"):
        where = {"project": record}
    entries = []
    for roles, group in groups.items():
        entry = _record(
            kind=Activity.Kind.FIELD_CHANGED,
            user=user,
            payload={"entity": entity, "changes": group, "roles": list(roles)},
            show_on_customer=entity not in ("project", "lead"),
            **where,
        )
        if entity == "contact":
            entry.contacts.add(record)
        entries.append(entry)
    return entries


def activity_record_won(*, project, user) -> Activity:
    """System entry: a project was won."""
    return _record(
        kind=Activity.Kind.WON, user=user, project=project, payload={"volume": str(project.volume)}
    )


def activity_record_lost(*, project, user, reason=None) -> Activity:
    """System entry: a project was lost, with its reason."""
    return _record(
        kind=Activity.Kind.LOST, user=user, project=project, payload={"reason": _name(reason)}
    )


def activity_record_reopened(*, project, user) -> Activity:
    """System entry: a closed project was reopened."""
    return _record(kind=Activity.Kind.REOPENED, user=user, project=project, payload={})


def activity_record_alternative_closed(*, project, user, group, winner) -> Activity:
    """System entry: an open alternative was closed as lost because another member was won."""
    return _record(
        kind=Activity.Kind.ALTERNATIVE_CLOSED,
        user=user,
        project=project,
        payload={
            "group": _name(group),
            "winner": _name(winner),
            "winner_id": getattr(winner, "pk", None),
        },
    )


def activity_record_customers_imported(*, job, user, count: int, contacts: int = 0) -> Activity:
    """System entry: one CSV import created ``count`` customers (one entry per import, not per
    row)."""
    activity_coverage_stale()  # the new customers count in their owners' coverage
    return _record(
        kind=Activity.Kind.CUSTOMERS_IMPORTED,
        user=user,
        payload={
            "count": count,
            "contacts": contacts,
            "file": job.original_name,
            "job": job.pk,
        },
    )


def activity_counts_rebuild() -> int:
    """Recreate the daily-count trigger function for the current TIME_ZONE and recount every day
    (needed only after changing TIME_ZONE); returns the number of count rows."""
    from django.db import connection

    from activity.sql import sql_text, time_zone

    tz = time_zone()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE activity_activity IN SHARE MODE")  # no writes while recounting
        cursor.execute(sql_text("daily_counts_function").format(tz=tz))
        cursor.execute("DELETE FROM activity_dailycount")
        cursor.execute(sql_text("daily_counts_fill").format(tz=tz))
        activity_summary_stale()
        return cursor.rowcount
