"""Reads about users and teams."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from crm.lib.teams import ancestor_ids, parent_makes_cycle
from crm.models import Team, User


def _parents() -> dict[int, int | None]:
    return dict(Team.objects.values_list("pk", "parent_id"))


def team_ancestor_ids(*, team_id: int) -> list[int]:
    """The teams above ``team_id``, nearest first (a cycle in the data ends the chain)."""
    return ancestor_ids(_parents(), team_id)


def team_parent_makes_cycle(*, team_id: int | None, parent_id: int | None) -> bool:
    """True when putting ``team_id`` under ``parent_id`` would make the team its own ancestor."""
    if team_id is None or parent_id is None:
        return False
    return parent_makes_cycle(_parents(), team_id=team_id, parent_id=parent_id)


def team_descendant_ids(*, team_id: int) -> set[int]:
    """The team and every team below it (teams can sit under teams).

    Never widens on bad data: should the tree hold a cycle, the walk does not pass through a team
    that is also above ``team_id``, so a manager never reaches teams that contain their own.
    """
    parents = _parents()
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in parents.items():
        children.setdefault(parent_id, []).append(pk)
    above = set(ancestor_ids(parents, team_id)) - {team_id}
    found, stack = set(), [team_id]
    while stack:
        current = stack.pop()
        if current in found or current in above:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found


def user_ids_in_team(*, team_id: int) -> QuerySet:
    """A subquery-friendly queryset of the ids of users in the team or its sub-teams."""
    return User.objects.filter(team_id__in=team_descendant_ids(team_id=team_id)).values("pk")


def owner_or_team_q(*, field: str, user_id: int | None = None, team_id: int | None = None) -> Q:
    """A filter for "owner or team" on any model with an owner field named ``field``."""
    q = Q()
    if user_id:
        q &= Q(**{f"{field}_id": user_id})
    if team_id:
        q &= Q(**{f"{field}_id__in": user_ids_in_team(team_id=team_id)})
    return q


def user_list_active() -> QuerySet:
    """Active users of the current tenant, for owner choices."""
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "email")


def dashboard_team_context(*, user) -> dict:
    """The "My team" dashboard widget: the user's team, its members and supervisor (two queries:
    the members with their team, and the number of active users)."""
    team, members = None, []
    if user.team_id:
        members = list(
            User.objects.select_related("team__parent").filter(
                team_id=user.team_id, is_active=True
            )[:12]
        )
        team = (
            members[0].team
            if members
            else Team.objects.select_related("parent").filter(pk=user.team_id).first()
        )
    supervisor = None
    if user.supervisor_id:  # usually a member of the same team: no query of its own
        supervisor = (
            next((m for m in members if m.pk == user.supervisor_id), None) or user.supervisor
        )
    return {
        "team": team,
        "members": members,
        "supervisor": supervisor,
        "user_count": User.objects.filter(is_active=True).count(),
    }
