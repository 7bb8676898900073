"""Writes about users and teams."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from crm.models import Team, User


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    role: str = User.Role.SALESPERSON,
    first_name: str = "",
    last_name: str = "",
    team: Team | None = None,
    supervisor: User | None = None,
    validate: bool = True,
) -> User:
    """Create a user of the current tenant; admins get the tenant's Django admin."""
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": "An e-mail address is required."})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"A user with the e-mail {email} already exists."})
    if role not in User.Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    user = User(
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        team=team,
        supervisor=supervisor,
        is_staff=role == User.Role.ADMIN,
        is_superuser=role == User.Role.ADMIN,
    )
    if password is not None and validate:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def team_create(*, name: str, parent: Team | None = None) -> Team:
    """Create a team, optionally under another team."""
    team, _ = Team.objects.get_or_create(name=name, defaults={"parent": parent})
    return team
