"""Tables of the map pages: the customers of a saved selection, customers without coordinates."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from customers.models import Customer

TABLE_ATTRS = {
    "class": "table table-sm table-hover align-middle table-crm mb-2",
    "thead": {"class": "table-light"},
}


class MapCustomerTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), order_by=("name", "id"))
    city = tables.Column(verbose_name=_("City"), order_by=("city", "name", "id"), empty_values=())
    country = tables.Column(verbose_name=_("Country"), order_by=("country", "name", "id"))
    size_class = tables.Column(verbose_name=_("Size"), order_by=("size_class", "name", "id"))
    owner = tables.Column(
        verbose_name=_("Owner"), order_by=("owner__first_name", "owner__last_name", "id")
    )
    geocode_status = tables.Column(
        verbose_name=_("Geocoding"), order_by=("geocode_status", "name", "id")
    )

    class Meta:
        model = Customer
        fields = ["name", "city", "country", "size_class", "owner", "geocode_status"]
        attrs = TABLE_ATTRS
        template_name = "django_tables2/bootstrap5.html"
        per_page = 50
        empty_text = _("No customers.")
        row_attrs = {"data-testid": "map-customer-row", "data-status": lambda record: record.status}

    def render_name(self, record: Customer):
        url = reverse("customers:customer_detail", args=[record.pk])
        return format_html(
            '<span class="crm-name-{}"><a href="{}" class="fw-semibold">{}</a></span>',
            record.status,
            url,
            record.name,
        )

    def render_city(self, record: Customer):
        return " ".join(p for p in (record.postal_code, record.city) if p) or "—"

    def render_geocode_status(self, record: Customer):
        css = {
            "found": "success",
            "manual": "primary",
            "pending": "secondary",
            "not_found": "warning",
            "failed": "danger",
        }.get(record.geocode_status, "secondary")
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', css, record.get_geocode_status_display()
        )
