"""Each customer's open project count and open pipeline value, stored on the customer row.

The overview sorted and filtered by these two figures aggregated all projects of the tenant on
every request (about 1.1 s for 250,000 projects). Statement-level triggers on the projects table
(with transition tables, like sales 0007 and activity 0003) now add the change of each statement
to the customers it touched: one grouped UPDATE per statement, in the writing transaction.

They add deltas rather than recounting the customers: under READ COMMITTED a recount cannot see a
concurrent transaction's uncommitted projects and would overwrite its correction, whereas a delta
is added to the newest row version. The affected customers are locked in id order first, so
two bulk writes lock them in the same order. A phase whose outcome changes ("open" <-> won/lost)
moves its projects in or out of the figures through a trigger on the phases table.

Tables are named through TG_TABLE_SCHEMA (never a fixed schema, see activity 0004), and the
functions run with a pinned search path, so a schema cloned from the template writes its own rows.
"""

from django.conf import settings
from crm.lib.sql import execute_script
from django.db import migrations, models

# The change a statement makes, per customer: (customer_id, n, v) rows of open projects, counted
# negatively for the old rows. {old} and {new} are the transition tables' names, or empty sets.
DELTA = """
SELECT customer_id, sum(n) AS n, sum(v) AS v FROM (
  SELECT o.customer_id, -1 AS n, CASE WHEN o.counts_in_pipeline THEN -o.volume ELSE 0 END AS v
    FROM {old} o JOIN %1$I.sales_phase ph ON ph.id = o.phase_id WHERE ph.outcome = 'open'
  UNION ALL
  SELECT w.customer_id, 1, CASE WHEN w.counts_in_pipeline THEN w.volume ELSE 0 END
    FROM {new} w JOIN %1$I.sales_phase ph ON ph.id = w.phase_id WHERE ph.outcome = 'open'
) delta GROUP BY customer_id HAVING sum(n) <> 0 OR sum(v) <> 0
"""
# Projects of phases whose outcome switched between open and closed: +1/+volume into the figures
# when the phase became open, -1/-volume when it closed.
PHASE_DELTA = """
SELECT p.customer_id, sum(s.sign) AS n,
       coalesce(sum(s.sign * p.volume) FILTER (WHERE p.counts_in_pipeline), 0) AS v
  FROM (SELECT w.id, CASE WHEN w.outcome = 'open' THEN 1 ELSE -1 END AS sign
          FROM old_phases o JOIN new_phases w ON w.id = o.id
         WHERE (o.outcome = 'open') <> (w.outcome = 'open')) s
  JOIN %1$I.sales_salesproject p ON p.phase_id = s.id
 GROUP BY p.customer_id HAVING sum(s.sign) <> 0
"""
APPLY = """
EXECUTE format($sql$
  SELECT count(*) FROM (SELECT 1 FROM %1$I.customers_customer c
   WHERE c.id IN (SELECT customer_id FROM ({delta}) d) ORDER BY c.id FOR NO KEY UPDATE) locked
$sql$, TG_TABLE_SCHEMA) INTO locked;
IF locked > 0 THEN
  EXECUTE format($sql$
    UPDATE %1$I.customers_customer c
       SET open_projects_count = c.open_projects_count + d.n, pipeline_value = c.pipeline_value + d.v
      FROM ({delta}) d WHERE c.id = d.customer_id
  $sql$, TG_TABLE_SCHEMA);
END IF;
"""
FUNCTION = """
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  locked bigint;
BEGIN
{apply}
  RETURN NULL;
END
$body$;
"""
# old_rows/new_rows exist only for the operations that have them: one function per operation.
EMPTY = "(SELECT * FROM {table} WHERE FALSE)"


def _function(name: str, delta: str) -> str:
    return FUNCTION.format(name=name, apply=APPLY.format(delta=delta))


FUNCTIONS = {
    "customers_rollups_insert": DELTA.format(old=EMPTY.format(table="new_rows"), new="new_rows"),
    "customers_rollups_update": DELTA.format(old="old_rows", new="new_rows"),
    "customers_rollups_delete": DELTA.format(old="old_rows", new=EMPTY.format(table="old_rows")),
    "customers_rollups_phase": PHASE_DELTA,
}
TRIGGERS = """
CREATE TRIGGER customers_rollups_insert AFTER INSERT ON sales_salesproject
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customers_rollups_insert();
CREATE TRIGGER customers_rollups_update AFTER UPDATE ON sales_salesproject
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customers_rollups_update();
CREATE TRIGGER customers_rollups_delete AFTER DELETE ON sales_salesproject
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION customers_rollups_delete();
CREATE TRIGGER customers_rollups_phase AFTER UPDATE ON sales_phase
  REFERENCING OLD TABLE AS old_phases NEW TABLE AS new_phases FOR EACH STATEMENT EXECUTE FUNCTION customers_rollups_phase();
"""
FILL = """
UPDATE customers_customer c SET open_projects_count = a.n, pipeline_value = a.v
  FROM (SELECT p.customer_id, count(*) AS n, coalesce(sum(p.volume) FILTER (WHERE p.counts_in_pipeline), 0) AS v
          FROM sales_salesproject p JOIN sales_phase ph ON ph.id = p.phase_id
         WHERE ph.outcome = 'open' GROUP BY p.customer_id) a
 WHERE c.id = a.customer_id;
"""
DROP = """
DROP TRIGGER IF EXISTS customers_rollups_insert ON sales_salesproject;
DROP TRIGGER IF EXISTS customers_rollups_update ON sales_salesproject;
DROP TRIGGER IF EXISTS customers_rollups_delete ON sales_salesproject;
DROP TRIGGER IF EXISTS customers_rollups_phase ON sales_phase;
DROP FUNCTION IF EXISTS customers_rollups_insert();
DROP FUNCTION IF EXISTS customers_rollups_update();
DROP FUNCTION IF EXISTS customers_rollups_delete();
DROP FUNCTION IF EXISTS customers_rollups_phase();
"""


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        # No project or phase writes between the fill and the triggers taking over.
        cursor.execute("LOCK TABLE sales_salesproject, sales_phase IN SHARE MODE")
        for name, delta in FUNCTIONS.items():
            cursor.execute(_function(name, delta))
        execute_script(cursor, TRIGGERS)
        cursor.execute(FILL)


def uninstall(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        execute_script(cursor, DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0005_city_sort_index"),
        ("sales", "0009_pipeline_totals_search_path"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="open_projects_count",
            field=models.IntegerField(db_default=0, default=0, editable=False, verbose_name="open projects"),
        ),
        migrations.AddField(
            model_name="customer",
            name="pipeline_value",
            field=models.DecimalField(db_default=0, decimal_places=2, default=0, editable=False, max_digits=20,
                                      verbose_name="open pipeline"),
        ),
        migrations.RunPython(install, uninstall),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["open_projects_count", "name", "id"], name="customer_open_projects_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["pipeline_value", "name", "id"], name="customer_pipeline_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(condition=models.Q(("open_projects_count__gt", 0)), fields=["name", "id"],
                               name="customer_with_open_name_idx"),
        ),
    ]
