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
        _layouts_register()


def _layouts_register() -> None:
    """The customer overview and the contact list as configurable overviews (customfields)."""
    from customers.tables import ContactTable, CustomerTable
    from customfields.columns import standard_columns
    from customfields.layouts import ListSpec, register

    register(
        ListSpec(
            key="customers",
            entity="customer",
            standard=lambda: standard_columns(CustomerTable, skip=("selection",)),
            fixed=("selection",),
            areas=("customer",),
        )
    )
    register(
        ListSpec(
            key="contacts",
            entity="contact",
            standard=lambda: standard_columns(ContactTable),
            areas=("contact",),
        )
    )
