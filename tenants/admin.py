from django.contrib import admin
from django_tenants.admin import TenantAdminMixin

from crm.lib.admin import PublicOnlyAdminMixin
from tenants.models import Domain, Tenant


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(PublicOnlyAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "schema_name", "lead_function_enabled", "currency", "created_on"]
    search_fields = ["name", "schema_name"]
    inlines = [DomainInline]

    def get_readonly_fields(self, request, obj=None):
        return ["schema_name"] if obj else []


@admin.register(Domain)
class DomainAdmin(PublicOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain"]
