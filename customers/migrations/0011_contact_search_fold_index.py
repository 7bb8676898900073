# The global search's trigram index (crm/lib/search.py) on the contact person's folded full name;
# nothing without pg_trgm (the search then reads the table).

from django.db import migrations

from crm.lib.search import fold_index_sql

INDEX = "contact_name_fold_trgm"
EXPRESSION = "\"first_name\" || ' ' || \"last_name\""


def create_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for sql in fold_index_sql(table="customers_contactperson", name=INDEX, expression=EXPRESSION):
            cursor.execute(sql)


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0010_search_fold_index"),
        ("crm", "0004_crm_fold"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
