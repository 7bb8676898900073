"""Scripts are split into single statements for Citus (crm.lib.sql), without breaking bodies."""

from crm.lib.sql import sql_statements


def test_splits_at_top_level_semicolons_only():
    script = """
    CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      EXECUTE format($sql$ INSERT INTO %I.t VALUES (1); $sql$, TG_TABLE_SCHEMA);
      RETURN NULL;
    END
    $body$;
    -- a comment; with a semicolon
    INSERT INTO t (a) VALUES ('x;y'), ('it''s; fine');
    SELECT "odd;name" FROM t;
    """
    statements = sql_statements(script)
    assert len(statements) == 3
    assert statements[0].startswith("CREATE FUNCTION") and statements[0].endswith("$body$")
    assert statements[1].endswith("('it''s; fine')")
    assert statements[2] == 'SELECT "odd;name" FROM t'


def test_migration_trigger_scripts_split_into_their_statements():
    import importlib

    activity = importlib.import_module("activity.migrations.0003_daily_counts")
    sales = importlib.import_module("sales.migrations.0007_pipeline_totals")
    assert [s.split()[0:2] for s in sql_statements(activity.TRIGGERS)] == [
        ["CREATE", "TRIGGER"]
    ] * 3
    assert len(sql_statements(sales.DROP)) == 6


def test_the_customer_rollup_files_of_sales_split_into_single_statements():
    from sales.sql import sql_text

    function = sql_statements(sql_text("customer_rollups_function"))
    assert len(function) == 1 and function[0].endswith("$body$")
    triggers = sql_statements(sql_text("customer_rollups_triggers"))
    assert len(triggers) == 4
    for statement, op in zip(triggers, ("insert", "update", "delete", "phase"), strict=True):
        assert f"CREATE TRIGGER sales_customer_rollups_{op} AFTER" in statement
    assert len(sql_statements(sql_text("customer_rollups_fill"))) == 1
