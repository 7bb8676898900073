"""Builders for processes, phases, sales projects and groups: ``make_project(**overrides)``,
``make_group(projects=[...], **overrides)``.

They write straight to the database (no events), so a test controls exactly what exists; tests of
the rules call ``sales.services`` themselves. They do keep the two stored flags of the projects
(``counts_in_pipeline``, ``has_competitor``) true to what they wrote, as the services would.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils import timezone

from sales.models import GroupType, Phase, Process, ProjectGroup, SalesProject

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
    values = {
        "name": f"Phase {n}",
        "order": n * 10,
        "probability": 10,
        "outcome": Phase.Outcome.OPEN,
    }
    values.update(overrides)
    return Phase.objects.create(**values)


# the phases of a lead process in the lead tests: one that parks, one that qualifies the lead
LEAD_PHASES = [
    "New",
    "Contacted",
    {"name": "Later", "parks": True},
    {"name": "Qualified", "qualifies_lead": True, "probability": 40},
    ("Converted", 100, "won"),
    ("Disqualified", 0, "lost"),
]


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

    Give ``phase`` alone and its process is used; give ``process`` alone and its first phase is
    used."""
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
    project = SalesProject.objects.create(**values)
    _refresh_flags(project)
    return project


def _refresh_flags(project: SalesProject) -> None:
    from sales.services import project_flags_refresh

    project_flags_refresh(project=project)
    project.refresh_from_db(fields=["counts_in_pipeline", "has_competitor"])


def group_type(key: str = GroupType.ALTERNATIVES_KEY) -> GroupType:
    """A built-in group type: "alternatives" (default) or "subprojects"."""
    from sales.services import group_types_ensure

    return group_types_ensure()[key]


def make_group(*, projects: list[SalesProject] = (), **overrides) -> ProjectGroup:
    """A project group (default type: alternatives) with ``projects`` as members."""
    n = next(_seq)
    values = {"name": f"Group {n}"}
    values.update(overrides)
    if "type" not in values:
        values["type"] = group_type()
    elif isinstance(values["type"], str):
        values["type"] = group_type(values["type"])
    group = ProjectGroup.objects.create(**values)
    if projects:
        SalesProject.objects.filter(pk__in=[p.pk for p in projects]).update(group=group)
        from sales.services import competition_refresh, group_rollup_refresh

        group_rollup_refresh(group_ids=[group.pk])
        competition_refresh(customer_ids={p.customer_id for p in projects})
        for project in projects:
            project.group = group
            project.refresh_from_db(fields=["counts_in_pipeline", "has_competitor"])
    return group
