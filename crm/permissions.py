"""Who may edit what. Everyone sees every record of the tenant; salespeople edit their own
records, managers their team's (including sub-teams) and unowned ones, admins everything. The
tenant's settings (lead function, custom fields, list layouts, company language) are the tenant
admins'; CSV imports the managers' and admins'.

The rule lives in ``editable_owner_ids``; the single-record check and the queryset filter derive
from it, so lists and bulk actions check many rows with the same two queries at most.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from crm.selectors import team_descendant_ids


def editable_owner_ids(*, user) -> set[int | None] | None:
    """Owner ids whose records ``user`` may edit (``None`` in the set: unowned; ``None``: all)."""
    from crm.models import User

    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_tenant_admin:
        return None
    ids: set[int | None] = {user.pk}
    if user.is_manager:
        ids.add(None)  # unowned records are the managers' to hand out
        if user.team_id:
            teams = team_descendant_ids(team_id=user.team_id)
            ids |= set(User.objects.filter(team_id__in=teams).values_list("pk", flat=True))
    return ids


def owner_allowed(*, allowed: set[int | None] | None, owner_id: int | None) -> bool:
    """True when ``owner_id`` is in a set from ``editable_owner_ids``."""
    return allowed is None or owner_id in allowed


def editable_owner_q(*, user, field: str = "owner") -> Q:
    """A filter for the records ``user`` may edit, on a model whose owner field is ``field``."""
    allowed = editable_owner_ids(user=user)
    if allowed is None:
        return Q()
    q = Q(**{f"{field}_id__in": [pk for pk in allowed if pk is not None]})
    if None in allowed:
        q |= Q(**{f"{field}__isnull": True})
    return q


def user_can_edit_owned(*, user, owner_id: int | None) -> bool:
    """True when ``user`` may edit a record owned by ``owner_id``."""
    if user.is_authenticated and user.is_active and owner_id is not None and owner_id == user.pk:
        return True  # the common case, without a query
    return owner_allowed(allowed=editable_owner_ids(user=user), owner_id=owner_id)


def who_can_edit(*, owner_id: int | None) -> str:
    """The sentence a refusal shows: who may edit a record owned by ``owner_id``."""
    from django.utils.translation import gettext as _

    from crm.models import User

    owner = User.objects.select_related("team").filter(pk=owner_id).first() if owner_id else None
    if owner is None:
        return _("Records without an owner are edited by managers and tenant admins.")
    name = owner.get_full_name() or owner.email
    if owner.team_id:
        return _(
            "Only %(owner)s, the managers of team %(team)s and the tenant admins may edit it."
        ) % {"owner": name, "team": owner.team.name}
    return _("Only %(owner)s and the tenant admins may edit it.") % {"owner": name}


def require_edit_owned(*, user, owner_id: int | None) -> None:
    """Raise PermissionDenied (saying who may) unless ``user`` may edit a record owned by
    ``owner_id``."""
    if not user_can_edit_owned(user=user, owner_id=owner_id):
        from django.utils.translation import gettext as _

        raise PermissionDenied(
            _("You may not edit this record.") + " " + who_can_edit(owner_id=owner_id)
        )


def require_tenant_admin(user) -> None:
    """Raise PermissionDenied unless ``user`` is a tenant admin (the tenant's settings)."""
    if not getattr(user, "is_tenant_admin", False):
        raise PermissionDenied


def require_importer(user) -> None:
    """Raise PermissionDenied unless ``user`` may import customers: imports create customers for
    others, so managers and tenant admins; salespeople ask their manager."""
    if not (getattr(user, "is_tenant_admin", False) or getattr(user, "is_manager", False)):
        raise PermissionDenied
