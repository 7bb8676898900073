"""Every write about processes and sales projects."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from sales.models import LostReason, Phase, Process

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
