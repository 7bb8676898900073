# The global search's trigram index (crm/lib/search.py) on the folded project titles and group names;
# nothing without pg_trgm (the search then reads the table).

from django.db import migrations

from crm.lib.search import fold_index_sql

INDEXES = {  # name: (table, expression)
    "project_title_fold_trgm": ("sales_salesproject", '"title"'),
    "group_name_fold_trgm": ("sales_projectgroup", '"name"'),
}


def create_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name, (table, expression) in INDEXES.items():
            for sql in fold_index_sql(table=table, name=name, expression=expression):
                cursor.execute(sql)


def drop_index(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("sales", "0012_list_sort_indexes"),
        ("crm", "0004_crm_fold"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
