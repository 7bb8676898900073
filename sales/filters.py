"""The filters of the project list and the kanban (one FilterSet, so both keep the same URL)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Team
from crm.selectors import owner_or_team_q, user_list_active
from sales.models import Phase
from sales.selectors import phase_list, process_list


class PhaseMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Phase) -> str:
        return f"{obj.process.name} – {obj.name}"


class PhaseMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = PhaseMultipleChoiceField


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    process = django_filters.ModelChoiceFilter(label=_("Process"), queryset=None, empty_label=_("All processes"))
    # a plain foreign key: no join that could repeat rows, so no DISTINCT (costly on big lists)
    phase = PhaseMultipleChoiceFilter(label=_("Phases"), queryset=None, distinct=False,
                                      widget=forms.SelectMultiple(attrs={"size": 6}))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Phase.Outcome.choices, field_name="phase__outcome", empty_label=_("Any status")
    )
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=None, empty_label=_("Any owner"))
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.all(), method="filter_team",
                                            empty_label=_("Any team"))
    expected_from = django_filters.DateFilter(
        label=_("Expected from"), field_name="expected_order_date", lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    expected_to = django_filters.DateFilter(
        label=_("Expected until"), field_name="expected_order_date", lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, lead: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["process"].queryset = process_list(lead=lead)
        self.filters["phase"].queryset = phase_list(lead=lead)
        self.filters["owner"].queryset = user_list_active()
        for f in self.form.fields.values():
            css = "form-select form-select-sm" if isinstance(f.widget, forms.Select) else "form-control form-control-sm"
            f.widget.attrs.setdefault("class", css)
        self.form.fields["q"].widget.attrs.setdefault("placeholder", _("Title or customer"))
        self.form.fields["q"].widget.attrs.setdefault("type", "search")

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(customer__name__icontains=value))

    def filter_team(self, queryset, name, value):
        return queryset.filter(owner_or_team_q(field="owner", team_id=value.pk)) if value else queryset
