"""Fast bulk writes with PostgreSQL COPY, for the seeder and the CSV import.

Rows are dicts keyed by field attname; columns a row leaves out get the field's default, and
created_at / updated_at default to now. No model instances, no signals: callers send events.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb

from crm.lib.citus import database_is_citus


def reserve_ids(model, n: int) -> list[int]:
    """``n`` fresh primary keys from the model's id sequence, so rows can reference each other
    before COPY."""
    if n <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [connection.ops.quote_name(model._meta.db_table), n],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model, rows: list[dict]) -> None:
    """COPY the rows into the model's table (in the current schema and transaction)."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if f.attname in rows[0] or not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: (
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default()
        )
        for f in fields
    }
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    names = [f.attname for f in fields]
    json_names = {
        f.attname for f in fields if isinstance(f, models.JSONField)
    }  # e.g. custom fields
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                values = [row[name] if name in row else defaults[name] for name in names]
                copy.write_row(
                    [
                        Jsonb(v) if n in json_names and v is not None else v
                        for n, v in zip(names, values, strict=True)
                    ]
                )


@contextmanager
def indexes_rebuilt_after(*models):
    """Drop the tables' plain indexes for a large COPY and build them again afterwards (much faster
    than updating a trigram index row by row). Use inside a transaction: a failure keeps them."""
    if database_is_citus():
        # On a Citus worker the COPY's deferred foreign-key checks stay pending in the worker's
        # transaction (SET CONSTRAINTS is not forwarded), and an index cannot be built on a table
        # with pending trigger events: the rows go in with the indexes in place.
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid =
                  (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        # Deferred foreign-key checks must run before an index can be built on the table.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SET LOCAL maintenance_work_mem = '256MB'"
        )  # GIN builds are much faster with room
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
