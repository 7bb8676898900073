"""Fast bulk writes with PostgreSQL COPY, for the seeder and the CSV import.

Rows are dicts keyed by field attname; columns a row leaves out get the field's default, and
created_at / updated_at default to now. No model instances, no signals: callers send events.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone


def reserve_ids(model, n: int) -> list[int]:
    """``n`` fresh primary keys from the model's id sequence, so rows can reference each other before COPY."""
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
    defaults = {f.attname: (now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default())
                for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([row[name] if name in row else defaults[name] for name in names])
