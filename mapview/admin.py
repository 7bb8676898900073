from django.contrib import admin

from crm.lib.admin import TenantOnlyAdminMixin
from mapview.models import Selection


@admin.register(Selection)
class SelectionAdmin(TenantOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "owner", "customer_count", "created_at"]
    list_select_related = ["owner"]
    search_fields = ["name"]
    readonly_fields = ["customer_count", "definition", "created_at", "updated_at"]
    fields = ["name", "owner", "customer_count", "definition", "created_at", "updated_at"]
