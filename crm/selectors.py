"""Reads about users and teams."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from crm.models import Team, User


def team_descendant_ids(*, team_id: int) -> set[int]:
    """The team and every team below it (teams can sit under teams)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Team.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [team_id]
    while stack:
        current = stack.pop()
        if current in found:
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
        members = list(User.objects.select_related("team__parent").filter(team_id=user.team_id, is_active=True)[:12])
        team = members[0].team if members else Team.objects.select_related("parent").filter(pk=user.team_id).first()
    supervisor = None
    if user.supervisor_id:  # usually a member of the same team: no query of its own
        supervisor = next((m for m in members if m.pk == user.supervisor_id), None) or user.supervisor
    return {
        "team": team,
        "members": members,
        "supervisor": supervisor,
        "user_count": User.objects.filter(is_active=True).count(),
    }
