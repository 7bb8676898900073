from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from crm.lib.dashboard import widget_register
        from crm.lib.seeding import seeder_register
        from customers import receivers  # noqa: F401
        from customers.search import register as search_register
        from customers.seed import seed_customers
        from customers.views.dashboard import dashboard_widget_context

        seeder_register(order=20, name="customers", func=seed_customers, label=_("Customers"))
        widget_register(
            order=20, template="customers/widgets/dashboard.html", context=dashboard_widget_context
        )
        search_register()
