"""FilterSets of the customer overview and the contact list. The map page may reuse CustomerFilter:
its parameters are q, status, size_class, owner, team, country, has_open_projects and selection
(the members of a saved map selection), and ``cf_<key>...`` for the custom fields marked
filterable that the user's role may see (``customfields.filters``)."""

from __future__ import annotations

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from crm.features import leads_enabled
from crm.lib.widgets import FastSelect, fast_selects
from crm.models import Team
from crm.selectors import owner_or_team_q, user_list_active
from customers import selectors
from customers.countries import COUNTRY_CHOICES
from customers.models import ContactPerson, Customer
from customfields import standard
from customfields.filters import custom_filters_add

_SEARCH_ATTRS = {"class": "form-control", "type": "search", "autocomplete": "off"}
_SELECT = {"class": "form-select"}


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(
            attrs={**_SEARCH_ATTRS, "placeholder": _("Name, city, contact person …")}
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Customer.Status.choices,
        empty_label=_("Leads and customers"),
        widget=FastSelect(attrs=_SELECT),
    )
    size_class = django_filters.MultipleChoiceFilter(
        label=_("Size class"),
        choices=Customer.SizeClass.choices,
        distinct=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"),
        queryset=user_list_active(),
        method="filter_owner",
        empty_label=_("Any owner"),
        widget=FastSelect(attrs=_SELECT),
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        method="filter_team",
        empty_label=_("Any team"),
        widget=FastSelect(attrs=_SELECT),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        choices=COUNTRY_CHOICES,
        empty_label=_("Any country"),
        widget=FastSelect(attrs=_SELECT),
    )
    has_open_projects = django_filters.BooleanFilter(
        label=_("Open projects"),
        method="filter_open",
        widget=FastSelect(
            attrs=_SELECT,
            choices=[
                ("", _("With or without")),
                ("true", _("With open projects")),
                ("false", _("Without open projects")),
            ],
        ),
    )

    selection = django_filters.CharFilter(method="filter_selection", widget=forms.HiddenInput)

    class Meta:
        model = Customer
        fields = [
            "q",
            "status",
            "size_class",
            "owner",
            "team",
            "country",
            "has_open_projects",
            "selection",
        ]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if not leads_enabled(request):
            # With the lead function off there are no leads to filter for.
            del self.filters["status"]
        if not standard.is_on(standard.Area.CUSTOMER, "country", getattr(request, "user", None)):
            del self.filters["country"]  # switched off by the tenant
        custom_filters_add(self, entity="customer", user=getattr(request, "user", None))
        fast_selects(self.form.fields)

    def filter_q(self, queryset, name, value):
        return selectors.customer_search(queryset, text=value)

    def filter_owner(self, queryset, name, value):
        return (
            queryset.filter(owner_or_team_q(field="owner", user_id=value.pk)) if value else queryset
        )

    def filter_team(self, queryset, name, value):
        return (
            queryset.filter(owner_or_team_q(field="owner", team_id=value.pk)) if value else queryset
        )

    def filter_open(self, queryset, name, value):
        return (
            queryset
            if value is None
            else selectors.customer_has_open_projects(queryset, value=value)
        )

    def filter_selection(self, queryset, name, value):
        # The members of a saved map selection, through the relation the map app puts on the
        # customer (a lookup, not an import). An id that is no selection of this tenant (each
        # tenant has its own schema) or no id at all matches nobody, so that "all rows matching"
        # can never fall back to every customer.
        pk = selection_id(value)
        if pk is None:
            return queryset.none()
        return queryset.filter(map_selection_items__selection_id=pk)


def selection_id(value) -> int | None:
    """The saved-selection id in a ``?selection=`` value, or None when it is none."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or not 0 < int(text) < 2**31:
        return None
    return int(text)


def customer_overview_queryset(*, request, query: QueryDict):
    """The customers the overview shows for the filters in ``query`` (for bulk actions on "all
    rows matching the filters", also from other apps)."""
    on = leads_enabled(request)
    return CustomerFilter(
        query, queryset=selectors.customer_list(leads_visible=on), request=request
    ).qs


class ContactFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(
            attrs={**_SEARCH_ATTRS, "placeholder": _("Name, e-mail, position, customer …")}
        ),
    )
    customer = django_filters.NumberFilter(field_name="customer_id", widget=forms.HiddenInput)
    owner = django_filters.ModelChoiceFilter(
        label=_("Customer owner"),
        queryset=user_list_active(),
        method="filter_owner",
        empty_label=_("Any owner"),
        widget=FastSelect(attrs=_SELECT),
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        method="filter_team",
        empty_label=_("Any team"),
        widget=FastSelect(attrs=_SELECT),
    )
    status = django_filters.ChoiceFilter(
        label=_("Customer status"),
        field_name="customer__status",
        choices=Customer.Status.choices,
        empty_label=_("Leads and customers"),
        widget=FastSelect(attrs=_SELECT),
    )

    class Meta:
        model = ContactPerson
        fields = ["q", "customer", "owner", "team", "status"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if not leads_enabled(request):
            del self.filters["status"]
        custom_filters_add(self, entity="contact", user=getattr(request, "user", None))
        fast_selects(self.form.fields)

    def filter_q(self, queryset, name, value):
        return selectors.contact_search(queryset, text=value)

    def filter_owner(self, queryset, name, value):
        return (
            queryset.filter(owner_or_team_q(field="customer__owner", user_id=value.pk))
            if value
            else queryset
        )

    def filter_team(self, queryset, name, value):
        return (
            queryset.filter(owner_or_team_q(field="customer__owner", team_id=value.pk))
            if value
            else queryset
        )
