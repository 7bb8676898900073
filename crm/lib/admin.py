"""Admin helpers: public-schema models appear only in the operators' admin, tenant models only
in a tenant's admin."""

from django.db import connection


def _is_public() -> bool:
    from django_tenants.utils import get_public_schema_name

    return connection.schema_name == get_public_schema_name()


class _SchemaScopedAdminMixin:
    public_only = True

    def _here(self) -> bool:
        return _is_public() == self.public_only

    def has_module_permission(self, request):
        return self._here() and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._here() and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._here() and super().has_change_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._here() and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None):
        return self._here() and super().has_delete_permission(request, obj)


class PublicOnlyAdminMixin(_SchemaScopedAdminMixin):
    public_only = True


class TenantOnlyAdminMixin(_SchemaScopedAdminMixin):
    public_only = False


def admin_autodiscover() -> None:
    """Import every installed app's admin module except django-leaflet's (it needs GDAL)."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name == "leaflet":
            continue
        if find_spec(f"{config.name}.admin") is not None:
            import_module(f"{config.name}.admin")
