"""The customers' roll-up of open projects (open_projects_count, pipeline_value) is owned by sales.

customers 0006/0013 put the triggers that keep these two figures on sales' own tables; the figures
are derived from sales projects, so sales owns them: this drops the customers-owned triggers and
functions and installs one sales function with the same figures (its SQL in sales/sql/, which
sales.services.customer_rollups_rebuild reads too), then fills every customer from a fresh
aggregate. Each statement is sent on its own (crm/lib/sql.py).
"""

import importlib

from django.db import migrations

from crm.lib.sql import execute_script
from sales.sql import sql_text

OLD_TRIGGERS = {
    "customers_rollups_insert": "sales_salesproject",
    "customers_rollups_update": "sales_salesproject",
    "customers_rollups_delete": "sales_salesproject",
    "customers_rollups_phase": "sales_phase",
}
NEW_TRIGGERS = {
    "sales_customer_rollups_insert": "sales_salesproject",
    "sales_customer_rollups_update": "sales_salesproject",
    "sales_customer_rollups_delete": "sales_salesproject",
    "sales_customer_rollups_phase": "sales_phase",
}
FUNCTION = sql_text("customer_rollups_function")
if "FUNCTION sales_customer_rollups()" not in FUNCTION:
    raise RuntimeError("sales/sql/customer_rollups_function.sql is not the roll-up this migration installs")


def _drop(cursor, triggers: dict[str, str], functions: list[str]) -> None:
    for name, table in triggers.items():
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for name in functions:
        cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("LOCK TABLE sales_salesproject, sales_phase IN SHARE MODE")
        _drop(cursor, OLD_TRIGGERS, list(OLD_TRIGGERS))
        execute_script(cursor, FUNCTION)
        execute_script(cursor, sql_text("customer_rollups_triggers"))
        cursor.execute(sql_text("customer_rollups_fill"))


def uninstall(apps, schema_editor):
    # Back to the customers-owned functions and triggers of customers 0013/0006.
    old = importlib.import_module("customers.migrations.0006_project_rollups")
    local = importlib.import_module("customers.migrations.0013_project_rollups_local_table")
    with schema_editor.connection.cursor() as cursor:
        _drop(cursor, NEW_TRIGGERS, ["sales_customer_rollups"])
        for name, delta in old.FUNCTIONS.items():
            cursor.execute(local._local(old._function(name, delta)))
        execute_script(cursor, old.TRIGGERS)


class Migration(migrations.Migration):

    dependencies = [
        ("sales", "0016_verbose_names"),
        ("customers", "0014_verbose_names"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
