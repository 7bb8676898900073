# public.crm_table_stats(schema, table) for the long lists' estimated count (crm/lib/citus.py,
# customers.pagination): on a Citus cluster it reads the statistics of the worker's shard, not of
# the coordinator's empty shell table. Created once per database.

from django.db import migrations

from crm.lib.citus import table_stats_function_ensure


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        table_stats_function_ensure(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0007_team_cycle_guard"),
    ]

    operations = [
        migrations.RunPython(create, migrations.RunPython.noop, elidable=False),
    ]
