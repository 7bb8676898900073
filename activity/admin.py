"""The tenant admin's view of the log: read-mostly; system entries cannot be changed."""

from django.contrib import admin

from activity.models import Activity
from crm.lib.admin import TenantOnlyAdminMixin


@admin.register(Activity)
class ActivityAdmin(TenantOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "occurred_at",
        "kind",
        "subject",
        "employee",
        "customer",
        "project",
        "is_system",
    ]
    list_filter = ["kind", "is_system"]
    search_fields = ["subject"]
    raw_id_fields = ["employee", "customer", "project", "contacts"]
    list_select_related = ["employee", "customer", "project"]
    show_full_result_count = False  # a count over a million rows on every page is not worth it
    readonly_fields = ["is_system", "payload", "created_at", "updated_at"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_system:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_system:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        queryset.filter(is_system=False).delete()  # bulk deletion never takes system entries along
