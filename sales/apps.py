from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from crm.lib.dashboard import widget_register
        from crm.lib.seeding import seeder_register
        from sales import receivers  # noqa: F401
        from sales.dashboard import followups_widget, pipeline_widget
        from sales.search import register as search_register
        from sales.seed import seed_sales

        widget_register(order=15, template="sales/_widget_followups.html", context=followups_widget)
        widget_register(order=20, template="sales/_widget_pipeline.html", context=pipeline_widget)
        seeder_register(order=30, name="sales", func=seed_sales, label=_("Sales"))
        search_register()
        _layouts_register()


def _layouts_register() -> None:
    """The project and lead lists and the kanban card as configurable overviews (customfields)."""
    from customfields.columns import standard_columns
    from customfields.layouts import ListSpec, register
    from sales.cards import CARD_DEFAULT, card_fields
    from sales.tables import ProjectTable

    for key, entity in (("projects", "project"), ("leads", "lead")):
        register(
            ListSpec(
                key=key,
                entity=entity,
                standard=lambda: standard_columns(ProjectTable, skip=("select",)),
                fixed=("select",),
                areas=(entity,),
            )
        )
    register(
        ListSpec(
            key="kanban",
            entity="lead",  # a lead board's cards: the project fields and the lead fields
            standard=card_fields,
            default=lambda: list(CARD_DEFAULT),
            custom_by_default=False,
            areas=("project", "lead"),  # the board of each narrows it further (sales.cards)
        )
    )
