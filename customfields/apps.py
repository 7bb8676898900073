from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomfieldsConfig(AppConfig):
    name = "customfields"
    verbose_name = _("Custom fields")

    def ready(self) -> None:
        from crm.lib.seeding import seeder_register
        from customfields.seed import seed_custom_fields

        seeder_register(  # after customers and sales
            order=35, name="custom fields", func=seed_custom_fields, label=_("Custom fields")
        )
