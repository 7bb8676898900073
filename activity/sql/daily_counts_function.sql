
CREATE OR REPLACE FUNCTION activity_counts_apply() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $body$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    EXECUTE format($sql$
      INSERT INTO %I.%I AS d (id, employee_id, day, kind, n)
      SELECT nextval(%L), * FROM (
      SELECT o.employee_id, (o.occurred_at AT TIME ZONE '{tz}')::date, o.kind, -count(*)
      FROM old_rows o WHERE o.employee_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3) counted
      ON CONFLICT (employee_id, day, kind) DO UPDATE SET n = d.n + EXCLUDED.n
    $sql$, TG_TABLE_SCHEMA, public.crm_local_table(TG_TABLE_SCHEMA, 'activity_dailycount'), pg_get_serial_sequence(format('%I.%I', TG_TABLE_SCHEMA, 'activity_dailycount'), 'id'));
  END IF;
  IF TG_OP <> 'DELETE' THEN
    EXECUTE format($sql$
      INSERT INTO %I.%I AS d (id, employee_id, day, kind, n)
      SELECT nextval(%L), * FROM (
      SELECT w.employee_id, (w.occurred_at AT TIME ZONE '{tz}')::date, w.kind, count(*)
      FROM new_rows w WHERE w.employee_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3) counted
      ON CONFLICT (employee_id, day, kind) DO UPDATE SET n = d.n + EXCLUDED.n
    $sql$, TG_TABLE_SCHEMA, public.crm_local_table(TG_TABLE_SCHEMA, 'activity_dailycount'), pg_get_serial_sequence(format('%I.%I', TG_TABLE_SCHEMA, 'activity_dailycount'), 'id'));
  END IF;
  RETURN NULL;
END
$body$;
