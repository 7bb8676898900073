from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "activity"
    verbose_name = _("Activity log")

    def ready(self) -> None:
        from activity import receivers  # noqa: F401
        from activity.dashboard import widget_context
        from activity.seed import seed_activities
        from crm.lib.dashboard import widget_register
        from crm.lib.seeding import seeder_register

        seeder_register(order=40, name="activities", func=seed_activities, label=_("Activities"))
        widget_register(order=20, template="activity/_widget_tasks.html", context=widget_context)
