"""The two built-in project group types in every existing tenant (new tenants get them from the
same migration, and again, idempotently, from sales.services.group_types_ensure)."""

from django.db import migrations

BUILTIN = [
    # key, name, rule, order
    ("subprojects", "Sub-projects", "sum", 10),
    ("alternatives", "Alternatives", "alternatives", 20),
]


def create_types(apps, schema_editor):
    GroupType = apps.get_model("sales", "GroupType")
    for key, name, rule, order in BUILTIN:
        GroupType.objects.get_or_create(key=key, defaults={"name": name, "rule": rule, "order": order})


class Migration(migrations.Migration):

    dependencies = [
        ("sales", "0005_project_groups"),
    ]

    operations = [
        migrations.RunPython(create_types, migrations.RunPython.noop),
    ]
