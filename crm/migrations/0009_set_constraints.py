# public.crm_set_constraints(immediate) (crm/lib/citus.py): SET CONSTRAINTS also in the worker's part
# of a transaction on a Citus cluster. Created once per database.

from django.db import migrations

from crm.lib.citus import set_constraints_function_ensure


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        set_constraints_function_ensure(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0008_table_stats"),
    ]

    operations = [
        migrations.RunPython(create, migrations.RunPython.noop, elidable=False),
    ]
