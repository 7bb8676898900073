"""What management commands tell a tenant admin is in the tenant's language (or --language, else
LANGUAGE_CODE): provisioning and its refusals, recounts, flags, indexes, geocoding, sample data."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tenants.models import Tenant
from tests.conftest import PASSWORD


def _run(*args, **opts) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **opts)
    return out.getvalue()


def _provision(schema: str, **opts) -> str:
    return _run(
        "provision_tenant",
        schema=schema,
        name=f"{schema} GmbH",
        domain=f"{schema}.localhost",
        admin_email=f"admin@{schema}.test",
        admin_password=PASSWORD,
        **opts,
    )


def test_provisioning_a_german_tenant_reports_in_german(db):
    out = _provision("kappa", language="de")
    assert "Mandant „kappa“ bereit unter http://kappa.localhost:8000/" in out
    connection.set_schema_to_public()


def test_provisioning_errors_are_in_the_new_tenants_language(db):
    with pytest.raises(CommandError) as german:
        _provision("alpha", language="de")
    assert str(german.value) == "Das Schema „alpha“ ist bereits vergeben."
    with pytest.raises(CommandError) as german_password:
        _run(
            "provision_tenant",
            schema="lambda_",
            name="Lambda",
            domain="lambda.localhost",
            admin_email="admin@lambda.test",
            admin_password="123",
            language="de",
        )
    assert str(german_password.value).startswith("Administrator-Passwort abgelehnt: ")
    with pytest.raises(CommandError) as english:
        _provision("alpha")
    assert str(english.value) == "The schema “alpha” is already taken."
    with pytest.raises(CommandError) as unknown:
        _provision("mu", language="xx")
    assert str(unknown.value) == "Unknown language “xx”: use one of en, de."
    assert not Tenant.objects.filter(schema_name__in=["lambda_", "mu"]).exists()


def test_tenant_commands_speak_the_tenants_language_or_the_one_asked_for(tenant):
    assert tenant.default_language in ("", "en")  # alpha: English unless asked
    assert _run("activity_rebuild_counts", schema="alpha").endswith("daily counts in “alpha”.\n")
    german = _run("activity_rebuild_counts", schema="alpha", language="de")
    assert german.endswith("Tageszählungen in „alpha“.\n"), german
    assert "Summenkennzeichen" in _run("sales_flags_refresh", schema="alpha", language="de")
    assert "roll-up" in _run("sales_flags_refresh", schema="alpha")
    assert _run("customfields_indexes", schema="alpha", language="de").startswith(
        "Indizes angelegt: "
    )
    with pytest.raises(CommandError, match="Kein Mandant mit dem Schema „nosuch“."):
        _run("geocode_customers", schema="nosuch", language="de")


def test_a_german_tenants_default_language_is_used_without_asking(tenant):
    Tenant.objects.filter(pk=tenant.pk).update(default_language="de")
    out = _run("activity_rebuild_counts", schema="alpha")
    assert out.endswith("Tageszählungen in „alpha“.\n"), out
