"""The daily-count trigger function writes to the counts table of the schema its trigger fired in.

0003 pinned the function's search_path to the schema it was created in ("SET search_path FROM
CURRENT"). A tenant schema cloned from another one (tenants.template) copies the function with
that setting, so its activities were counted in the template's table and its own stayed empty.
The table is now named through TG_TABLE_SCHEMA, and every schema's counts are rebuilt once.
"""

from django.db import migrations

from crm.lib.sql import execute_script

FUNCTION = """
CREATE OR REPLACE FUNCTION activity_counts_apply() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $body$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    EXECUTE format($sql$
      INSERT INTO %I.activity_dailycount AS d (employee_id, day, kind, n)
      SELECT o.employee_id, (o.occurred_at AT TIME ZONE '{tz}')::date, o.kind, -count(*)
      FROM old_rows o WHERE o.employee_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (employee_id, day, kind) DO UPDATE SET n = d.n + EXCLUDED.n
    $sql$, TG_TABLE_SCHEMA);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    EXECUTE format($sql$
      INSERT INTO %I.activity_dailycount AS d (employee_id, day, kind, n)
      SELECT w.employee_id, (w.occurred_at AT TIME ZONE '{tz}')::date, w.kind, count(*)
      FROM new_rows w WHERE w.employee_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (employee_id, day, kind) DO UPDATE SET n = d.n + EXCLUDED.n
    $sql$, TG_TABLE_SCHEMA);
  END IF;
  RETURN NULL;
END
$body$;
"""
REBUILD = """
DELETE FROM activity_dailycount;
INSERT INTO activity_dailycount (employee_id, day, kind, n)
SELECT employee_id, (occurred_at AT TIME ZONE '{tz}')::date, kind, count(*)
FROM activity_activity WHERE employee_id IS NOT NULL GROUP BY 1, 2, 3;
"""


def time_zone() -> str:
    import importlib

    return importlib.import_module("activity.migrations.0003_daily_counts").time_zone()


def install(apps, schema_editor):
    tz = time_zone()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("LOCK TABLE activity_activity IN SHARE MODE")  # no writes while recounting
        cursor.execute(FUNCTION.format(tz=tz))
        execute_script(cursor, REBUILD.format(tz=tz))


def uninstall(apps, schema_editor):
    import importlib

    old = importlib.import_module("activity.migrations.0003_daily_counts")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(old.FUNCTION.format(tz=old.time_zone()))


class Migration(migrations.Migration):

    dependencies = [
        ("activity", "0003_daily_counts"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
