from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapviewConfig(AppConfig):
    name = "mapview"
    verbose_name = _("Map")

    def ready(self) -> None:
        from crm.lib.seeding import seeder_register
        from mapview import receivers  # noqa: F401
        from mapview.search import register as search_register
        from mapview.seed import seed_coordinates, seed_selections

        seeder_register(
            order=50, name="map coordinates", func=seed_coordinates, label=_("Map coordinates")
        )
        seeder_register(
            order=60, name="map selections", func=seed_selections, label=_("Map selections")
        )
        search_register()
