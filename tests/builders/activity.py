"""Builders for activities: ``make_activity(**overrides)`` and ``bulk_activities(n, **common)``.

They write straight to the database (no customer touch, no events), so a test controls exactly what
exists; tests of the rules call ``activity.services`` themselves.
"""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from activity.models import Activity

_seq = itertools.count(1)


def make_activity(**overrides) -> Activity:
    """A saved call of nobody in particular, now; ``contacts=[...]`` links contact persons."""
    contacts = overrides.pop("contacts", None)
    values = {
        "kind": Activity.Kind.CALL,
        "subject": f"Builder activity {next(_seq)}",
        "occurred_at": timezone.now(),
    }
    if overrides.get("project") is not None and "customer" not in overrides:
        values["customer"] = overrides["project"].customer
    values.update(overrides)
    activity = Activity.objects.create(**values)
    if contacts:
        activity.contacts.set(contacts)
    return activity


def bulk_activities(
    n: int,
    *,
    start: datetime.datetime | None = None,
    step: datetime.timedelta | None = None,
    kinds: list[str] | None = None,
    batch_size: int = 10_000,
    **common,
) -> None:
    """``n`` activities in big bulk_create batches, one every ``step`` back from ``start``."""
    start = start or timezone.now()
    step = step or datetime.timedelta(minutes=7)
    kinds = kinds or [
        Activity.Kind.CALL,
        Activity.Kind.EMAIL,
        Activity.Kind.MEETING,
        Activity.Kind.NOTE,
    ]
    batch: list[Activity] = []
    for i in range(n):
        batch.append(
            Activity(
                kind=kinds[i % len(kinds)],
                subject=f"Bulk {i}",
                occurred_at=start - i * step,
                **common,
            )
        )
        if len(batch) >= batch_size:
            Activity.objects.bulk_create(batch)
            batch = []
    if batch:
        Activity.objects.bulk_create(batch)
