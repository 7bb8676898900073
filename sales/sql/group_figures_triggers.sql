-- The triggers of sales_group_figures() (group_figures_function.sql), one statement each.
CREATE TRIGGER sales_group_figures_insert AFTER INSERT ON sales_salesproject
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sales_group_figures('projects');
CREATE TRIGGER sales_group_figures_update AFTER UPDATE ON sales_salesproject
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sales_group_figures('projects');
CREATE TRIGGER sales_group_figures_delete AFTER DELETE ON sales_salesproject
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sales_group_figures('projects');
CREATE TRIGGER sales_group_figures_phase AFTER UPDATE ON sales_phase
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sales_group_figures('phases');
