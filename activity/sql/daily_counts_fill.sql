INSERT INTO activity_dailycount (employee_id, day, kind, n)
SELECT employee_id, (occurred_at AT TIME ZONE '{tz}')::date, kind, count(*)
FROM activity_activity WHERE employee_id IS NOT NULL GROUP BY 1, 2, 3;
