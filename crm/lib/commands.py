"""The language of management commands whose output a tenant admin reads (provisioning, imports,
geocoding, recounts, sample data): ``--language`` when given, else the tenant's default language,
else ``LANGUAGE_CODE``. Django runs commands with translation switched off; these switch it on."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tenants.utils import get_tenant_model


def command_language(*, schema: str = "", requested: str = "") -> str:
    """The language a command reports in (one of settings.LANGUAGES)."""
    known = dict(settings.LANGUAGES)
    if requested in known:
        return requested
    if schema:
        tenant = get_tenant_model().objects.filter(schema_name=schema).first()
        language = getattr(tenant, "default_language", "")
        if language in known:
            return language
    return settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in known else "en"


def command_translation(*, schema: str = "", requested: str = ""):
    """``with command_translation(schema=..., requested=opts["language"]):`` around a handle()."""
    return translation.override(command_language(schema=schema, requested=requested))


def add_language_argument(parser) -> None:
    """The ``--language`` option of such a command."""
    parser.add_argument(
        "--language",
        default="",
        choices=["", *dict(settings.LANGUAGES)],
        help="language of the output (default: the tenant's, else LANGUAGE_CODE)",
    )
