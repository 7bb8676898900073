"""Who may edit what. Everyone sees every record of the tenant; salespeople edit their own
records, managers their team's (including sub-teams), admins everything."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from crm.selectors import team_descendant_ids


def user_can_edit_owned(*, user, owner_id: int | None) -> bool:
    """True when ``user`` may edit a record owned by ``owner_id``."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_tenant_admin:
        return True
    if owner_id is not None and owner_id == user.pk:
        return True
    if user.is_manager and owner_id is None:
        return True  # unowned records are the managers' to hand out
    if user.is_manager and user.team_id:
        from crm.models import User

        owner_team_id = User.objects.filter(pk=owner_id).values_list("team_id", flat=True).first()
        return owner_team_id is not None and owner_team_id in team_descendant_ids(team_id=user.team_id)
    return False


def require_edit_owned(*, user, owner_id: int | None) -> None:
    """Raise PermissionDenied unless ``user`` may edit a record owned by ``owner_id``."""
    if not user_can_edit_owned(user=user, owner_id=owner_id):
        raise PermissionDenied
