"""Writes about users and teams."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from crm.models import Team, User
from crm.permissions import require_tenant_admin


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
    language: str | None = None,
    validate: bool = True,
) -> User:
    """Create a user of the current tenant; admins get the tenant's Django admin."""
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("An e-mail address is required.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("A user with the e-mail %(email)s already exists.") % {"email": email}}
        )
    if role not in User.Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": repr(role)}})
    user = User(
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        team=team,
        supervisor=supervisor,
        language=_checked_language(language) if language is not None else tenant_default_language(),
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
    team, _created = Team.objects.get_or_create(name=name, defaults={"parent": parent})
    return team


@transaction.atomic
def team_parent_set(*, team: Team, parent: Team | None) -> Team:
    """Put a team under another one (or at the top); refused when it would make a cycle."""
    from crm.selectors import team_parent_makes_cycle

    Team.objects.select_for_update().filter(pk=team.pk).first()
    if parent is not None and team_parent_makes_cycle(team_id=team.pk, parent_id=parent.pk):
        raise ValidationError(
            {"parent": _("A team cannot sit under itself or under one of its own sub-teams.")}
        )
    team.parent = parent
    team.save(update_fields=["parent"])
    return team


def _checked_language(language: str) -> str:
    language = (language or "").strip()
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    return language


def tenant_default_language() -> str:
    """The language the current tenant gives new users ("" = their browser's)."""
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "default_language", "") or ""


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """A user's own language ("" = the browser's); anyone may set their own."""
    user.language = _checked_language(language)
    user.save(update_fields=["language"])
    return user


def user_after_create_set(*, user: User, after_create: str) -> User:
    """What the "+ New" dialog does for ``user`` after saving: open the record or stay."""
    if after_create not in User.AfterCreate.values:
        raise ValidationError({"after_create": _("Choose what happens after saving.")})
    if user.after_create != after_create:
        user.after_create = after_create
        user.save(update_fields=["after_create"])
    return user


@transaction.atomic
def tenant_default_language_set(*, tenant, language: str, user: User) -> None:
    """The language new users of the tenant get (tenant admins only)."""
    require_tenant_admin(user)
    tenant.default_language = _checked_language(language)
    type(tenant).objects.filter(pk=tenant.pk).update(default_language=tenant.default_language)
