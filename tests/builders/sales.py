"""Builders for processes, phases and sales projects: ``make_project(**overrides)``.

They write straight to the database (no events), so a test controls exactly what exists; tests of
the rules call ``sales.services`` themselves.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils import timezone

from sales.models import Phase, Process, SalesProject

_seq = itertools.count(1)

# name, probability, outcome; the shape of a small sales process
DEFAULT_PHASES = [
    ("Contacted", 10, Phase.Outcome.OPEN),
    ("Offer", 50, Phase.Outcome.OPEN),
    ("Negotiation", 75, Phase.Outcome.OPEN),
    ("Won", 100, Phase.Outcome.WON),
    ("Lost", 0, Phase.Outcome.LOST),
]


def make_phase(**overrides) -> Phase:
    """One phase; without ``process`` a new process without phases is made for it."""
    n = next(_seq)
    if "process" not in overrides:
        overrides["process"] = make_process(phases=[])
    values = {"name": f"Phase {n}", "order": n * 10, "probability": 10, "outcome": Phase.Outcome.OPEN}
    values.update(overrides)
    return Phase.objects.create(**values)


def make_process(*, phases: list | None = None, **overrides) -> Process:
    """A process with phases: ``phases`` is a list of names, (name, probability, outcome) tuples or
    dicts of Phase fields; None gives Contacted, Offer, Negotiation, Won, Lost; [] gives none."""
    n = next(_seq)
    values = {"name": f"Process {n}", "kind": Process.Kind.SALES, "order": 100 + n}
    values.update(overrides)
    process = Process.objects.create(**values)
    for i, spec in enumerate(DEFAULT_PHASES if phases is None else phases):
        if isinstance(spec, str):
            fields = {"name": spec}
        elif isinstance(spec, dict):
            fields = dict(spec)
        else:
            name, probability, outcome = spec
            fields = {"name": name, "probability": probability, "outcome": outcome}
        fields.setdefault("order", (i + 1) * 10)
        Phase.objects.create(process=process, **fields)
    return process


def _make_customer(**values):
    from customers.models import Customer

    values.setdefault("name", f"Builder Customer {next(_seq)}")
    return Customer.objects.create(**values)


def make_project(**overrides) -> SalesProject:
    """A sales project; defaults: a new customer, a new sales process, its first phase, no owner.

    Give ``phase`` alone and its process is used; give ``process`` alone and its first phase is used.
    """
    n = next(_seq)
    phase = overrides.get("phase")
    process = overrides.get("process")
    if phase is None:
        process = process or make_process()
        phase = process.phases.order_by("order", "id").first()
    process = process or phase.process
    customer = overrides.pop("customer", None) or _make_customer(owner=overrides.get("owner"))
    now = timezone.now()
    values = {
        "customer": customer,
        "process": process,
        "phase": phase,
        "title": f"Project {n}",
        "volume": Decimal("1000.00"),
        "probability": phase.probability,
        "phase_entered_at": now,
    }
    if phase.outcome != Phase.Outcome.OPEN:
        values["closed_at"] = now
    values.update(overrides)
    return SalesProject.objects.create(**values)
