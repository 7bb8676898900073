-- Each customer's open project count and open pipeline value (customers_customer's
-- open_projects_count and pipeline_value), derived from the sales projects and kept by sales:
-- statement-level triggers on sales_salesproject and sales_phase (customer_rollups_triggers.sql)
-- add the change of each statement to the customers it touched, in the writing transaction.
--
-- Deltas, never a recount: under READ COMMITTED a recount cannot see a concurrent transaction's
-- uncommitted projects and would overwrite its correction, whereas a delta is added to the newest
-- row version. The affected customers are locked in id order first, so two bulk writes lock them
-- in the same order (and the sales services lock customers before projects for the same reason).
--
-- TG_ARGV[0] says which table fired: 'projects' (old_rows/new_rows are project rows; only the
-- operations that have them exist, so INSERT reads an empty old set and DELETE an empty new set)
-- or 'phases' (the projects of phases whose outcome switched between open and closed move in or
-- out of the figures). Tables are named through TG_TABLE_SCHEMA and public.crm_local_table (the
-- colocated shard on a Citus worker, crm/lib/citus.py), never a fixed schema, and the search path
-- is pinned, so every tenant's trigger writes only its own schema.
CREATE OR REPLACE FUNCTION sales_customer_rollups() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  customers text := public.crm_local_table(TG_TABLE_SCHEMA, 'customers_customer');
  delta text;
  locked bigint;
BEGIN
  IF TG_ARGV[0] = 'phases' THEN
    delta := format($sql$
      SELECT p.customer_id, sum(s.sign) AS n,
             coalesce(sum(s.sign * p.volume) FILTER (WHERE p.counts_in_pipeline), 0) AS v
        FROM (SELECT w.id, CASE WHEN w.outcome = 'open' THEN 1 ELSE -1 END AS sign
                FROM old_rows o JOIN new_rows w ON w.id = o.id
               WHERE (o.outcome = 'open') <> (w.outcome = 'open')) s
        JOIN %1$I.%2$I p ON p.phase_id = s.id
       GROUP BY p.customer_id HAVING sum(s.sign) <> 0
    $sql$, TG_TABLE_SCHEMA, public.crm_local_table(TG_TABLE_SCHEMA, 'sales_salesproject'));
  ELSE
    delta := format($sql$
      SELECT customer_id, sum(n) AS n, sum(v) AS v FROM (
        SELECT o.customer_id, -1 AS n, CASE WHEN o.counts_in_pipeline THEN -o.volume ELSE 0 END AS v
          FROM %3$s o JOIN %1$I.%2$I ph ON ph.id = o.phase_id WHERE ph.outcome = 'open'
        UNION ALL
        SELECT w.customer_id, 1, CASE WHEN w.counts_in_pipeline THEN w.volume ELSE 0 END
          FROM %4$s w JOIN %1$I.%2$I ph ON ph.id = w.phase_id WHERE ph.outcome = 'open'
      ) delta GROUP BY customer_id HAVING sum(n) <> 0 OR sum(v) <> 0
    $sql$, TG_TABLE_SCHEMA, public.crm_local_table(TG_TABLE_SCHEMA, 'sales_phase'),
      CASE WHEN TG_OP = 'INSERT' THEN '(SELECT * FROM new_rows WHERE FALSE)' ELSE 'old_rows' END,
      CASE WHEN TG_OP = 'DELETE' THEN '(SELECT * FROM old_rows WHERE FALSE)' ELSE 'new_rows' END);
  END IF;
  EXECUTE format($sql$
    SELECT count(*) FROM (SELECT 1 FROM %1$I.%2$I c
     WHERE c.id IN (SELECT customer_id FROM (%3$s) d) ORDER BY c.id FOR NO KEY UPDATE) locked
  $sql$, TG_TABLE_SCHEMA, customers, delta) INTO locked;
  IF locked > 0 THEN
    EXECUTE format($sql$
      UPDATE %1$I.%2$I c
         SET open_projects_count = c.open_projects_count + d.n, pipeline_value = c.pipeline_value + d.v
        FROM (%3$s) d WHERE c.id = d.customer_id
    $sql$, TG_TABLE_SCHEMA, customers, delta);
  END IF;
  RETURN NULL;
END
$body$
