# public.crm_local_table(schema, table) for the stored-figure triggers (crm/lib/citus.py): on a
# Citus worker they write to the shard of their own schema's table. Created once per database.

from django.db import migrations

from crm.lib.citus import local_table_function_ensure


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        local_table_function_ensure(cursor)


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0004_crm_fold"),
    ]

    operations = [
        migrations.RunPython(create, migrations.RunPython.noop, elidable=False),
    ]
