# The German name collation (crm/lib/collation.py) and the crm name columns sorted by it.

from django.db import migrations, models

from crm.lib.collation import NAME_COLLATION, create_name_collation


def create_collation(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        create_name_collation(cursor)


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_collation, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="user",
            name="first_name",
            field=models.CharField(blank=True, db_collation=NAME_COLLATION, max_length=150, verbose_name="first name"),
        ),
        migrations.AlterField(
            model_name="user",
            name="last_name",
            field=models.CharField(blank=True, db_collation=NAME_COLLATION, max_length=150, verbose_name="last name"),
        ),
        migrations.AlterField(
            model_name="team",
            name="name",
            field=models.CharField(db_collation=NAME_COLLATION, max_length=120, unique=True, verbose_name="name"),
        ),
    ]
