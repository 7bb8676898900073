"""Provisioning clones the migrated template schema (tenants.template) instead of migrating anew.

The clone must be indistinguishable from a schema built by running every migration, the template
must catch up when it is behind the migrations on disk, and clones must not share rows or
sequences. Every test runs inside the test's transaction, so the schemas it creates are rolled
back with it.
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django_tenants.utils import schema_context

from crm.models import User
from customers.models import Customer
from sales.models import Process
from tenants.services import tenant_provision
from tenants.template import TEMPLATE_SCHEMA, template_pending_migrations
from tests.conftest import PASSWORD

# Everything a migration run leaves in a schema, with the schema's own name taken out.
CATALOG = {
    "relations": (
        "SELECT c.relname, c.relkind FROM pg_class c WHERE c.relnamespace = to_regnamespace(%(s)s)"
    ),
    "columns": """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               a.attidentity,
               replace(pg_get_expr(d.adbin, d.adrelid), %(s)s || '.', '')
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = to_regnamespace(%(s)s) AND a.attnum > 0 AND NOT a.attisdropped""",
    "indexes": """
        SELECT replace(pg_get_indexdef(i.indexrelid), %(s)s || '.', '')
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE c.relnamespace = to_regnamespace(%(s)s)""",
    "constraints": """
        SELECT conname, replace(pg_get_constraintdef(oid), %(s)s || '.', '')
        FROM pg_constraint WHERE connamespace = to_regnamespace(%(s)s)""",
    "triggers": """
        SELECT tgname, replace(pg_get_triggerdef(t.oid), %(s)s || '.', '')
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = to_regnamespace(%(s)s) AND NOT t.tgisinternal""",
    "functions": "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = to_regnamespace(%(s)s)",
    "migrations": 'SELECT app, name FROM "{s}".django_migrations',
    "group types": 'SELECT * FROM "{s}".sales_grouptype',
}


def catalog(schema: str) -> dict[str, list]:
    out = {}
    with connection.cursor() as cursor:
        for key, sql in CATALOG.items():
            cursor.execute(sql.replace("{s}", schema), {"s": schema})
            out[key] = sorted(map(repr, cursor.fetchall()))
    return out


def provision(schema: str):
    return tenant_provision(
        schema=schema,
        name=f"{schema} AG",
        domain=f"{schema}.localhost",
        admin_email=f"admin@{schema}.test",
        admin_password=PASSWORD,
    )


def unapplied(schema: str) -> list:
    connection.set_schema(schema, include_public=False)
    try:
        executor = MigrationExecutor(connection)
        return executor.migration_plan(executor.loader.graph.leaf_nodes())
    finally:
        connection.set_schema_to_public()


def test_a_cloned_tenant_equals_a_schema_built_by_running_every_migration(db):
    provision("gamma")
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "migrated_ref"')
    call_command(
        "migrate_schemas",
        tenant=True,
        schema_name="migrated_ref",
        executor="standard",
        interactive=False,
        verbosity=0,
    )
    connection.set_schema_to_public()

    cloned, migrated = catalog("gamma"), catalog("migrated_ref")
    assert cloned["migrations"] and cloned["indexes"] and cloned["triggers"]
    for key in CATALOG:
        assert cloned[key] == migrated[key], key
    assert unapplied("gamma") == []


def test_a_cloned_tenant_works_with_its_admin_and_default_process(db):
    provision("gamma")
    client = Client(HTTP_HOST="gamma.localhost")
    assert (
        client.post("/login/", {"email": "admin@gamma.test", "password": PASSWORD}).status_code
        == 302
    )
    assert client.get("/").status_code == 200
    with schema_context("gamma"):
        assert list(User.objects.values_list("email", flat=True)) == ["admin@gamma.test"]
        assert Process.objects.filter(kind=Process.Kind.SALES).count() == 1
    connection.set_schema_to_public()


def test_the_template_catches_up_with_a_migration_it_lacks_before_the_next_clone(db):
    # The template one migration behind is the state right after a new migration has landed.
    call_command(
        "migrate_schemas",
        "mapview",
        "0002_customer_point_gist",
        tenant=True,
        schema_name=TEMPLATE_SCHEMA,
        executor="standard",
        interactive=False,
        verbosity=0,
    )
    connection.set_schema_to_public()
    assert "mapview.0003_customer_unlocated_index" in template_pending_migrations()

    provision("delta")

    assert template_pending_migrations() == []
    assert unapplied("delta") == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE schemaname IN ('delta', %s) "
            "AND indexname = 'mapview_customer_unlocated'",
            [TEMPLATE_SCHEMA],
        )
        assert cursor.fetchone()[0] == 2
        cursor.execute(
            "SELECT count(*) FROM delta.django_migrations "
            "WHERE app = 'mapview' AND name = '0003_customer_unlocated_index'"
        )
        assert cursor.fetchone()[0] == 1


def test_two_cloned_tenants_share_no_rows_and_no_sequences(db):
    provision("gamma")
    provision("delta")
    with schema_context("gamma"):
        first = Customer.objects.create(name="Only in Gamma")
    with schema_context("delta"):
        assert not Customer.objects.filter(name="Only in Gamma").exists()
        second = Customer.objects.create(name="Only in Delta")
        assert list(User.objects.values_list("email", flat=True)) == ["admin@delta.test"]
    assert first.pk == second.pk  # each schema counts on its own
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence('gamma.customers_customer', 'id'), "
            "pg_get_serial_sequence('delta.customers_customer', 'id'), "
            '(SELECT count(*) FROM "_template".customers_customer)'
        )
        assert cursor.fetchone() == (
            "gamma.customers_customer_id_seq",
            "delta.customers_customer_id_seq",
            0,
        )
    connection.set_schema_to_public()
