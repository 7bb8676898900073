from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomfieldsConfig(AppConfig):
    name = "customfields"
    verbose_name = _("Custom fields")
