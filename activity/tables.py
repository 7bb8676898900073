"""The log page's table."""

from __future__ import annotations

import django_tables2 as tables
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
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
    occurred_at = tables.DateTimeColumn(verbose_name=_("When"), format="SHORT_DATETIME_FORMAT", orderable=True)
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
        return get_template("activity/_kind_badge.html").render({"activity": record})

    def render_title(self, record: Activity):
        return format_html('<a href="{}">{}</a>', reverse("activity:activity_detail", args=[record.pk]), record.title)

    def render_customer(self, record: Activity):
        return _link("customers:customer_detail", record.customer)

    def render_project(self, record: Activity):
        return _link("sales:project_detail", record.project)

    def render_due_date(self, record: Activity):
        if not record.is_task:
            return ""
        return get_template("activity/_task_state.html").render({"activity": record})
