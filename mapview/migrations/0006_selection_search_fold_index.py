# The global search's trigram index (crm/lib/search.py) on public.crm_fold("name") of mapview_selection;
# nothing without pg_trgm (the search then reads the table).

from django.db import migrations

from crm.lib.search import fold_index_sql

INDEX = "selection_name_fold_trgm"


def create_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for sql in fold_index_sql(table="mapview_selection", name=INDEX, expression='"name"'):
            cursor.execute(sql)


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("mapview", "0005_name_collation"),
        ("crm", "0004_crm_fold"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
