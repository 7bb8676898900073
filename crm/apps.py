from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "CRM"

    def ready(self) -> None:
        from crm.lib.admin import admin_autodiscover
        from crm.lib.seeding import seeder_register
        from crm.seed import seed_users

        seeder_register(order=10, name="users", func=seed_users)
        admin_autodiscover()
