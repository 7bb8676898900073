-- Every customer's open project count and open pipeline value set from a fresh aggregate of its
-- projects (open = the phase's outcome is open; value only from projects counting in pipeline),
-- writing only the rows that differ. Run with the projects and phases tables locked (SHARE), so
-- no write falls between the aggregate and the triggers taking over again.
UPDATE customers_customer c
   SET open_projects_count = coalesce(a.n, 0), pipeline_value = coalesce(a.v, 0)
  FROM customers_customer c2 LEFT JOIN (
        SELECT p.customer_id, count(*) AS n,
               coalesce(sum(p.volume) FILTER (WHERE p.counts_in_pipeline), 0) AS v
          FROM sales_salesproject p JOIN sales_phase ph ON ph.id = p.phase_id
         WHERE ph.outcome = 'open' GROUP BY p.customer_id) a ON a.customer_id = c2.id
 WHERE c.id = c2.id
   AND (c.open_projects_count, c.pipeline_value) IS DISTINCT FROM (coalesce(a.n, 0), coalesce(a.v, 0))
