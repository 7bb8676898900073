"""Tenant admin: custom-field definitions (the same form and rules as the settings page)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm.lib.admin import TenantOnlyAdminMixin
from customfields import services
from customfields.forms import FieldDefinitionForm
from customfields.models import FieldDefinition, ListLayout, StandardFields


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
        # the form's switches but "required"
        *(flag for flag in FieldDefinitionForm.FLAG_FIELDS if flag != "required"),
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


class ListLayoutForm(forms.ModelForm):
    columns_text = forms.CharField(
        label=_("Columns"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One column a line, in order: a standard column's name (e.g. city) or cf_ and a "
            "custom field's key (e.g. cf_vat_id)."
        ),
    )

    class Meta:
        model = ListLayout
        fields = ["key"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["columns_text"].initial = "\n".join(self.instance.columns)
            self.fields["key"].disabled = True

    def clean(self):
        data = super().clean()
        text = data.get("columns_text", "")
        data["columns"] = [c.strip() for c in text.splitlines() if c.strip()]
        key = data.get("key") or self.instance.key
        try:
            services.layout_check(key=key, columns=data["columns"])
        except ValidationError as exc:
            self.add_error("columns_text", exc)
        return data


@admin.register(ListLayout)
class ListLayoutAdmin(TenantOnlyAdminMixin, admin.ModelAdmin):
    """The same rules as the Overviews settings page (customfields.services.layout_save)."""

    form = ListLayoutForm
    list_display = ["key", "updated_at"]
    fields = ["key", "columns_text"]

    def save_model(self, request, obj, form, change):
        try:
            saved = services.layout_save(
                user=request.user, key=obj.key, columns=form.cleaned_data["columns"]
            )
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        obj.pk = saved.pk


class StandardFieldsForm(forms.ModelForm):
    off = forms.MultipleChoiceField(
        label=_("Switched off"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the optional fields of the area; the values are kept."),
    )

    class Meta:
        model = StandardFields
        fields = ["area"]

    def __init__(self, *args, **kwargs):
        from customfields.standard import SWITCHABLE

        super().__init__(*args, **kwargs)
        names: dict[str, object] = {}
        for fields in SWITCHABLE.values():
            names.update(fields)
        self.fields["off"].choices = list(names.items())
        if self.instance.pk:
            self.fields["off"].initial = list(self.instance.off)
            self.fields["area"].disabled = True

    def clean(self):
        from customfields.standard import switchable

        data = super().clean()
        area = data.get("area") or self.instance.area
        wrong = [n for n in data.get("off", []) if area and n not in switchable(area)]
        if wrong:
            self.add_error(
                "off",
                _("These fields cannot be switched off: %(names)s.") % {"names": ", ".join(wrong)},
            )
        return data


@admin.register(StandardFields)
class StandardFieldsAdmin(TenantOnlyAdminMixin, admin.ModelAdmin):
    """The same rules as the Standard fields page (customfields.services.standard_fields_save)."""

    form = StandardFieldsForm
    list_display = ["area", "off", "updated_at"]
    fields = ["area", "off"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.standard_fields_save(
            user=request.user, area=obj.area, off=form.cleaned_data["off"]
        )
        obj.pk = saved.pk
