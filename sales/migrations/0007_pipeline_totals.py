from crm.lib.sql import execute_script
from django.db import migrations, models

# Statement-level triggers with transition tables (like activity_dailycount): one GROUP BY per
# statement, so a bulk insert or a bulk move costs one small aggregate and a single move one or
# two tiny upserts, always in the writing transaction. Rows are upserted in key order so that
# concurrent writers lock them in the same order. The totals table is named by the schema of the
# table that fired (TG_TABLE_SCHEMA), not by a search path fixed at creation, so a schema cloned
# from another (tenants.template) writes its own totals.
FUNCTION = """
CREATE OR REPLACE FUNCTION sales_pipeline_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  EXECUTE format($sql$
  INSERT INTO %I.sales_pipelinetotal AS t (process_id, phase_id, owner_key, n, volume, volume_x_probability)
  SELECT process_id, phase_id, owner_key, sum(n), sum(volume), sum(volume_x_probability)
    FROM (
      SELECT o.process_id, o.phase_id, coalesce(o.owner_id, 0) AS owner_key, -1 AS n,
             CASE WHEN o.counts_in_pipeline THEN -o.volume ELSE 0 END AS volume,
             CASE WHEN o.counts_in_pipeline THEN -o.volume * o.probability ELSE 0 END AS volume_x_probability
        FROM old_rows o
      UNION ALL
      SELECT w.process_id, w.phase_id, coalesce(w.owner_id, 0), 1,
             CASE WHEN w.counts_in_pipeline THEN w.volume ELSE 0 END,
             CASE WHEN w.counts_in_pipeline THEN w.volume * w.probability ELSE 0 END
        FROM new_rows w
    ) delta
   GROUP BY 1, 2, 3
  HAVING sum(n) <> 0 OR sum(volume) <> 0 OR sum(volume_x_probability) <> 0
   ORDER BY 1, 2, 3
  ON CONFLICT (process_id, phase_id, owner_key) DO UPDATE
     SET n = t.n + EXCLUDED.n, volume = t.volume + EXCLUDED.volume,
         volume_x_probability = t.volume_x_probability + EXCLUDED.volume_x_probability
  $sql$, TG_TABLE_SCHEMA);
  RETURN NULL;
END
$body$;
"""
# old_rows/new_rows must exist in every statement that names them: one function per operation.
INSERT_FN = FUNCTION.replace("sales_pipeline_totals_apply", "sales_pipeline_totals_insert").replace(
    "FROM old_rows o", "FROM new_rows o WHERE FALSE")
DELETE_FN = FUNCTION.replace("sales_pipeline_totals_apply", "sales_pipeline_totals_delete").replace(
    "FROM new_rows w", "FROM old_rows w WHERE FALSE")
TRIGGERS = """
CREATE TRIGGER sales_pipeline_totals_insert AFTER INSERT ON sales_salesproject
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sales_pipeline_totals_insert();
CREATE TRIGGER sales_pipeline_totals_update AFTER UPDATE ON sales_salesproject
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sales_pipeline_totals_apply();
CREATE TRIGGER sales_pipeline_totals_delete AFTER DELETE ON sales_salesproject
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sales_pipeline_totals_delete();
"""
FILL = """
INSERT INTO sales_pipelinetotal (process_id, phase_id, owner_key, n, volume, volume_x_probability)
SELECT process_id, phase_id, coalesce(owner_id, 0), count(*),
       coalesce(sum(volume) FILTER (WHERE counts_in_pipeline), 0),
       coalesce(sum(volume * probability) FILTER (WHERE counts_in_pipeline), 0)
  FROM sales_salesproject GROUP BY 1, 2, 3;
"""
DROP = """
DROP TRIGGER IF EXISTS sales_pipeline_totals_insert ON sales_salesproject;
DROP TRIGGER IF EXISTS sales_pipeline_totals_update ON sales_salesproject;
DROP TRIGGER IF EXISTS sales_pipeline_totals_delete ON sales_salesproject;
DROP FUNCTION IF EXISTS sales_pipeline_totals_apply();
DROP FUNCTION IF EXISTS sales_pipeline_totals_insert();
DROP FUNCTION IF EXISTS sales_pipeline_totals_delete();
"""


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        cursor.execute(INSERT_FN)
        cursor.execute(DELETE_FN)
        execute_script(cursor, TRIGGERS)
        cursor.execute(FILL)


def uninstall(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        execute_script(cursor, DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("sales", "0006_builtin_group_types"),
    ]

    operations = [
        migrations.CreateModel(
            name="PipelineTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("owner_key", models.IntegerField()),
                ("n", models.BigIntegerField(default=0)),
                ("volume", models.DecimalField(decimal_places=2, default=0, max_digits=24)),
                ("volume_x_probability", models.DecimalField(decimal_places=2, default=0, max_digits=28)),
                ("phase", models.ForeignKey(db_constraint=False, on_delete=models.deletion.DO_NOTHING,
                                            related_name="+", to="sales.phase")),
                ("process", models.ForeignKey(db_constraint=False, on_delete=models.deletion.DO_NOTHING,
                                              related_name="+", to="sales.process")),
            ],
            options={
                "verbose_name": "pipeline total",
                "verbose_name_plural": "pipeline totals",
                "constraints": [models.UniqueConstraint(fields=("process", "phase", "owner_key"),
                                                        name="pipelinetotal_key")],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
