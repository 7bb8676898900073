"""The log page's table."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from activity.models import Activity


def url_or_none(name: str, pk) -> str | None:
    """The URL of another app's page, or None while that page does not exist yet."""
    if pk is None:
        return None
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def _link(name: str, obj) -> str:
    if obj is None:
        return "—"
    url = url_or_none(name, obj.pk)
    return format_html('<a href="{}">{}</a>', url, obj) if url else format_html("{}", obj)


class ActivityTable(tables.Table):
    occurred_at = tables.DateTimeColumn(verbose_name=_("When"), format="SHORT_DATETIME_FORMAT", orderable=True,
                                        attrs={"td": {"class": "text-nowrap"}})
    kind = tables.Column(verbose_name=_("Type"), orderable=False)
    title = tables.Column(verbose_name=_("Subject"), accessor="pk", orderable=False)
    employee = tables.Column(verbose_name=_("Employee"), orderable=False)
    customer = tables.Column(verbose_name=_("Customer"), orderable=False)
    project = tables.Column(verbose_name=_("Project"), orderable=False)
    duration_minutes = tables.Column(verbose_name=_("Min."), orderable=False, attrs={"td": {"class": "text-end"}})
    due_date = tables.Column(verbose_name=_("Task"), orderable=False, empty_values=())

    class Meta:
        model = Activity
        fields = ["occurred_at", "kind", "title", "employee", "customer", "project", "duration_minutes", "due_date"]
        order_by = "-occurred_at"
        attrs = {"class": "table table-sm table-hover align-middle crm-activity-table", "data-testid": "activity-table",
                 "tbody": {"hx-boost": "false"}}
        row_attrs = {"data-kind": lambda record: record.kind, "class": lambda record: "crm-system" if record.is_system else ""}
        empty_text = _("No activities match these filters.")

    def render_kind(self, record: Activity):
        return format_html('<span class="badge crm-kind crm-kind-{}">{}</span>', record.kind, record.get_kind_display())

    def render_title(self, record: Activity):
        return format_html('<a href="{}">{}</a>', reverse("activity:activity_detail", args=[record.pk]), record.title)

    def render_customer(self, record: Activity):
        return _link("customers:customer_detail", record.customer)

    def render_project(self, record: Activity):
        return _link("sales:project_detail", record.project)

    def render_due_date(self, record: Activity):
        if not record.is_task:
            return ""
        if record.done_at:
            return format_html('<span class="badge text-bg-light border text-success">{} {}</span>', _("done"),
                               date_format(timezone.localtime(record.done_at), "SHORT_DATE_FORMAT"))
        if record.due_date is None:
            return format_html('<span class="badge text-bg-light border">{}</span>', _("open"))
        due = date_format(record.due_date, "SHORT_DATE_FORMAT")
        if record.is_overdue:
            return format_html('<span class="badge text-bg-danger" data-testid="overdue">{} · {}</span>', _("overdue"), due)
        return format_html('<span class="badge text-bg-light border">{} {}</span>', _("due"), due)
