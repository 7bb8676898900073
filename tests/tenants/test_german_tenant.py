"""A German tenant (provisioned with language de) starts with German processes, phases and lost
reasons, and its sample data reads German; its users get German by default. Each test runs inside
the test's transaction, so the schema it creates is rolled back with it."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from django_tenants.utils import schema_context

from crm.lib.seeding import SeedContext
from sales.models import LostReason, Phase, Process
from tenants.services import tenant_provision
from tests.conftest import PASSWORD


def _provision(schema: str, language: str = ""):
    return tenant_provision(
        schema=schema,
        name=f"{schema} GmbH",
        domain=f"{schema}.localhost",
        admin_email=f"admin@{schema}.test",
        admin_password=PASSWORD,
        lead_function_enabled=True,
        language=language,
    )


def test_a_german_tenant_starts_with_german_processes_phases_and_lost_reasons(db):
    tenant = _provision("delta", "de")
    assert tenant.default_language == "de"
    with schema_context("delta"):
        sales = Process.objects.get(kind=Process.Kind.SALES)
        assert sales.name == "Vertrieb"
        assert list(sales.phases.order_by("order").values_list("name", flat=True)) == [
            "Kontaktiert",
            "Bedarfsanalyse",
            "Angebot versendet",
            "Verhandlung",
            "Gewonnen",
            "Verloren",
        ]
        assert "Kein Budget" in set(LostReason.objects.values_list("name", flat=True))
        from sales.models import GroupType

        assert set(GroupType.objects.filter(key__gt="").values_list("name", flat=True)) == {
            "Teilprojekte",
            "Alternativangebote",
        }
        from sales.services import process_create_default_lead

        with translation.override("de"):
            lead = process_create_default_lead()
        assert lead.name == "Interessentengewinnung"
        assert "Später nachfassen" in set(lead.phases.values_list("name", flat=True))
    connection.set_schema_to_public()


def test_an_english_tenant_stays_english(db):
    _provision("epsilon")
    with schema_context("epsilon"):
        names = list(
            Phase.objects.filter(process__kind=Process.Kind.SALES)
            .order_by("order")
            .values_list("name", flat=True)
        )
        assert names[:3] == ["Contacted", "Needs analysis", "Offer sent"]
        from sales.models import GroupType

        assert set(GroupType.objects.filter(key__gt="").values_list("name", flat=True)) == {
            "Sub-projects",
            "Alternatives",
        }
    connection.set_schema_to_public()


def test_an_unknown_language_is_refused_before_anything_is_created(db):
    from tenants.models import Tenant

    with pytest.raises(ValidationError, match="Unknown language"):
        _provision("zeta", "xx")
    assert not Tenant.objects.filter(schema_name="zeta").exists()


def test_the_sample_projects_of_a_german_tenant_have_german_titles(db):

    from sales.seed import PRODUCTS_DE, seed_leads, seed_processes, seed_projects
    from tests.builders.customers import make_customer

    _provision("eta", "de")
    with schema_context("eta"), translation.override("de"):
        processes = seed_processes()
        assert {str(p.name) for p, _s, _m in processes} >= {
            "Vertrieb",
            "Serviceverträge",
            "Einkauf",
        }
        customer = make_customer()
        ctx = SeedContext(rng=random.Random(1), customers=1, stdout=lambda _line: None)
        ids = seed_projects(ctx, processes=processes, customers=[(customer.pk, None)], total=5)
        from sales.models import SalesProject

        titles = list(SalesProject.objects.filter(pk__in=ids).values_list("title", flat=True))
        assert titles and all(any(t.startswith(p) for p in PRODUCTS_DE) for t in titles), titles
        lead = make_customer(status="lead")
        lead_ids = seed_leads(
            ctx, leads=[(lead.pk, None)], customers=[(customer.pk, None)], total=8
        )
        parked = SalesProject.objects.filter(pk__in=lead_ids, parked_until__isnull=False).first()
        assert parked is not None and parked.park_return_phase.name == "Kontaktiert"
        assert all(
            "(Interessent)" in t
            for t in SalesProject.objects.filter(pk__in=lead_ids).values_list("title", flat=True)
        )
    connection.set_schema_to_public()


def _seed(schema: str, language: str) -> list[str]:
    """The seeders of seed_demo, in the tenant's language as the command runs them (the map's
    geocoding, which writes no words, left out); what they reported."""
    from crm.lib.seeding import seeders

    lines: list[str] = []
    ctx = SeedContext(rng=random.Random(7), customers=60, stdout=lines.append)
    with schema_context(schema), translation.override(language):
        for _order, name, func in seeders():
            if name != "map coordinates":
                func(ctx)
    return lines


def _words(schema: str) -> dict[str, set[str]]:
    from activity.models import Activity
    from crm.models import Team
    from sales.models import ProjectGroup

    with schema_context(schema):
        people = Activity.objects.filter(is_system=False)
        return {
            "teams": set(Team.objects.values_list("name", flat=True)),
            "subjects": set(people.values_list("subject", flat=True)),
            "texts": set(people.exclude(text="").values_list("text", flat=True)),
            "groups": {
                name.split(":")[0] for name in ProjectGroup.objects.values_list("name", flat=True)
            },
            "processes": set(Process.objects.values_list("name", flat=True)),
            "reasons": set(LostReason.objects.values_list("name", flat=True)),
        }


def test_the_sample_data_of_a_german_tenant_reads_german_and_of_an_english_one_english(db):
    from activity.seed_words import HUMAN, HUMAN_DE, TEXTS, TEXTS_DE

    _provision("theta", "de")
    said_de = _seed("theta", "de")
    _provision("iota")
    said_en = _seed("iota", "en")
    german, english = _words("theta"), _words("iota")
    connection.set_schema_to_public()

    assert german["teams"] >= {"Vertrieb", "Vertrieb Nord", "Vertrieb Süd"}
    assert english["teams"] >= {"Sales", "Sales North", "Sales South"}
    subjects_de = {s for _k, _w, subjects, _d in HUMAN_DE for s in subjects}
    subjects_en = {s for _k, _w, subjects, _d in HUMAN for s in subjects}
    assert german["subjects"] and german["subjects"] <= subjects_de
    assert english["subjects"] and english["subjects"] <= subjects_en
    assert german["texts"] and german["texts"] <= set(TEXTS_DE)
    assert english["texts"] and english["texts"] <= set(TEXTS)
    assert german["groups"] and german["groups"] <= {"Alternativangebote", "Gesamtprojekt"}
    assert english["groups"] and english["groups"] <= {"Alternatives", "Complete project"}
    assert {"Vertrieb", "Serviceverträge", "Einkauf"} <= german["processes"]
    assert {"Sales", "Service contracts", "Purchasing"} <= english["processes"]
    assert "Kein Budget" in german["reasons"] and "No budget" in english["reasons"]
    # and what the seeders report is in the tenant's language too
    assert [line.split(":")[0] for line in said_de][:4] == [
        "Benutzer",
        "Kunden",
        "Projekte",
        "Eigene Felder",
    ]
    assert [line.split(":")[0] for line in said_en][:4] == [
        "users",
        "customers",
        "projects",
        "custom fields",
    ]


def test_seed_demo_reports_a_german_tenant_in_german_and_an_english_one_in_english(db, caplog):
    """The whole command output (each seeder's line and its timing, vacuum, done) and the
    custom-field index log line it prints: German for a German tenant, English otherwise."""
    import io
    import logging
    import re

    from django.core.management import call_command

    _provision("lambdade", "de")
    _provision("muen")
    said = {}
    for schema in ("lambdade", "muen"):
        out = io.StringIO()
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="customfields.indexes"):
            call_command("seed_demo", schema=schema, customers=12, stdout=out)
        said[schema] = out.getvalue().splitlines() + [r.getMessage() for r in caplog.records]
    connection.set_schema_to_public()
    german, english = "\n".join(said["lambdade"]), "\n".join(said["muen"])
    timings = [line.strip().split(":")[0] for line in said["lambdade"] if line.endswith(" s")]
    assert timings[:7] == [
        "Benutzer",
        "Kunden",
        "Vertrieb",
        "Eigene Felder",
        "Aktivitäten",
        "Kartenkoordinaten",
        "Kartenauswahlen",
    ], said["lambdade"]
    assert re.search(r"^  Benutzer: \d+,\d s$", german, re.M)  # German decimal comma
    assert "Indizes eigener Felder in lambdade: angelegt cf_vat_id_idx, " in german
    assert "Seeded" not in german and "„lambdade“" in german and "vacuum" not in german
    english_timings = [line.strip().split(":")[0] for line in said["muen"] if line.endswith(" s")]
    assert english_timings[:3] == ["Users", "Customers", "Sales"]
    assert re.search(r"^  Users: \d+\.\d s$", english, re.M)
    assert "custom-field indexes in muen: created cf_vat_id_idx, " in english
    assert "Seeded “muen”." in english


def test_the_seed_report_groups_its_counts_in_the_reports_language():
    from django.utils import translation

    from crm.lib.seeding import report_counts

    values = {"human": 3248, "ratio": "1,5", "links": 12}
    with translation.override("de"):
        assert report_counts(values) == {"human": "3.248", "ratio": "1,5", "links": "12"}
    with translation.override("en"):
        assert report_counts(values)["human"] == "3,248"
