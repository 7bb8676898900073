"""The project list table (cells rendered in Python: a page has hundreds of them)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm.lib.tables import CheckTargetColumn, FastBodyMixin, check_target
from customfields.columns import custom_columns
from sales.models import ProjectGroup, SalesProject
from sales.templatetags.sales_tags import for_pk, money, project_badges

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
NOWRAP = {"td": {"class": "text-nowrap"}}


def _pattern(name: str) -> str:
    return reverse(name, args=[0])


def _dash(value):
    return "—" if value in (None, "") else value


class ProjectTable(FastBodyMixin, tables.Table):
    select = CheckTargetColumn(
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
        attrs={
            "th__input": {"data-select-all": "ids", "aria-label": _("Select all")},
            "td__input": {"name": "ids", "form": "bulk-form", "aria-label": _("Select")},
        },
    )
    # every sort ends in the id (a stable page order) and has its index (sales migration 0012)
    title = tables.Column(verbose_name=_("Title"), order_by=("title", "id"))
    customer = tables.Column(verbose_name=_("Customer"), order_by=("customer__name", "id"))
    process = tables.Column(
        verbose_name=_("Process"), order_by=("process__order", "process__name", "id"), attrs=NOWRAP
    )
    phase = tables.Column(
        verbose_name=_("Phase"), order_by=("phase__order", "phase_id", "id"), attrs=NOWRAP
    )
    owner = tables.Column(
        verbose_name=_("Owner"),
        order_by=("owner__first_name", "owner__last_name", "id"),
        attrs=NOWRAP,
    )
    volume = tables.Column(verbose_name=_("Volume"), order_by=("volume", "id"), attrs=NUMBER)
    probability = tables.Column(
        verbose_name=_("Prob."), order_by=("probability", "id"), attrs=NUMBER
    )
    weighted = tables.Column(verbose_name=_("Weighted"), order_by=("weighted", "id"), attrs=NUMBER)
    expected_order_date = tables.DateColumn(
        verbose_name=_("Expected"), short=True, order_by=("expected_order_date", "id"), attrs=NOWRAP
    )
    phase_entered_at = tables.Column(
        verbose_name=_("In phase"), order_by=("-phase_entered_at",), attrs=NOWRAP
    )

    class Meta:
        model = SalesProject
        fields = (
            "select",
            "title",
            "customer",
            "process",
            "phase",
            "owner",
            "volume",
            "probability",
            "weighted",
            "expected_order_date",
            "phase_entered_at",
        )
        attrs = {
            "class": "table table-sm table-hover align-middle table-crm mb-0 small",
            "data-testid": "project-table",
        }
        row_attrs = {"data-project-id": lambda record: record.pk}
        order_by = ("-volume",)  # with the id as tie-breaker, served by project_volume_idx
        empty_text = _("No projects match these filters.")
        template_name = "sales/_table.html"

    row_key = "data-project-id"

    def __init__(self, *args, currency: str = "EUR", ticked=(), definitions=(), **kwargs):
        if definitions:  # the custom fields the user's role may see, after the standard columns
            kwargs["extra_columns"] = custom_columns(definitions, currency=currency)
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.ticked = set(ticked)  # rows ticked before a bulk action failed stay ticked
        self.detail_pattern = _pattern("sales:project_detail")
        self.customer_pattern = _pattern("customers:customer_detail")
        self.group_pattern = _pattern("sales:group_detail")
        self.select_label = str(_("Select"))

    def cells(self, record) -> dict:
        return {
            "select": check_target(
                format_html(
                    '<input type="checkbox" name="ids" value="{}" form="bulk-form" '
                    'aria-label="{}"{} />',
                    record.pk,
                    self.select_label,
                    " checked" if record.pk in self.ticked else "",  # nothing to escape in it
                )
            ),
            "title": self.render_title(record, record.title),
            "customer": self.render_customer(record),
            "process": _dash(str(record.process)),
            "phase": self.render_phase(record),
            "owner": _dash(str(record.owner) if record.owner_id else None),
            "volume": self.render_volume(record.volume),
            "probability": self.render_probability(record.probability),
            "weighted": self.render_weighted(record.weighted),
            "expected_order_date": _dash(
                record.expected_order_date
                and date_format(record.expected_order_date, "SHORT_DATE_FORMAT")
            ),
            "phase_entered_at": self.render_phase_entered_at(record),
        }

    def render_title(self, record, value):
        badges = project_badges(record, self.group_pattern)
        link = format_html('<a href="{}">{}</a>', for_pk(self.detail_pattern, record.pk), value)
        return (
            format_html('{} <span class="sales-badges">{}</span>', link, badges) if badges else link
        )

    def render_customer(self, record):
        css = "crm-name-lead" if record.customer.is_lead else "crm-name-customer"
        if self.customer_pattern:
            return format_html(
                '<span class="{}"><a href="{}">{}</a></span>',
                css,
                for_pk(self.customer_pattern, record.customer_id),
                record.customer.name,
            )
        return format_html('<span class="{}">{}</span>', css, record.customer.name)

    def render_phase(self, record):
        marker = record.age_marker
        dot = format_html(' <span class="sales-dot sales-dot-{}"></span>', marker) if marker else ""
        return format_html(
            '<span class="sales-phase-badge sales-outcome-{}">{}</span>{}',
            record.phase.outcome,
            record.phase.name,
            dot,
        )

    def render_volume(self, value):
        return money(value, self.currency)

    def render_weighted(self, value):
        return money(value, self.currency)

    def render_probability(self, value):
        return f"{value} %"

    def render_phase_entered_at(self, record):
        days = record.days_in_phase
        return format_html(
            '<span title="{}">{}</span>',
            record.phase_entered_at,
            ngettext("%(n)d day", "%(n)d days", days) % {"n": days},
        )


STATUS_CSS = {"open": "open", "won": "won", "lost": "lost", "mixed": "mixed", "empty": "mixed"}


class GroupTable(FastBodyMixin, tables.Table):
    name = tables.Column(verbose_name=_("Group"))
    type = tables.Column(
        verbose_name=_("Type"), order_by=("type__order", "type__name"), attrs=NOWRAP
    )
    n_members = tables.Column(verbose_name=_("Members"), attrs=NUMBER)
    owner_names = tables.Column(verbose_name=_("Owners"), orderable=False)
    value = tables.Column(verbose_name=_("Value"), attrs=NUMBER)
    weighted = tables.Column(verbose_name=_("Weighted"), order_by=("weighted", "id"), attrs=NUMBER)
    status = tables.Column(verbose_name=_("Status"), attrs=NOWRAP)

    class Meta:
        model = ProjectGroup
        fields = ("name", "type", "n_members", "owner_names", "value", "weighted", "status")
        attrs = {
            "class": "table table-sm table-hover align-middle table-crm mb-0 small",
            "data-testid": "group-table",
        }
        row_attrs = {"data-group-id": lambda record: record.pk}
        empty_text = _("No project groups match these filters.")
        template_name = "sales/_table.html"

    row_key = "data-group-id"

    def __init__(self, *args, currency: str = "EUR", ticked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.ticked = set(ticked)  # rows ticked before a bulk action failed stay ticked
        self.detail_pattern = _pattern("sales:group_detail")

    def cells(self, record) -> dict:
        return {
            "name": self.render_name(record, record.name),
            "type": self.render_type(record),
            "n_members": record.n_members,
            "owner_names": self.render_owner_names(record.owner_names),
            "value": self.render_value(record.value),
            "weighted": self.render_weighted(record.weighted),
            "status": self.render_status(record),
        }

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', for_pk(self.detail_pattern, record.pk), value)

    def render_type(self, record):
        icon = "⇄" if record.type.is_alternatives else "Σ"
        return format_html('<span aria-hidden="true">{}</span> {}', icon, record.type.name)

    def render_owner_names(self, value):
        return ", ".join(value) if value else "–"

    def render_value(self, value):
        return money(value, self.currency)

    def render_weighted(self, value):
        return money(value, self.currency)

    def render_status(self, record):
        return format_html(
            '<span class="sales-phase-badge sales-outcome-{}" data-testid="group-status">{}</span>',
            STATUS_CSS.get(record.status, "mixed"),
            record.status_label,
        )
