"""Processes and their phases: the defaults a tenant starts with, the lead function switch, and
where new projects start."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.permissions import require_tenant_admin
from sales.models import LostReason, Phase, Process

DEFAULT_SALES_PHASES = [
    # name, probability, outcome, yellow, red
    (gettext_lazy("Contacted"), 10, Phase.Outcome.OPEN, 14, 30),
    (gettext_lazy("Needs analysis"), 25, Phase.Outcome.OPEN, 14, 30),
    (gettext_lazy("Offer sent"), 50, Phase.Outcome.OPEN, 10, 21),
    (gettext_lazy("Negotiation"), 75, Phase.Outcome.OPEN, 7, 14),
    (gettext_lazy("Won"), 100, Phase.Outcome.WON, None, None),
    (gettext_lazy("Lost"), 0, Phase.Outcome.LOST, None, None),
]
# Names in the language active at creation (a German tenant is provisioned in German:
# tenant_provision)
DEFAULT_LOST_REASONS = [
    gettext_lazy("Price"),
    gettext_lazy("Competitor"),
    gettext_lazy("No budget"),
    gettext_lazy("No decision"),
    gettext_lazy("Timing"),
    gettext_lazy("Other"),
]
DEFAULT_LEAD_PHASES = [
    # name, probability, outcome, yellow, red, qualifies the lead, parks
    (gettext_lazy("New lead"), 5, Phase.Outcome.OPEN, 7, 14, False, False),
    (gettext_lazy("Contacted"), 15, Phase.Outcome.OPEN, 14, 30, False, False),
    (gettext_lazy("Follow-up later"), 10, Phase.Outcome.OPEN, None, None, False, True),
    (gettext_lazy("Qualified"), 40, Phase.Outcome.OPEN, None, None, True, False),
    (gettext_lazy("Converted"), 100, Phase.Outcome.WON, None, None, False, False),
    (gettext_lazy("Disqualified"), 0, Phase.Outcome.LOST, None, None, False, False),
]

__all__ = [
    "DEFAULT_LEAD_PHASES",
    "DEFAULT_LOST_REASONS",
    "DEFAULT_SALES_PHASES",
    "phase_first_open",
    "process_create_default",
    "process_create_default_lead",
    "tenant_lead_function_set",
]


def _phases_create(process: Process, rows) -> None:
    """A default process's phases in the order of ``rows`` (DEFAULT_SALES_PHASES or
    DEFAULT_LEAD_PHASES, whose rows also say whether a phase qualifies the lead and parks)."""
    Phase.objects.bulk_create(
        Phase(
            process=process,
            name=str(name),
            order=(i + 1) * 10,
            probability=prob,
            outcome=outcome,
            yellow_days=yellow,
            red_days=red,
            qualifies_lead=lead[0] if lead else False,
            parks=lead[1] if lead else False,
        )
        for i, (name, prob, outcome, yellow, red, *lead) in enumerate(rows)
    )


@transaction.atomic
def process_create_default() -> Process:
    """A new tenant's default sales process and lost reasons (idempotent)."""
    existing = Process.objects.filter(kind=Process.Kind.SALES).first()
    if existing:
        return existing
    process = Process.objects.create(name=_("Sales"), kind=Process.Kind.SALES, order=10)
    _phases_create(process, DEFAULT_SALES_PHASES)
    for i, reason in enumerate(DEFAULT_LOST_REASONS):
        LostReason.objects.get_or_create(name=str(reason), defaults={"order": i})
    return process


@transaction.atomic
def process_create_default_lead() -> Process:
    """The default lead process (idempotent), converting into the default sales process."""
    existing = Process.objects.filter(kind=Process.Kind.LEAD).first()
    if existing:
        return existing
    sales = process_create_default()
    process = Process.objects.create(
        name=_("Lead acquisition"),
        kind=Process.Kind.LEAD,
        order=5,
        followup_process=sales,
        followup_phase=phase_first_open(process=sales),
    )
    _phases_create(process, DEFAULT_LEAD_PHASES)
    return process


@transaction.atomic
def tenant_lead_function_set(*, tenant, enabled: bool, user) -> None:
    """Switch the tenant's lead function on or off; nothing is deleted, leads are only hidden."""
    require_tenant_admin(user)
    if enabled:
        process_create_default_lead()
    if tenant.lead_function_enabled != enabled:
        tenant.lead_function_enabled = enabled
        tenant.save(update_fields=["lead_function_enabled"])


def phase_first_open(*, process: Process) -> Phase:
    """The first open phase of a process (where new projects start)."""
    phase = (
        process.phases.filter(outcome=Phase.Outcome.OPEN, parks=False)
        .order_by("order", "id")
        .first()
    )
    if phase is None:
        raise ValidationError(
            _("The process “%(process)s” has no open phase.") % {"process": process}
        )
    return phase
