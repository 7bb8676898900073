# A database guard against team cycles (a team under itself or under one of its own sub-teams), for
# writes that bypass the model and the service: the admin and the service refuse them with a
# message first (crm.selectors.team_parent_makes_cycle). The walk up is bounded, so even a cycle
# written before this guard cannot make it loop.

from django.db import migrations

from crm.lib.sql import sql_statements

FORWARD = r"""
CREATE OR REPLACE FUNCTION crm_team_no_cycle() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  makes_cycle boolean;
BEGIN
  IF NEW.parent_id IS NULL THEN
    RETURN NEW;
  END IF;
  EXECUTE format(
    'WITH RECURSIVE up(id, parent_id, depth) AS ('
    '  SELECT id, parent_id, 1 FROM %1$I.crm_team WHERE id = $1'
    '  UNION ALL SELECT t.id, t.parent_id, up.depth + 1 FROM %1$I.crm_team t JOIN up ON t.id = up.parent_id'
    '  WHERE up.depth < 10000)'
    ' SELECT EXISTS (SELECT 1 FROM up WHERE id = $2)', TG_TABLE_SCHEMA)
    INTO makes_cycle USING NEW.parent_id, NEW.id;
  IF makes_cycle OR NEW.parent_id = NEW.id THEN
    RAISE EXCEPTION 'team % cannot sit under team %: that would make a cycle', NEW.id, NEW.parent_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'crm_team_no_cycle';
  END IF;
  RETURN NEW;
END
$body$;
DROP TRIGGER IF EXISTS crm_team_no_cycle ON crm_team;
CREATE TRIGGER crm_team_no_cycle BEFORE INSERT OR UPDATE OF parent_id ON crm_team
  FOR EACH ROW EXECUTE FUNCTION crm_team_no_cycle();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS crm_team_no_cycle ON crm_team;
DROP FUNCTION IF EXISTS crm_team_no_cycle();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0006_user_after_create"),
    ]

    operations = [
        # one statement per execute: Citus cannot forward a multi-command string to a worker
        migrations.RunSQL(sql_statements(FORWARD), sql_statements(BACKWARD), elidable=False),
    ]
