"""Tenant admin: size-class thresholds (one row), customers, contact persons and import jobs."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm.lib.admin import TenantOnlyAdminMixin
from customers import services
from customers.models import ContactPerson, Customer, ImportJob, SizeClassThresholds
from customfields.standard import AdminSwitchesMixin


@admin.register(SizeClassThresholds)
class SizeClassThresholdsAdmin(TenantOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "a_min_revenue",
        "a_min_employees",
        "b_min_revenue",
        "b_min_employees",
        "c_min_revenue",
        "c_min_employees",
        "updated_at",
    ]
    fieldsets = (
        (_("A – key account"), {"fields": ("a_min_revenue", "a_min_employees")}),
        (_("B"), {"fields": ("b_min_revenue", "b_min_employees")}),
        (_("C"), {"fields": ("c_min_revenue", "c_min_employees")}),
    )

    def has_add_permission(self, request, *args):
        return (
            super().has_add_permission(request, *args) and not SizeClassThresholds.objects.exists()
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # The single row always exists, so the list is one click away.
        services.size_thresholds_get()
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        updated = services.size_thresholds_save(thresholds=obj)
        messages.info(
            request,
            ngettext(
                "The size class of %(n)d customer was derived again.",
                "The size classes of %(n)d customers were derived again.",
                updated,
            )
            % {"n": updated},
        )


class ContactInline(AdminSwitchesMixin, TenantOnlyAdminMixin, admin.TabularInline):
    standard_areas = ("contact",)
    model = ContactPerson
    extra = 0
    fields = ["first_name", "last_name", "position", "email", "phone"]
    readonly_fields = fields
    show_change_link = True

    # Contacts are edited on their own admin page (through the services), not inline.
    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(AdminSwitchesMixin, TenantOnlyAdminMixin, admin.ModelAdmin):
    standard_areas = ("customer",)  # switched-off standard fields are left out
    list_display = [
        "name",
        "status",
        "kind",
        "city",
        "country",
        "size_class",
        "owner",
        "geocode_status",
    ]
    list_filter = ["status", "kind", "size_class", "country", "geocode_status"]
    search_fields = ["name", "city", "postal_code"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    show_full_result_count = False
    # The status changes only through conversion (customers.services.customer_convert_lead).
    readonly_fields = [
        "status",
        "converted_at",
        "converted_by",
        "name_key",
        "created_at",
        "updated_at",
        "created_by",
        "last_activity_at",
    ]
    exclude = ["search_text", "email_domain", "phone_digits"]
    inlines = [ContactInline]

    def save_model(self, request, obj, form, change):
        if change:
            data = {
                f: form.cleaned_data[f] for f in form.changed_data if f in services.CUSTOMER_FIELDS
            }
            original = Customer.objects.get(pk=obj.pk)
            services.customer_update(customer=original, user=request.user, data=data)
            obj.refresh_from_db()
        else:
            values = {
                f: form.cleaned_data[f] for f in services.CUSTOMER_FIELDS if f in form.cleaned_data
            }
            created = services.customer_create(user=request.user, **values)
            obj.pk = created.pk
            obj.refresh_from_db()


@admin.register(ContactPerson)
class ContactPersonAdmin(AdminSwitchesMixin, TenantOnlyAdminMixin, admin.ModelAdmin):
    standard_areas = ("contact",)  # switched-off standard fields are left out
    list_display = ["last_name", "first_name", "customer", "position", "email"]
    search_fields = ["last_name", "first_name", "email"]
    raw_id_fields = ["customer"]
    list_select_related = ["customer"]
    show_full_result_count = False
    exclude = ["search_text", "last_activity_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["customer"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        values = {
            f: form.cleaned_data[f] for f in services.CONTACT_FIELDS if f in form.cleaned_data
        }
        if change:
            original = ContactPerson.objects.select_related("customer").get(pk=obj.pk)
            services.contact_update(contact=original, user=request.user, data=values)
        else:
            created = services.contact_create(user=request.user, customer=obj.customer, **values)
            obj.pk = created.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.contact_delete(contact=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for contact in queryset.select_related("customer"):
            services.contact_delete(contact=contact, user=request.user)


@admin.register(ImportJob)
class ImportJobAdmin(TenantOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "original_name",
        "state",
        "total_rows",
        "created_customers",
        "error_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["state"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request, *args):
        return False
