from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "CRM"

    def ready(self) -> None:
        from crm.lib.admin import admin_autodiscover
        from crm.lib.dashboard import widget_register
        from crm.lib.seeding import seeder_register
        from crm.seed import seed_users

        seeder_register(order=10, name="users", func=seed_users, label=_("Users"))
        widget_register(order=90, template="crm/widgets/_team.html", context=_team_widget)
        admin_autodiscover()


def _team_widget(request) -> dict:
    from crm.selectors import dashboard_team_context

    return dashboard_team_context(user=request.user)
