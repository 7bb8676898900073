-- Every project group's figures set from a fresh aggregate of its members (the same figures as
-- sales_group_figures() keeps), writing only the rows that differ. Run with the projects and
-- phases tables locked (SHARE), so no write falls between the aggregate and the triggers.
UPDATE sales_projectgroup g
   SET members_count = coalesce(a.n, 0), value_total = coalesce(a.v, 0),
       weighted_total = coalesce(a.w, 0), open_count = coalesce(a.o, 0),
       won_count = coalesce(a.won, 0), lost_count = coalesce(a.l, 0)
  FROM sales_projectgroup g2 LEFT JOIN (
        SELECT p.group_id, count(*) AS n,
               coalesce(sum(p.volume) FILTER (WHERE p.counts_in_pipeline), 0) AS v,
               coalesce(sum(p.volume * p.probability / 100)
                        FILTER (WHERE p.counts_in_pipeline), 0) AS w,
               count(*) FILTER (WHERE ph.outcome = 'open') AS o,
               count(*) FILTER (WHERE ph.outcome = 'won') AS won,
               count(*) FILTER (WHERE ph.outcome = 'lost') AS l
          FROM sales_salesproject p JOIN sales_phase ph ON ph.id = p.phase_id
         WHERE p.group_id IS NOT NULL GROUP BY p.group_id) a ON a.group_id = g2.id
 WHERE g.id = g2.id
   AND (g.members_count, g.value_total, g.weighted_total, g.open_count, g.won_count, g.lost_count)
       IS DISTINCT FROM (coalesce(a.n, 0), coalesce(a.v, 0), coalesce(a.w, 0), coalesce(a.o, 0),
                         coalesce(a.won, 0), coalesce(a.l, 0))
