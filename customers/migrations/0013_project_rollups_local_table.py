"""The customer roll-up trigger functions name their schema's tables through public.crm_local_table.

Same figures as 0006 on a single PostgreSQL; on a Citus worker the triggers fire on the shard and
read and write the colocated shards (crm/lib/citus.py says why).
"""

import importlib

from django.db import migrations

from crm.lib.citus import local_table_sql

OLD = importlib.import_module("customers.migrations.0006_project_rollups")
TABLES = ("customers_customer", "sales_phase", "sales_salesproject")  # %2$I, %3$I, %4$I


def _local(sql: str) -> str:
    for number, table in enumerate(TABLES, start=2):
        sql = sql.replace(f"%1$I.{table}", f"%1$I.%{number}$I")
    names = ", ".join(local_table_sql(table) for table in TABLES)
    new = sql.replace("$sql$, TG_TABLE_SCHEMA)", f"$sql$, TG_TABLE_SCHEMA, {names})")
    if "%1$I." in new.replace("%1$I.%", ""):
        raise RuntimeError("a roll-up trigger still names a table by the schema alone")
    return new


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name, delta in OLD.FUNCTIONS.items():
            cursor.execute(_local(OLD._function(name, delta)))


def uninstall(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name, delta in OLD.FUNCTIONS.items():
            cursor.execute(OLD._function(name, delta))


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0012_custom_fields"),
        ("crm", "0005_local_table"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
