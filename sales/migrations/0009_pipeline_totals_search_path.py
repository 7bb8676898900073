from django.db import migrations

# The trigger functions of 0007 name their one table with TG_TABLE_SCHEMA; pinning their search
# path as well means nothing a session puts on its path (a same-named function or table) can be
# picked up inside them. The setting carries no schema name, so cloned schemas keep it as it is.
FUNCTIONS = ("sales_pipeline_totals_apply", "sales_pipeline_totals_insert", "sales_pipeline_totals_delete")


class Migration(migrations.Migration):

    dependencies = [
        ("sales", "0008_list_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[f"ALTER FUNCTION {name}() SET search_path = pg_catalog, pg_temp" for name in FUNCTIONS],
            reverse_sql=[f"ALTER FUNCTION {name}() RESET search_path" for name in FUNCTIONS],
        ),
    ]
