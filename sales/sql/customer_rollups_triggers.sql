-- The triggers of sales_customer_rollups() (customer_rollups_function.sql), one statement each.
CREATE TRIGGER sales_customer_rollups_insert AFTER INSERT ON sales_salesproject
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sales_customer_rollups('projects');
CREATE TRIGGER sales_customer_rollups_update AFTER UPDATE ON sales_salesproject
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sales_customer_rollups('projects');
CREATE TRIGGER sales_customer_rollups_delete AFTER DELETE ON sales_salesproject
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sales_customer_rollups('projects');
CREATE TRIGGER sales_customer_rollups_phase AFTER UPDATE ON sales_phase
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sales_customer_rollups('phases');
