"""Stored figures of every project group (issue 17): the group list sorted or filtered by members,
value, weighted value or status aggregated every member of the tenant on each request. The six
columns are kept by statement triggers on sales' own tables (the SQL in sales/sql/group_figures_*,
which sales.services.group_figures_rebuild reads too) and filled here from a fresh aggregate.
Each statement is sent on its own (crm/lib/sql.py).
"""

from django.db import migrations, models

from crm.lib.sql import execute_script
from sales.sql import sql_text

TRIGGERS = {
    "sales_group_figures_insert": "sales_salesproject",
    "sales_group_figures_update": "sales_salesproject",
    "sales_group_figures_delete": "sales_salesproject",
    "sales_group_figures_phase": "sales_phase",
}
FUNCTION = sql_text("group_figures_function")
if "FUNCTION sales_group_figures()" not in FUNCTION:
    raise RuntimeError("sales/sql/group_figures_function.sql is not the function this migration installs")


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("LOCK TABLE sales_salesproject, sales_phase IN SHARE MODE")
        execute_script(cursor, FUNCTION)
        execute_script(cursor, sql_text("group_figures_triggers"))
        cursor.execute(sql_text("group_figures_fill"))


def uninstall(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name, table in TRIGGERS.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        cursor.execute("DROP FUNCTION IF EXISTS sales_group_figures()")



class Migration(migrations.Migration):

    dependencies = [
        ('sales', '0019_readable_constraints'),
    ]

    operations = [
        migrations.AddField(
            model_name='projectgroup',
            name='lost_count',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='lost members'),
        ),
        migrations.AddField(
            model_name='projectgroup',
            name='members_count',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='members'),
        ),
        migrations.AddField(
            model_name='projectgroup',
            name='open_count',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='open members'),
        ),
        migrations.AddField(
            model_name='projectgroup',
            name='value_total',
            field=models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=18, verbose_name='value'),
        ),
        migrations.AddField(
            model_name='projectgroup',
            name='weighted_total',
            field=models.DecimalField(decimal_places=4, default=0, editable=False, max_digits=20, verbose_name='weighted value'),
        ),
        migrations.AddField(
            model_name='projectgroup',
            name='won_count',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='won members'),
        ),
        migrations.RunPython(install, uninstall),
    ]
