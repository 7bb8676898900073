"""The log page's filters: employee or team, type, period, customer, task state."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.models import HUMAN_KINDS, SYSTEM_KINDS, Activity
from activity.periods import DEFAULT_PERIOD, PERIODS, Period, period_resolve
from crm.models import User

_labels = dict(Activity.Kind.choices)
KIND_CHOICES = [
    ("human", _("All logged by people")),
    ("system", _("All recorded by the system")),
    (_("Logged by people"), [(k.value, _labels[k]) for k in HUMAN_KINDS]),
    (_("Recorded by the system"), [(k.value, _labels[k]) for k in SYSTEM_KINDS]),
]
TASK_CHOICES = [
    ("open", _("Open tasks")),
    ("overdue", _("Overdue tasks")),
    ("done", _("Done tasks")),
]


class ActivityFilter(django_filters.FilterSet):
    # Choices come from the lists the view reads anyway for the summary: no extra queries.
    employee = django_filters.ChoiceFilter(
        label=_("Employee"),
        field_name="employee_id",
        choices=[],
        empty_label=_("All employees"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    team = django_filters.ChoiceFilter(
        label=_("Team"),
        choices=[],
        method="filter_team",
        empty_label=_("All teams"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"),
        choices=KIND_CHOICES,
        method="filter_kind",
        empty_label=_("All types"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    period = django_filters.ChoiceFilter(
        label=_("Period"),
        choices=PERIODS,
        method="filter_nothing",
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        method="filter_nothing",
        widget=forms.DateInput(
            attrs={"class": "form-control form-control-sm", "type": "date"}, format="%Y-%m-%d"
        ),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        method="filter_nothing",
        widget=forms.DateInput(
            attrs={"class": "form-control form-control-sm", "type": "date"}, format="%Y-%m-%d"
        ),
    )
    customer = django_filters.NumberFilter(
        field_name="customer_id", label=_("Customer"), widget=forms.HiddenInput
    )
    project = django_filters.NumberFilter(
        field_name="project_id", label=_("Project"), widget=forms.HiddenInput
    )
    customer_name = django_filters.CharFilter(
        label=_("Customer"),
        method="filter_customer_name",
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": _("Customer name")}
        ),
    )
    task = django_filters.ChoiceFilter(
        label=_("Tasks"),
        choices=TASK_CHOICES,
        method="filter_task",
        empty_label=_("Any"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = Activity
        fields: list[str] = []

    def __init__(self, data=None, *args, users: list, teams: list, **kwargs):
        if data is not None:
            data = data.copy()
            if not data.get("period"):
                data["period"] = (
                    "custom" if (data.get("date_from") or data.get("date_to")) else DEFAULT_PERIOD
                )
        super().__init__(data, *args, **kwargs)
        self.users, self.teams = users, teams
        self.filters["employee"].extra["choices"] = [(u.pk, str(u)) for u in users]
        self.filters["team"].extra["choices"] = [(t.pk, str(t)) for t in teams]

    def team_ids(self, team_id: int) -> set[int]:
        """The team and the teams below it, from the list already read."""
        found, stack = set(), [team_id]
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(t.pk for t in self.teams if t.parent_id == current)
        return found

    def filter_nothing(self, queryset, name, value):
        return (
            queryset  # the period is applied by the view: the summary also needs the period before
        )

    def filter_team(self, queryset, name, value):
        return queryset.filter(
            employee_id__in=User.objects.filter(team_id__in=self.team_ids(int(value))).values("pk")
        )

    def filter_kind(self, queryset, name, value):
        if value == "human":
            return queryset.filter(is_system=False)
        if value == "system":
            return queryset.filter(is_system=True)
        return queryset.filter(kind=value)

    def filter_customer_name(self, queryset, name, value):
        from customers.models import Customer

        return queryset.filter(
            customer_id__in=Customer.objects.filter(name__icontains=value.strip()).values("pk")
        )

    def filter_task(self, queryset, name, value):
        queryset = queryset.filter(kind=Activity.Kind.TASK)
        if value == "done":
            return queryset.filter(done_at__isnull=False)
        queryset = queryset.filter(done_at__isnull=True)
        if value == "overdue":
            queryset = queryset.filter(due_date__lt=timezone.localdate())
        return queryset

    @property
    def chosen_period(self) -> Period:
        """The chosen period (the default one when the form is invalid)."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return period_resolve(
            name=data.get("period") or DEFAULT_PERIOD,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def counts_kinds(self) -> tuple[bool, list | None]:
        """Whether the daily counts can answer these filters, and which kinds they take (None:
        all)."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        if any(
            data.get(name) not in (None, "")
            for name in ("customer", "customer_name", "project", "task")
        ):
            return False, None
        kind = data.get("kind")
        if kind == "human":
            return True, [k.value for k in HUMAN_KINDS]
        if kind == "system":
            return True, [k.value for k in SYSTEM_KINDS]
        return True, [kind] if kind else None

    @property
    def ignores_period(self) -> bool:
        """Open and overdue tasks are listed whenever they were created."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return data.get("task") in ("open", "overdue")
