"""The project list table."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from sales.models import SalesProject


class ProjectTable(tables.Table):
    select = tables.CheckBoxColumn(
        accessor="pk", orderable=False, exclude_from_export=True,
        attrs={"th__input": {"data-select-all": "ids", "aria-label": _("Select all")},
               "td__input": {"name": "ids", "form": "bulk-form", "aria-label": _("Select")}},
    )
    title = tables.Column(verbose_name=_("Title"), linkify=True)
    customer = tables.TemplateColumn(
        template_name="sales/_cell_customer.html", verbose_name=_("Customer"), order_by=("customer__name", "id")
    )
    process = tables.Column(verbose_name=_("Process"), order_by=("process__order", "process__name"),
                            attrs={"td": {"class": "text-nowrap"}})
    phase = tables.TemplateColumn(
        template_name="sales/_cell_phase.html", verbose_name=_("Phase"), order_by=("phase__order", "phase_id"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    owner = tables.Column(verbose_name=_("Owner"), order_by=("owner__first_name", "owner__last_name"),
                          attrs={"td": {"class": "text-nowrap"}})
    volume = tables.TemplateColumn("{% load sales_tags %}{{ value|money:crm_tenant.currency }}",
                                   verbose_name=_("Volume"), attrs={"td": {"class": "text-end text-nowrap"},
                                                                    "th": {"class": "text-end"}})
    probability = tables.TemplateColumn("{{ value }} %", verbose_name=_("Prob."),
                                        attrs={"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}})
    weighted = tables.TemplateColumn("{% load sales_tags %}{{ value|money:crm_tenant.currency }}",
                                     verbose_name=_("Weighted"), attrs={"td": {"class": "text-end text-nowrap"},
                                                                        "th": {"class": "text-end"}})
    expected_order_date = tables.DateColumn(verbose_name=_("Expected"), short=True,
                                            attrs={"td": {"class": "text-nowrap"}})
    phase_entered_at = tables.TemplateColumn(
        template_name="sales/_cell_age.html", verbose_name=_("In phase"), order_by=("-phase_entered_at",),
        attrs={"td": {"class": "text-nowrap"}},
    )

    class Meta:
        model = SalesProject
        fields = ("select", "title", "customer", "process", "phase", "owner", "volume", "probability", "weighted",
                  "expected_order_date", "phase_entered_at")
        attrs = {"class": "table table-sm table-hover align-middle table-crm mb-0 small", "data-testid": "project-table"}
        row_attrs = {"data-project-id": lambda record: record.pk}
        order_by = ("-volume",)
        empty_text = _("No projects match these filters.")
