"""The template schema new tenants are cloned from.

Running every migration in a new schema takes seconds; copying an already migrated schema takes a
fraction of that. ``_template`` is an ordinary tenant schema without a tenant row (no host reaches
it, no periodic task visits it, our schema names must start with a letter so no tenant can take
it). It is migrated on demand: before each clone, its applied migrations are compared with the
migrations on disk and any missing ones are run first, so a new tenant never gets a schema that
is behind (cloning and then faking migrations, as django-tenants does with
TENANT_CREATION_FAKES_MIGRATIONS, would mark a missed migration as applied without running it).

The clone copies tables, indexes, constraints, sequences, functions, triggers and the rows of the
template (django_migrations, content types, permissions, built-in group types) with
django-tenants' ``clone_schema`` SQL function; each clone gets its own sequences. That function
names unique constraints after the new table instead of keeping their names; they are renamed back
(a later migration removing a constraint by name must find it in every tenant).
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists

TEMPLATE_SCHEMA = "_template"
# One provisioning at a time touches the template (migrating it while another clones it would
# copy a half-migrated schema).
_LOCK_KEY = 0x63726D74  # "crmt"


# Unique and exclusion constraints of the template whose copy in the clone has another name.
_RENAMED_CONSTRAINTS_SQL = """
SELECT DISTINCT ON (nc.oid) n.relname, nc.conname, tc.conname
FROM pg_constraint tc
JOIN pg_class t ON t.oid = tc.conrelid
JOIN pg_class n ON n.relname = t.relname AND n.relnamespace = to_regnamespace(%(new)s)
JOIN pg_constraint nc ON nc.conrelid = n.oid AND nc.contype = tc.contype
     AND pg_get_constraintdef(nc.oid) = pg_get_constraintdef(tc.oid)
WHERE tc.connamespace = to_regnamespace(%(template)s) AND tc.contype IN ('u', 'x')
  AND nc.conname <> tc.conname
  AND NOT EXISTS (SELECT 1 FROM pg_constraint x WHERE x.conrelid = n.oid AND x.conname = tc.conname)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint y WHERE y.conrelid = t.oid AND y.conname = nc.conname)
ORDER BY nc.oid, tc.conname
"""


def _restore_constraint_names(*, schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_RENAMED_CONSTRAINTS_SQL, {"new": schema, "template": TEMPLATE_SCHEMA})
        for table, current, wanted in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{schema}"."{table}" RENAME CONSTRAINT "{current}" TO "{wanted}"')


def template_pending_migrations() -> list[str]:
    """The migrations the template schema has not applied yet ("app.name"), all when it is missing."""
    if not schema_exists(TEMPLATE_SCHEMA):
        return ["(no template schema)"]
    connection.set_schema(TEMPLATE_SCHEMA, include_public=False)
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    finally:
        connection.set_schema_to_public()
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards]


def template_migrate(*, verbosity: int = 0) -> list[str]:
    """Create the template schema if missing and apply the migrations it lacks; returns them."""
    pending = template_pending_migrations()
    if pending:
        if not schema_exists(TEMPLATE_SCHEMA):
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"')
        call_command("migrate_schemas", tenant=True, schema_name=TEMPLATE_SCHEMA, executor="standard",
                     interactive=False, verbosity=verbosity)
        connection.set_schema_to_public()
    return pending


def schema_clone_from_template(*, schema: str, verbosity: int = 0) -> None:
    """Create ``schema`` as a copy of the (first brought up to date) template schema."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_LOCK_KEY])
    try:
        template_migrate(verbosity=verbosity)
        CloneSchema().clone_schema(TEMPLATE_SCHEMA, schema, "DATA")
        _restore_constraint_names(schema=schema)
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])
