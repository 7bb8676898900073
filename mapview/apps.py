from django.apps import AppConfig


class MapviewConfig(AppConfig):
    name = "mapview"
