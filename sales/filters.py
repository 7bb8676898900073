"""The filters of the project list and the kanban (one FilterSet, so both keep the same URL), and
of the project groups page."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from crm.lib.l10n import ISO_DATE
from crm.lib.search import folded_like, table_match
from crm.lib.widgets import fast_selects
from crm.models import Team
from crm.selectors import owner_or_team_q, user_ids_in_team, user_list_active
from customfields import standard
from customfields.filters import custom_filters_add, custom_filters_set
from sales.models import Phase, ProjectGroup, SalesProject
from sales.selectors import group_type_list, phase_list, process_list, totals_scope_q

# The lists' text search (issue 17): title or customer name containing the text, folded as the
# global search folds ("Mueller" finds "Müller"), so both read the global search's trigram
# indexes (project_title_fold_trgm, customer_name_fold_trgm): the customers' ids first, then
# one bitmap over the projects' title index OR their customer index. An icontains over the
# join read all 250,000 projects and their customers instead (1-2 s at 100,000 customers).
PROJECT_TEXT_SQL = (
    '(public.crm_fold({t}."title") LIKE %s OR {t}."customer_id" = ANY(ARRAY('
    "SELECT c.id FROM customers_customer c WHERE public.crm_fold(c.name) LIKE %s)))"
)
# The groups: the name, or a member project's title or customer (the projects by the same
# bitmap, their group ids, NULL for most, then the groups by their primary key).
GROUP_TEXT_SQL = (
    '(public.crm_fold({t}."name") LIKE %s OR {t}."id" = ANY(ARRAY('
    "SELECT p.group_id FROM sales_salesproject p WHERE "
    "public.crm_fold(p.title) LIKE %s OR p.customer_id = ANY(ARRAY("
    "SELECT c.id FROM customers_customer c WHERE public.crm_fold(c.name) LIKE %s)))))"
)


def project_text_match(text: str):
    """The projects whose title or customer's name contains ``text`` (folded); None for a text
    without letters."""
    like = folded_like(text)
    if not like:
        return None
    return table_match(PROJECT_TEXT_SQL, [like, like], table=SalesProject._meta.db_table)


def group_text_match(text: str):
    """The groups whose name, or a member project's title or customer's name, contains
    ``text`` (folded); None for a text without letters."""
    like = folded_like(text)
    if not like:
        return None
    return table_match(GROUP_TEXT_SQL, [like] * 3, table=ProjectGroup._meta.db_table)


class PhaseMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Phase) -> str:
        return f"{obj.process.name} – {obj.name}"


class PhaseMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = PhaseMultipleChoiceField


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    process = django_filters.ModelChoiceFilter(
        label=_("Process"), queryset=None, empty_label=_("All processes")
    )
    # a plain foreign key: no join that could repeat rows, so no DISTINCT (costly on big lists)
    phase = PhaseMultipleChoiceFilter(
        label=_("Phases"),
        queryset=None,
        distinct=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Phase.Outcome.choices,
        method="filter_status",
        empty_label=_("Any status"),
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), queryset=None, empty_label=_("Any owner")
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"),
        queryset=Team.objects.all(),
        method="filter_team",
        empty_label=_("Any team"),
    )
    expected_from = django_filters.DateFilter(
        label=_("Expected from"),
        field_name="expected_order_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )
    expected_to = django_filters.DateFilter(
        label=_("Expected until"),
        field_name="expected_order_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )

    def __init__(self, *args, lead: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead
        # custom fields only with the request's user (whose role decides which fields it sees)
        user = getattr(self.request, "user", None)
        if not standard.is_on(standard.area_of(lead=lead), "expected_order_date", user):
            del self.filters["expected_from"], self.filters["expected_to"]  # switched off
        custom_filters_add(self, entity="lead" if lead else "project", user=user, small=True)
        self.filters["process"].queryset = process_list(lead=lead)
        self.filters["phase"].queryset = phase_list(lead=lead)
        self.filters["owner"].queryset = user_list_active()
        for f in self.form.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(f.widget, forms.Select)
                else "form-control form-control-sm"
            )
            f.widget.attrs.setdefault("class", css)
        fast_selects(self.form.fields)
        self.form.fields["q"].widget.attrs.setdefault("placeholder", _("Title or customer"))
        self.form.fields[
            "q"
        ].widget.input_type = "search"  # not attrs["type"]: that renders type twice

    def filter_text(self, queryset, name, value):
        match = project_text_match(value)
        return queryset if match is None else queryset.filter(match)

    def filter_team(self, queryset, name, value):
        return (
            queryset.filter(owner_or_team_q(field="owner", team_id=value.pk)) if value else queryset
        )

    def filter_status(self, queryset, name, value):
        # the phases with that outcome by id, not through a join: the list then reads a deep page
        # from project_volume_idx alone instead of sorting every matching project
        if not value:
            return queryset
        return queryset.filter(
            phase__in=list(Phase.objects.filter(outcome=value).values_list("pk", flat=True))
        )

    def totals_where(self) -> Q | None:
        """The same filter over the running totals (``sales.models.PipelineTotal``), or None when
        a filter they cannot answer is set (text, expected dates, custom fields) or the input is
        invalid."""
        where = totals_scope_q(lead=self.lead)
        if not self.is_bound:
            return where
        if not self.form.is_valid():
            return None
        data = self.form.cleaned_data
        if (data.get("q") or "").strip() or data.get("expected_from") or data.get("expected_to"):
            return None
        if custom_filters_set(self):
            return None
        if data.get("process") is not None:
            where &= Q(process=data["process"])
        if data.get("phase"):
            where &= Q(phase__in=[p.pk for p in data["phase"]])
        if data.get("status"):
            where &= Q(phase__outcome=data["status"])
        if data.get("owner") is not None:
            where &= Q(owner_key=data["owner"].pk)
        if data.get("team") is not None:
            where &= Q(owner_key__in=user_ids_in_team(team_id=data["team"].pk))
        return where


def _style(filterset: django_filters.FilterSet) -> None:
    for f in filterset.form.fields.values():
        css = (
            "form-select form-select-sm"
            if isinstance(f.widget, forms.Select)
            else "form-control form-control-sm"
        )
        f.widget.attrs.setdefault("class", css)


class GroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    type = django_filters.ModelChoiceFilter(
        label=_("Type"), queryset=None, empty_label=_("All types")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        empty_label=_("Any status"),
        choices=[c for c in ProjectGroup.Status.choices if c[0] != ProjectGroup.Status.EMPTY],
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), queryset=None, empty_label=_("Any owner"), method="filter_owner"
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"),
        queryset=Team.objects.all(),
        method="filter_team",
        empty_label=_("Any team"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["type"].queryset = group_type_list(active_only=False)
        self.filters["owner"].queryset = user_list_active()
        _style(self)
        fast_selects(self.form.fields)
        self.form.fields["q"].widget.attrs.setdefault(
            "placeholder", _("Group, project or customer")
        )
        self.form.fields[
            "q"
        ].widget.input_type = "search"  # not attrs["type"]: that renders type twice

    @staticmethod
    def _with_member(queryset, q: Q):
        # one semi-join per group through the partial group index, never a row per member
        return queryset.filter(Exists(SalesProject.objects.filter(q, group_id=OuterRef("pk"))))

    def filter_text(self, queryset, name, value):
        match = group_text_match(value)
        return queryset if match is None else queryset.filter(match)

    def filter_owner(self, queryset, name, value):
        return self._with_member(queryset, Q(owner=value)) if value else queryset

    def filter_team(self, queryset, name, value):
        if not value:
            return queryset
        # the team's users as a list of ids, not a subquery: the planner then checks each
        # group's members in the group index alone instead of joining every member's owner
        owners = list(user_ids_in_team(team_id=value.pk).values_list("pk", flat=True))
        return self._with_member(queryset, Q(owner_id__in=owners)) if owners else queryset.none()

    def owner_ids(self) -> set[int] | None:
        """The owners the page is narrowed to (owner or team), for the conflicts list; None: all."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        ids = None
        if data.get("owner"):
            ids = {data["owner"].pk}
        if data.get("team"):
            team = set(user_ids_in_team(team_id=data["team"].pk).values_list("pk", flat=True))
            ids = team if ids is None else ids & team
        return ids
