"""The daily-count trigger function writes to its schema's table through public.crm_local_table.

Same counts as 0004 on a single PostgreSQL; on a Citus worker the trigger fires on the shard and
writes the colocated shard of activity_dailycount (crm/lib/citus.py says why).
"""

import importlib

from django.db import migrations

from activity.sql import sql_text, time_zone

OLD = importlib.import_module("activity.migrations.0004_daily_counts_schema_of_table")
# A shard has no column defaults (Citus fills ids on the coordinator): the id is taken from the
# table's own sequence explicitly, as the identity default would. The function is the current one,
# in activity/sql/, which activity_counts_rebuild installs too.
FUNCTION = sql_text("daily_counts_function")
if not FUNCTION.count("crm_local_table") == FUNCTION.count("nextval") == FUNCTION.count(") counted") == 2:
    raise RuntimeError("activity/sql/daily_counts_function.sql is not the function that writes through crm_local_table")


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FUNCTION.format(tz=time_zone()))


def uninstall(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(OLD.FUNCTION.format(tz=time_zone()))


class Migration(migrations.Migration):

    dependencies = [
        ("activity", "0006_daily_count_covering_index"),
        ("crm", "0005_local_table"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
