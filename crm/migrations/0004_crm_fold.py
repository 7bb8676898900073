# public.crm_fold(text): the IMMUTABLE folding the global search indexes and matches with
# (crm/lib/textfold.py). Created once per database; public is on every tenant's search_path.

from django.db import migrations

from crm.lib.textfold import FOLD_FUNCTION_SQL


def create_fold(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                       " WHERE n.nspname = 'public' AND p.proname = 'crm_fold'")
        if cursor.fetchone() is None:  # never replaced under the indexes built on it
            cursor.execute(FOLD_FUNCTION_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0003_language"),
    ]

    operations = [
        migrations.RunPython(create_fold, migrations.RunPython.noop, elidable=False),
    ]
