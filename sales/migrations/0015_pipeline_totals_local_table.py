"""The running-total trigger functions write to their schema's table through public.crm_local_table.

Same totals as 0007/0009 on a single PostgreSQL; on a Citus worker the triggers fire on the shard
and write the colocated shard of sales_pipelinetotal (crm/lib/citus.py says why).
"""

import importlib

from django.db import migrations

from crm.lib.citus import local_sequence_sql, local_table_sql

OLD = importlib.import_module("sales.migrations.0007_pipeline_totals")
SEARCH_PATH = importlib.import_module("sales.migrations.0009_pipeline_totals_search_path")


def _local(sql: str) -> str:
    # A shard has no column defaults (Citus fills ids on the coordinator): the id is taken from
    # the table's own sequence explicitly, as the identity default would.
    new = (
        sql.replace("%I.sales_pipelinetotal", "%I.%I")
        .replace("(process_id, phase_id, owner_key, n, volume, volume_x_probability)\n",
                 "(id, process_id, phase_id, owner_key, n, volume, volume_x_probability)\n"
                 "  SELECT nextval(%L), * FROM (\n")
        .replace("   ORDER BY 1, 2, 3\n", "   ORDER BY 1, 2, 3) summed\n")
        .replace("$sql$, TG_TABLE_SCHEMA);",
                 f"$sql$, TG_TABLE_SCHEMA, {local_table_sql('sales_pipelinetotal')}, "
                 f"{local_sequence_sql('sales_pipelinetotal')});")
    )
    if not (new.count("crm_local_table") == 1 and new.count("nextval") == 1 and new.count(") summed") == 1):
        raise RuntimeError("the running-total trigger's SQL no longer has the shape this migration rewrites")
    return new


def _create(cursor, functions) -> None:
    for sql in functions:
        cursor.execute(sql)
    for name in SEARCH_PATH.FUNCTIONS:  # CREATE OR REPLACE resets it
        cursor.execute(f"ALTER FUNCTION {name}() SET search_path = pg_catalog, pg_temp")


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        _create(cursor, [_local(OLD.FUNCTION), _local(OLD.INSERT_FN), _local(OLD.DELETE_FN)])


def uninstall(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        _create(cursor, [OLD.FUNCTION, OLD.INSERT_FN, OLD.DELETE_FN])


class Migration(migrations.Migration):

    dependencies = [
        ("sales", "0014_custom_fields"),
        ("crm", "0005_local_table"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
