"""The kanban board: columns with their first cards and totals, and "load more" of one column."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    F,
    Q,
    QuerySet,
)

from sales.models import (
    Phase,
    Process,
    SalesProject,
)
from sales.selectors.totals import Totals, pipeline_rollup, pipeline_totals

__all__ = [
    "CARD_SORTS",
    "KANBAN_FIRST",
    "KANBAN_PAGE",
    "KanbanColumn",
    "kanban_board",
    "kanban_cards",
]


KANBAN_FIRST = 10  # cards per column when the board opens (a board has up to ten columns)


KANBAN_PAGE = 15  # cards per "load more"


# name -> (label, order_by); labels translated in the views
CARD_SORTS: dict[str, tuple[str, ...]] = {
    "volume": ("-volume", "id"),
    "expected": (F("expected_order_date").asc(nulls_last=True), "id"),
    "age": ("phase_entered_at", "id"),
}


@dataclass
class KanbanColumn:
    phase: Phase
    totals: Totals
    cards: list[SalesProject] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.totals.count > len(self.cards)


def _card_ids(*, projects: QuerySet, phase_ids: list[int], sort: str, limit: int) -> list[int]:
    # One query: a UNION ALL of one index-backed "first N of this phase" per column.
    order = CARD_SORTS.get(sort, CARD_SORTS["volume"])
    parts = [
        projects.filter(phase_id=pid).order_by(*order).values_list("id", flat=True)[:limit]
        for pid in phase_ids
    ]
    if not parts:
        return []
    if len(parts) == 1:
        return list(parts[0])
    return list(parts[0].union(*parts[1:], all=True))


def kanban_cards(
    *, projects: QuerySet, phase: Phase, sort: str, offset: int = 0, limit: int = KANBAN_PAGE
) -> list:
    """One page of a column's cards."""
    order = CARD_SORTS.get(sort, CARD_SORTS["volume"])
    return list(projects.filter(phase=phase).order_by(*order)[offset : offset + limit])


def kanban_board(
    *,
    process: Process,
    projects: QuerySet,
    sort: str = "volume",
    limit: int = KANBAN_FIRST,
    phase_ids: list[int] | None = None,
    totals_where: Q | None = None,
) -> list[KanbanColumn]:
    """The columns of a process (or only ``phase_ids`` of it) with totals and their first cards.

    Four queries however many projects: phases, totals, card ids, cards. ``totals_where`` (a Q
    over ``PipelineTotal`` equivalent to the filters of ``projects``, when there is one) reads
    the column totals from the running totals instead of aggregating the projects.
    """
    phases = list(process.phases.order_by("order", "id"))
    if phase_ids is not None:
        wanted = {int(p) for p in phase_ids}
        phases = [p for p in phases if p.pk in wanted]
    if not phases:
        return []
    in_board = projects.filter(phase_id__in=[p.pk for p in phases])
    if totals_where is not None:
        totals = pipeline_totals(
            where=totals_where & Q(phase_id__in=[p.pk for p in phases]), by_phase=True
        )
    else:
        totals = pipeline_rollup(projects=in_board, group_by="phase_id")
    ids = _card_ids(
        projects=in_board,
        phase_ids=[p.pk for p in phases if p.pk in totals],
        sort=sort,
        limit=limit,
    )
    order = CARD_SORTS.get(sort, CARD_SORTS["volume"])
    cards = list(in_board.filter(pk__in=ids).order_by(*order)) if ids else []
    by_phase: dict[int, list] = {}
    for card in cards:
        by_phase.setdefault(card.phase_id, []).append(card)
    return [
        KanbanColumn(phase=p, totals=totals.get(p.pk, Totals()), cards=by_phase.get(p.pk, []))
        for p in phases
    ]
