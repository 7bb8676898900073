"""The team tree's rule as pure functions over ``{team id: parent id}``: no database, no model, so
both ``crm.models.Team.clean`` and ``crm.selectors`` use it without importing each other."""

from __future__ import annotations


def ancestor_ids(parents: dict[int, int | None], team_id: int | None) -> list[int]:
    """The chain of parents above ``team_id`` (nearest first), stopping where it repeats."""
    chain: list[int] = []
    current = parents.get(team_id) if team_id is not None else None
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def parent_makes_cycle(
    parents: dict[int, int | None], *, team_id: int | None, parent_id: int | None
) -> bool:
    """True when putting ``team_id`` under ``parent_id`` would make the team its own ancestor."""
    if team_id is None or parent_id is None:
        return False
    return parent_id == team_id or team_id in ancestor_ids(parents, parent_id)
