"""django-tables2 tables of the customer overview and the contact list.

The tables define columns, headers and sorting; their body rows are written in Python
(crm.lib.tables.FastBodyMixin, ``cells``), so the cells follow the table's columns: the
visible custom fields (customfields.columns) come after the standard ones. The ``render_*``
methods serve other uses of the tables, e.g. tests reading cells.
"""

from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from crm.lib.l10n import money_format, tenant_currency
from crm.lib.tables import CheckTargetColumn, FastBodyMixin, check_target
from customers.models import ContactPerson, Customer
from customfields.columns import custom_columns

TABLE_ATTRS = {
    "class": "table table-sm table-hover align-middle table-crm mb-2",
    "thead": {"class": "table-light"},
}


def _short_date(value) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATE_FORMAT") if value else "—"


class PagedTable(FastBodyMixin, tables.Table):
    """A table whose pagination links come from its paginator (exact or estimated count)."""

    ellipsis = Paginator.ELLIPSIS
    empty_in_template = True  # customers/_table.html: "No rows on this page" past the end

    def __init__(self, *args, definitions=(), currency: str = "", **kwargs):
        self.currency = currency or tenant_currency()
        if definitions:
            kwargs["extra_columns"] = custom_columns(definitions, currency=self.currency)
        super().__init__(*args, **kwargs)

    @property
    def page_links(self) -> list:
        """Page numbers to link: first, last and neighbours; without an exact count, only known
        pages."""
        page, paginator = getattr(self, "page", None), getattr(self, "paginator", None)
        if page is None:
            return []
        if not getattr(paginator, "count_is_estimate", False):
            return list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
        start = max(1, page.number - 2)
        links = ([1, self.ellipsis] if start > 2 else [1] if start == 2 else []) + list(
            range(start, page.number + 1)
        )
        if page.has_next():
            links += [page.number + 1, self.ellipsis]
        return links


