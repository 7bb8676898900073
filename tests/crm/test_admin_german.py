"""The tenant admin reads German: every model and field of ours has a translated name (never the
attribute name Django would derive, "created at"), and every choice a translated label."""

from django.apps import apps
from django.contrib import admin
from django.utils.functional import Promise

# tenants: the operators' admin (public schema), partly django-tenants' own fields
OUR_APPS = ("crm", "customers", "sales", "activity", "mapview")


def test_every_model_field_and_choice_of_ours_has_a_translated_name():
    untranslated = []
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            if model not in admin.site._registry:
                continue  # internal tables (running totals, daily counts) no admin shows
            name = f"{label}.{model.__name__}"
            for meta_name in ("verbose_name", "verbose_name_plural"):
                if not isinstance(getattr(model._meta, meta_name), Promise):
                    untranslated.append(f"{name} Meta.{meta_name}")
            for field in model._meta.get_fields(include_parents=False):
                if (
                    field.auto_created
                    or not getattr(field, "concrete", False)
                    and not field.many_to_many
                ):
                    continue
                if field.name == "id" or field.model is not model:
                    continue
                if not isinstance(field.verbose_name, Promise):
                    untranslated.append(f"{name}.{field.name}")
                for value, choice_label in getattr(field, "flatchoices", None) or []:
                    if value not in ("", None) and not isinstance(choice_label, Promise):
                        untranslated.append(f"{name}.{field.name} choice {value!r}")
    assert untranslated == [], "\n".join(untranslated)


def test_every_app_of_ours_has_a_translated_name_in_the_admin():
    """The admin's section headings and breadcrumbs ("Start › Vertrieb › Prozesse")."""
    untranslated = [
        label
        for label in (*OUR_APPS, "customfields", "tenants")
        if not isinstance(apps.get_app_config(label).verbose_name, Promise)
        and label != "crm"  # CRM reads the same in German
    ]
    assert untranslated == []
