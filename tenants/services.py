"""Provisioning tenants: schema, domain, admin user and the default data, in one step."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from crm import events
from tenants.models import Domain, Tenant

logger = logging.getLogger(__name__)

SCHEMA_RE = re.compile(r"^[a-z][a-z0-9_]{1,61}$")
RESERVED_SCHEMAS = {"public", "information_schema", "default", "template", "admin"}
DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def _validate(
    *, schema: str, name: str, domain: str, admin_email: str, admin_password: str
) -> None:
    if not SCHEMA_RE.match(schema) or schema in RESERVED_SCHEMAS or schema.startswith("pg_"):
        raise ValidationError(
            _(
                "Invalid schema name “%(schema)s”: use 2-62 lower-case letters, digits or _, "
                "starting with a letter."
            )
            % {"schema": schema}
        )
    if not name.strip():
        raise ValidationError(_("The tenant needs a name."))
    if not DOMAIN_RE.match(domain):
        raise ValidationError(
            _("Invalid domain “%(domain)s”: use a host name such as acme.localhost.")
            % {"domain": domain}
        )
    if Tenant.objects.filter(schema_name=schema).exists():
        raise ValidationError(_("The schema “%(schema)s” is already taken.") % {"schema": schema})
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
        if cursor.fetchone():
            raise ValidationError(
                _("The schema “%(schema)s” already exists in the database.") % {"schema": schema}
            )
    if Domain.objects.filter(domain=domain).exists():
        raise ValidationError(_("The domain “%(domain)s” is already taken.") % {"domain": domain})
    try:
        validate_email(admin_email)
    except ValidationError:
        raise ValidationError(
            _("Invalid admin e-mail “%(email)s”.") % {"email": admin_email}
        ) from None
    try:
        validate_password(admin_password)
    except ValidationError as exc:
        raise ValidationError(
            _("Admin password rejected: %(reasons)s") % {"reasons": " ".join(exc.messages)}
        ) from None


def tenant_provision(
    *,
    schema: str,
    name: str,
    domain: str,
    admin_email: str,
    admin_password: str,
    lead_function_enabled: bool = False,
    admin_first_name: str = "",
    admin_last_name: str = "",
    language: str = "",
) -> Tenant:
    """Create a tenant: schema (migrated), domain, admin user and default data; all or nothing.
    ``language`` ("de"): the tenant's default language, also of its default processes and phases."""
    from crm.models import User
    from crm.services import user_create

    schema, domain, admin_email = (
        schema.strip().lower(),
        domain.strip().lower(),
        admin_email.strip().lower(),
    )
    connection.set_schema_to_public()
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError(
            _("Unknown language “%(language)s”: use one of %(languages)s.")
            % {"language": language, "languages": ", ".join(dict(settings.LANGUAGES))}
        )
    _validate(
        schema=schema,
        name=name,
        domain=domain,
        admin_email=admin_email,
        admin_password=admin_password,
    )
    tenant = Tenant(
        schema_name=schema,
        name=name.strip(),
        lead_function_enabled=lead_function_enabled,
        default_language=language,
    )
    try:
        tenant.save(verbosity=0)  # creates and migrates the schema (auto_create_schema)
        with transaction.atomic(), translation.override(language or settings.LANGUAGE_CODE):
            Domain.objects.create(domain=domain, tenant=tenant, is_primary=True)
            with schema_context(schema):
                admin_user = user_create(
                    email=admin_email,
                    password=admin_password,
                    role=User.Role.ADMIN,
                    first_name=admin_first_name,
                    last_name=admin_last_name,
                    validate=False,
                )
                events.tenant_provisioned.send(sender=Tenant, tenant=tenant, admin_user=admin_user)
    except Exception:
        logger.exception("provisioning %s failed; removing what was created", schema)
        connection.set_schema_to_public()
        if tenant.pk:
            tenant.delete(force_drop=True)
        raise
    finally:
        connection.set_schema(get_public_schema_name())
    return tenant


def tenant_ensure_public(*, domain: str = "localhost") -> Tenant:
    """The public tenant (operators' admin) with its host; idempotent."""
    connection.set_schema_to_public()
    tenant, _ = Tenant.objects.get_or_create(
        schema_name=get_public_schema_name(), defaults={"name": "Public (operators)"}
    )
    Domain.objects.get_or_create(domain=domain, defaults={"tenant": tenant, "is_primary": True})
    return tenant
