"""The template schema new tenants are cloned from.

Running every migration in a new schema takes seconds; copying an already migrated schema takes a
fraction of that. ``_template`` is an ordinary tenant schema without a tenant row (no host reaches
it, no periodic task visits it, our schema names must start with a letter so no tenant can take
it). It is migrated on demand: before each clone, its applied migrations are compared with the
migrations on disk and any missing ones are run first, so a new tenant never gets a schema that
is behind (cloning and then faking migrations, as django-tenants does with
TENANT_CREATION_FAKES_MIGRATIONS, would mark a missed migration as applied without running it).

The clone (``schema_clone``) copies tables, columns with their defaults and identity sequences,
constraints and indexes under their migration names, foreign keys, functions, triggers, the rows
of the template (django_migrations, content types, permissions, built-in group types) and the
sequence positions. It reads the catalog by the template's namespace only, so its cost does not
grow with the number of tenants (django-tenants' clone_schema function reads information_schema
views that scan every schema's objects: at 50 tenants one clone already took several seconds).
A test compares a clone with a schema built by running every migration.
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_exists

from crm.lib.citus import database_is_citus

TEMPLATE_SCHEMA = "_template"
# One provisioning at a time touches the template (migrating it while another clones it would
# copy a half-migrated schema).
_LOCK_KEY = 0x63726D74  # "crmt"


def template_pending_migrations() -> list[str]:
    """The migrations the template schema has not applied yet ("app.name"), all when it is
    missing."""
    if not schema_exists(TEMPLATE_SCHEMA):
        return ["(no template schema)"]
    connection.set_schema(TEMPLATE_SCHEMA, include_public=False)
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    finally:
        connection.set_schema_to_public()
    return [
        f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards
    ]


def template_migrate(*, verbosity: int = 0) -> list[str]:
    """Create the template schema if missing and apply the migrations it lacks; returns them."""
    pending = template_pending_migrations()
    if pending:
        if not schema_exists(TEMPLATE_SCHEMA):
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"')
        call_command(
            "migrate_schemas",
            tenant=True,
            schema_name=TEMPLATE_SCHEMA,
            executor="standard",
            interactive=False,
            verbosity=verbosity,
        )
        connection.set_schema_to_public()
    return pending


def schema_clone_from_template(*, schema: str, verbosity: int = 0) -> None:
    """Create ``schema`` as a copy of the (first brought up to date) template schema."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_LOCK_KEY])
    try:
        template_migrate(verbosity=verbosity)
        schema_clone(source=TEMPLATE_SCHEMA, target=schema)
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def schema_clone(*, source: str, target: str) -> None:
    """Create schema ``target`` as a copy of ``source`` (structure, rows, sequence positions)."""
    src, dst = _q(source), _q(target)
    with connection.cursor() as cursor:
        # With the source first on the search path, the catalog prints its own objects unqualified,
        # so the same definitions create the clone's objects once the clone comes first.
        cursor.execute(f"SET search_path = {src}")
        cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [source])
        ns = cursor.fetchone()[0]
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = %s AND relkind = 'r' "
            "ORDER BY relname",
            [ns],
        )
        tables = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT c.relname, con.conname, pg_get_constraintdef(con.oid), con.contype "
            "FROM pg_constraint con "
            "JOIN pg_class c ON c.oid = con.conrelid WHERE c.relnamespace = %s "
            "AND con.contype IN ('p', 'u', 'x', 'f') "
            "ORDER BY con.contype = 'f', c.relname, con.conname",
            [ns],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c "
            "ON c.oid = i.indexrelid "
            "WHERE c.relnamespace = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint con "
            "WHERE con.conindid = i.indexrelid "
            "AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')) ORDER BY c.relname",
            [ns],
        )
        indexes = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = %s AND prokind = 'f'",
            [ns],
        )
        functions = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c "
            "ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = %s AND NOT t.tgisinternal",
            [ns],
        )
        triggers = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT c.relname, a.attname, pg_get_serial_sequence(format('%%I.%%I', %s::text, "
            "c.relname), a.attname) "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE c.relnamespace = %s AND c.relkind = 'r' AND a.attidentity <> '' "
            "AND NOT a.attisdropped",
            [source, ns],
        )
        identities = cursor.fetchall()

        prefix = f"{source}."
        statements = [f"CREATE SCHEMA {dst}", f"SET search_path = {dst}"]
        statements += [
            f"CREATE TABLE {_q(t)} (LIKE {src}.{_q(t)} INCLUDING DEFAULTS INCLUDING IDENTITY "
            f"INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)"
            for t in tables
        ]
        statements += [
            f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}"
            for table, name, definition, _kind in constraints
        ]
        # pg_get_indexdef always qualifies the table; functions are always printed qualified too.
        statements += [
            definition.replace(f" ON {prefix}", " ON ").replace(f" ON ONLY {prefix}", " ON ONLY ")
            for definition in indexes
        ]
        statements += [
            definition.replace(f"FUNCTION {prefix}", "FUNCTION ", 1) for definition in functions
        ]
        statements += [
            definition.replace(f" ON {prefix}", " ON ").replace(f"FUNCTION {prefix}", "FUNCTION ")
            for definition in triggers
        ]
        # Rows of every table (empty ones cost next to nothing), then the sequences where the
        # template's are. Identifiers come from the catalog and are quoted.
        statements += [
            f"INSERT INTO {_q(t)} OVERRIDING SYSTEM VALUE SELECT * FROM {src}.{_q(t)}"  # noqa: S608
            for t in tables
        ]
        statements += [
            f"SELECT setval(pg_get_serial_sequence('{dst}.{_q(table)}', '{column}'), "  # noqa: S608
            f"s.last_value, s.is_called) FROM {sequence} s"
            for table, column, sequence in identities
        ]
        try:
            with transaction.atomic():  # all or nothing
                if database_is_citus():
                    # Citus forwards no multi-command string to a worker: one statement each.
                    for statement in statements:
                        cursor.execute(statement)
                else:
                    cursor.execute(";\n".join(statements))  # one round trip
        finally:
            connection.set_schema_to_public()
