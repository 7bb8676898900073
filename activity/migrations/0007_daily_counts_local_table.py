"""The daily-count trigger function writes to its schema's table through public.crm_local_table.

Same counts as 0004 on a single PostgreSQL; on a Citus worker the trigger fires on the shard and
writes the colocated shard of activity_dailycount (crm/lib/citus.py says why).
"""

import importlib

from django.db import migrations

from crm.lib.citus import local_sequence_sql, local_table_sql

OLD = importlib.import_module("activity.migrations.0004_daily_counts_schema_of_table")
# A shard has no column defaults (Citus fills ids on the coordinator): the id is taken from the
# table's own sequence explicitly, as the identity default would.
FUNCTION = (
    OLD.FUNCTION.replace("%I.activity_dailycount", "%I.%I")
    .replace("(employee_id, day, kind, n)\n", "(id, employee_id, day, kind, n)\n      SELECT nextval(%L), * FROM (\n")
    .replace("ORDER BY 1, 2, 3\n", "ORDER BY 1, 2, 3) counted\n")
    .replace("$sql$, TG_TABLE_SCHEMA);",
             f"$sql$, TG_TABLE_SCHEMA, {local_table_sql('activity_dailycount')}, {local_sequence_sql('activity_dailycount')});")
)
assert FUNCTION.count("crm_local_table") == 2 and FUNCTION.count("nextval") == 2 and FUNCTION.count(") counted") == 2


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FUNCTION.format(tz=OLD.time_zone()))


def uninstall(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(OLD.FUNCTION.format(tz=OLD.time_zone()))


class Migration(migrations.Migration):

    dependencies = [
        ("activity", "0006_daily_count_covering_index"),
        ("crm", "0005_local_table"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
