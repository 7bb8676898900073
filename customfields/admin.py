"""Tenant admin: custom-field definitions (the same form and rules as the settings page)."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from crm.lib.admin import TenantOnlyAdminMixin
from customfields import services
from customfields.forms import FieldDefinitionForm
from customfields.models import FieldDefinition


@admin.register(FieldDefinition)
class FieldDefinitionAdmin(TenantOnlyAdminMixin, admin.ModelAdmin):
    form = FieldDefinitionForm
    list_display = [
        "label_en",
        "label_de",
        "entity",
        "field_type",
        "key",
        "order",
        "active",
        "filterable",
        "sortable",
        "searchable",
        "unique",
        "tracked",
    ]
    list_filter = ["entity", "field_type", "active"]
    search_fields = ["label_en", "label_de", "key"]
    fields = FieldDefinitionForm.Meta.fields

    def has_delete_permission(self, request, obj=None):
        return False  # retiring keeps the values; deleting a definition would orphan them

    def save_model(self, request, obj, form, change):
        data = form.service_values()
        try:
            if change:
                saved = services.definition_update(definition=obj, user=request.user, data=data)
            else:
                saved = services.definition_create(user=request.user, **data)
        except (
            ValidationError
        ) as exc:  # the form checked the same rules; a race is all that is left
            raise ValidationError(exc.messages) from exc
        obj.pk = saved.pk