class CustomerTable(PagedTable):
    selection = CheckTargetColumn(
        accessor="pk",
        orderable=False,
        attrs={
            "th__input": {
                "form": "bulk-form",
                "data-select-all": "customers",
                "aria-label": _("Select all on this page"),
            },
            "td__input": {
                "form": "bulk-form",
                "name": "ids",
                "class": "form-check-input",
                "aria-label": _("Select"),
            },
        },
    )
    name = tables.Column(verbose_name=_("Name"), order_by=("name", "id"))
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "name", "id"))
    city = tables.Column(verbose_name=_("City"), order_by=("city", "name", "id"))
    country = tables.Column(verbose_name=_("Country"), order_by=("country", "name", "id"))
    size_class = tables.Column(verbose_name=_("Size"), order_by=("size_class", "name", "id"))
    owner = tables.Column(
        verbose_name=_("Owner"),
        order_by=("owner__first_name", "owner__last_name", "id"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    # Stored roll-ups (customers migration 0006), sorted through their (value, name, id) indexes.
    open_projects = tables.Column(
        verbose_name=_("Open projects"),
        accessor="open_projects_count",
        order_by=("open_projects_count", "name", "id"),
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    pipeline_value = tables.Column(
        verbose_name=_("Open pipeline"),
        order_by=("pipeline_value", "name", "id"),
        attrs={"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}},
    )
    last_activity_at = tables.DateColumn(verbose_name=_("Last activity"), short=True)

    class Meta:
        model = Customer
        fields = [
            "selection",
            "name",
            "kind",
            "city",
            "country",
            "size_class",
            "owner",
            "open_projects",
            "pipeline_value",
            "last_activity_at",
        ]
        attrs = TABLE_ATTRS
        template_name = "customers/_customer_table.html"
        per_page = 25
        empty_text = _("No customers match these filters.")
        row_attrs = {"data-testid": "customer-row", "data-status": lambda record: record.status}

    def __init__(self, *args, leads_on: bool = False, **kwargs):
        self.leads_on = leads_on
        super().__init__(*args, **kwargs)
        self.select_label = str(_("Select"))

    def row_attrs_html(self, record: Customer, index: int) -> str:
        return f'data-testid="customer-row" data-status="{record.status}"'  # a fixed word

    def cells(self, record: Customer) -> dict:
        owner = record.owner
        return {
            "selection": check_target(
                format_html(
                    '<input type="checkbox" name="ids" value="{}" form="bulk-form"'
                    ' class="form-check-input" aria-label="{}">',
                    record.pk,
                    self.select_label,
                )
            ),
            "name": self.render_name(record),
            "kind": record.get_kind_display(),
            "city": record.city or "—",
            "country": record.country or "—",
            "size_class": self.render_size_class(record),
            "owner": (owner.get_full_name() or owner.email) if owner else "—",
            "open_projects": self.render_open_projects(record.open_projects_count),
            "pipeline_value": self.render_pipeline_value(record.pipeline_value),
            "last_activity_at": _short_date(record.last_activity_at),
        }

    def render_name(self, record: Customer):
        url = reverse("customers:customer_detail", args=[record.pk])
        if not self.leads_on:
            return format_html('<a href="{}" class="fw-semibold">{}</a>', url, record.name)
        badge = (
            format_html(
                ' <span class="badge text-bg-light border crm-lead-badge">{}</span>', _("Lead")
            )
            if record.is_lead
            else ""
        )
        return format_html(
            '<span class="crm-name-{}"><a href="{}" class="fw-semibold">{}</a></span>{}',
            record.status,
            url,
            record.name,
            badge,
        )

    def render_size_class(self, record: Customer):
        # tables2 passes the choice label ("D – small"); the column shows the bare letter.
        return format_html(
            '<span title="{}">{}</span>', record.get_size_class_display(), record.size_class
        )

    def render_owner(self, value):
        return value.get_full_name() or value.email

    def render_pipeline_value(self, value):
        if not value:
            return "—"
        return money_format(value, self.currency)

    def render_open_projects(self, value):
        return value or "—"


class ContactTable(PagedTable):
    name = tables.Column(
        verbose_name=_("Name"),
        accessor="last_name",
        order_by=("last_name", "first_name", "id"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    customer = tables.Column(verbose_name=_("Customer"), order_by=("customer__name", "id"))
    position = tables.Column(verbose_name=_("Position"), order_by=("position", "id"))
    email = tables.EmailColumn(verbose_name=_("E-mail"), order_by=("email", "id"))
    phone = tables.Column(
        verbose_name=_("Phone"), orderable=False, attrs={"td": {"class": "text-nowrap"}}
    )
    last_activity_at = tables.DateColumn(
        verbose_name=_("Last activity"), short=True, order_by=("last_activity_at", "id")
    )

    class Meta:
        model = ContactPerson
        fields = ["name", "customer", "position", "email", "phone", "last_activity_at"]
        attrs = TABLE_ATTRS
        template_name = "customers/_contact_table.html"
        per_page = 25
        empty_text = _("No contact persons match these filters.")
        row_attrs = {"data-testid": "contact-row"}

    def __init__(self, *args, leads_on: bool = False, mobile_on: bool = True, **kwargs):
        self.leads_on = leads_on
        self.mobile_on = mobile_on  # the phone column falls back to the mobile number
        super().__init__(*args, **kwargs)

    def row_attrs_html(self, record: ContactPerson, index: int) -> str:
        return 'data-testid="contact-row"'

    def cells(self, record: ContactPerson) -> dict:
        return {
            "name": self.render_name(record),
            "customer": self.render_customer(record),
            "position": record.position or "—",
            "email": (
                format_html('<a href="mailto:{}">{}</a>', record.email, record.email)
                if record.email
                else "—"
            ),
            "phone": self.render_phone(record),
            "last_activity_at": _short_date(record.last_activity_at),
        }

    def render_name(self, record: ContactPerson):
        url = reverse("customers:contact_detail", args=[record.pk])
        return format_html('<a href="{}" class="fw-semibold">{}</a>', url, record.full_name)

    def render_customer(self, record: ContactPerson):
        customer = record.customer
        url = reverse("customers:customer_detail", args=[customer.pk])
        css = f"crm-name-{customer.status}" if self.leads_on else ""
        return format_html('<span class="{}"><a href="{}">{}</a></span>', css, url, customer.name)

    def render_phone(self, record: ContactPerson):
        return record.phone or (record.mobile if self.mobile_on else "") or "—"
