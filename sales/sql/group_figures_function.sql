-- Each project group's figures (sales_projectgroup's members_count, value_total, weighted_total,
-- open_count, won_count, lost_count), kept by statement-level triggers on sales_salesproject and
-- sales_phase (group_figures_triggers.sql) in the writing transaction, so that the group list
-- sorts and filters by them without aggregating every member of the tenant (issue 17).
--
-- The same figures as sales.selectors.rollup_aggregates over a group's members: every member is
-- counted, only members with counts_in_pipeline add their volume and weighted volume
-- (volume * probability / 100, sales.selectors.weighted_expression), and the members are counted
-- per outcome of their phase. Deltas, never a recount (see customer_rollups_function.sql: a
-- recount under READ COMMITTED cannot see a concurrent transaction's uncommitted members); the
-- groups are locked in id order first, and the sales services lock a project's group before its
-- customer and the project (sales.services.locking), the one order every writer shares.
--
-- TG_ARGV[0]: 'projects' (old_rows/new_rows are project rows; INSERT reads an empty old set and
-- DELETE an empty new set) or 'phases' (the members in phases whose outcome changed move from one
-- outcome's count to the other's). Tables are named through TG_TABLE_SCHEMA and
-- public.crm_local_table, the search path is pinned: every tenant's trigger writes its own schema.
CREATE OR REPLACE FUNCTION sales_group_figures() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  groups text := public.crm_local_table(TG_TABLE_SCHEMA, 'sales_projectgroup');
  delta text;
  locked bigint;
BEGIN
  IF TG_ARGV[0] = 'phases' THEN
    delta := format($sql$
      SELECT p.group_id, 0 AS n, 0 AS v, 0 AS w,
             sum((s.new_outcome = 'open')::int - (s.old_outcome = 'open')::int) AS o,
             sum((s.new_outcome = 'won')::int - (s.old_outcome = 'won')::int) AS won,
             sum((s.new_outcome = 'lost')::int - (s.old_outcome = 'lost')::int) AS l
        FROM (SELECT w.id, o.outcome AS old_outcome, w.outcome AS new_outcome
                FROM old_rows o JOIN new_rows w ON w.id = o.id
               WHERE o.outcome IS DISTINCT FROM w.outcome) s
        JOIN %1$I.%2$I p ON p.phase_id = s.id
       WHERE p.group_id IS NOT NULL
       GROUP BY p.group_id
    $sql$, TG_TABLE_SCHEMA, public.crm_local_table(TG_TABLE_SCHEMA, 'sales_salesproject'));
  ELSE
    delta := format($sql$
      SELECT group_id, sum(n) AS n, sum(v) AS v, sum(w) AS w,
             sum(o) AS o, sum(won) AS won, sum(l) AS l FROM (
        SELECT r.group_id, -1 AS n,
               CASE WHEN r.counts_in_pipeline THEN -r.volume ELSE 0 END AS v,
               CASE WHEN r.counts_in_pipeline THEN -(r.volume * r.probability / 100) ELSE 0 END AS w,
               -(ph.outcome = 'open')::int AS o, -(ph.outcome = 'won')::int AS won,
               -(ph.outcome = 'lost')::int AS l
          FROM %3$s r JOIN %1$I.%2$I ph ON ph.id = r.phase_id WHERE r.group_id IS NOT NULL
        UNION ALL
        SELECT r.group_id, 1,
               CASE WHEN r.counts_in_pipeline THEN r.volume ELSE 0 END,
               CASE WHEN r.counts_in_pipeline THEN r.volume * r.probability / 100 ELSE 0 END,
               (ph.outcome = 'open')::int, (ph.outcome = 'won')::int, (ph.outcome = 'lost')::int
          FROM %4$s r JOIN %1$I.%2$I ph ON ph.id = r.phase_id WHERE r.group_id IS NOT NULL
      ) delta GROUP BY group_id
    $sql$, TG_TABLE_SCHEMA, public.crm_local_table(TG_TABLE_SCHEMA, 'sales_phase'),
      CASE WHEN TG_OP = 'INSERT' THEN '(SELECT * FROM new_rows WHERE FALSE)' ELSE 'old_rows' END,
      CASE WHEN TG_OP = 'DELETE' THEN '(SELECT * FROM old_rows WHERE FALSE)' ELSE 'new_rows' END);
  END IF;
  delta := 'SELECT * FROM (' || delta || ') d0 WHERE (n, v, w, o, won, l) <> (0, 0, 0, 0, 0, 0)';
  EXECUTE format($sql$
    SELECT count(*) FROM (SELECT 1 FROM %1$I.%2$I g
     WHERE g.id IN (SELECT group_id FROM (%3$s) d) ORDER BY g.id FOR NO KEY UPDATE) locked
  $sql$, TG_TABLE_SCHEMA, groups, delta) INTO locked;
  IF locked > 0 THEN
    EXECUTE format($sql$
      UPDATE %1$I.%2$I g
         SET members_count = g.members_count + d.n, value_total = g.value_total + d.v,
             weighted_total = g.weighted_total + d.w, open_count = g.open_count + d.o,
             won_count = g.won_count + d.won, lost_count = g.lost_count + d.l
        FROM (%3$s) d WHERE g.id = d.group_id
    $sql$, TG_TABLE_SCHEMA, groups, delta);
  END IF;
  RETURN NULL;
END
$body$
