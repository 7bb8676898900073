"""Custom fields in the list filters (customers, contacts, sales projects, leads, the map).

``custom_filters_add(filterset, entity=..., user=...)`` puts one django-filter filter per
active "filterable" field that the user's role may see into a FilterSet (before its form is
built). A field the role may not see gets no filter, so its parameter is ignored like any unknown
one and never narrows a list (that would reveal the hidden values). Parameters:

* text, long text, URL, e-mail, phone: ``cf_<key>`` contains, ignoring case and accents;
* number, money: ``cf_<key>_from`` / ``cf_<key>_to`` (typed 1.234,56 or 1,234.56);
* date: ``cf_<key>_from`` / ``cf_<key>_to`` (2026-12-02 or 2.12.2026);
* yes/no: ``cf_<key>`` = true / false (false also matches records never given a value);
* one or several choices: ``cf_<key>`` repeated, any of the options;
* user: ``cf_<key>`` = the user's id.

The filters match with ``customfields.query``, on the expressions the field's indexes hold.
A value that does not fit is a form error next to the filter, never an exception.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from crm.lib.l10n import ISO_DATE, LocalizedDecimalField
from customfields import query
from customfields.models import FieldDefinition
from customfields.selectors import definitions_for
from customfields.values import DATE_INPUT_FORMATS

T = FieldDefinition.Type
PREFIX = "cf_"
TEXT_MAX = 100


class _Decimal(django_filters.Filter):
    field_class = LocalizedDecimalField


def _range_label(definition: FieldDefinition, bound: str):
    if bound == "from":
        return _("%(field)s from") % {"field": definition.label}
    return _("%(field)s to") % {"field": definition.label}


def _filters_of(definition: FieldDefinition, *, small: bool) -> dict[str, django_filters.Filter]:
    """The filter(s) of one definition by parameter name."""
    name, kind, label = definition.column, definition.field_type, definition.label
    sm = " form-control-sm" if small else ""
    text_css = {"class": "form-control" + sm}
    select_css = {"class": "form-select" + sm.replace("control", "select")}
    if kind in query.TEXTS:
        return {
            name: django_filters.CharFilter(
                label=label,
                method=lambda qs, _n, value: (
                    qs.filter(query.contains_q(definition, value)) if value.strip() else qs
                ),
                max_length=TEXT_MAX,
                widget=forms.TextInput(attrs={**text_css, "type": "search", "autocomplete": "off"}),
            )
        }
    if kind in query.NUMERIC or kind == T.DATE:
        found = {}
        for bound in ("from", "to"):
            if kind == T.DATE:
                one = django_filters.DateFilter(
                    input_formats=DATE_INPUT_FORMATS,
                    widget=forms.DateInput(attrs={**text_css, "type": "date"}, format=ISO_DATE),
                )
            else:
                one = _Decimal(
                    max_digits=30, decimal_places=10, widget=forms.TextInput(attrs=text_css)
                )
            one.label = _range_label(definition, bound)
            one.method = _range_method(definition, bound)
            found[f"{name}_{bound}"] = one
        return found
    if kind == T.BOOLEAN:
        return {
            name: django_filters.BooleanFilter(
                label=label,
                method=lambda qs, _n, value: (
                    qs if value is None else qs.filter(query.boolean_q(definition, value))
                ),
                widget=forms.Select(
                    attrs=select_css,
                    choices=[("", _("Yes or no")), ("true", _("yes")), ("false", _("no"))],
                ),
            )
        }
    if kind in (T.CHOICE, T.MULTI_CHOICE):
        return {
            name: django_filters.MultipleChoiceFilter(
                label=label,
                choices=definition.option_choices(),
                method=lambda qs, _n, values: (
                    qs.filter(query.choices_q(definition, values)) if values else qs
                ),
                widget=forms.SelectMultiple(
                    attrs={**select_css, "size": min(4, len(definition.options) or 1)}
                ),
            )
        }
    if kind == T.USER:
        from crm.selectors import user_list_active

        return {
            name: django_filters.ModelChoiceFilter(
                label=label,
                queryset=user_list_active(),
                empty_label=_("Anyone"),
                widget=forms.Select(attrs=select_css),
                method=lambda qs, _n, user: (
                    qs.filter(query.choices_q(definition, [user.pk])) if user else qs
                ),
            )
        }
    return {}


def _range_method(definition: FieldDefinition, bound: str):
    def method(queryset, _name, value):
        if value is None:
            return queryset
        low, high = (value, None) if bound == "from" else (None, value)
        return queryset.filter(query.range_q(definition, low=low, high=high))

    return method


def filterable_definitions(*, entity: str, user) -> list[FieldDefinition]:
    """The active "filterable" fields of ``entity`` that ``user``'s role may see."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    # read once per request however many FilterSets it builds (selectors.request_definitions)
    return [d for d in definitions_for(entity=entity, user=user) if d.filterable]


def custom_filters_add(
    filterset: django_filters.FilterSet, *, entity: str, user, small: bool = False
) -> list[str]:
    """Add the custom-field filters ``user`` may use to ``filterset`` (call in ``__init__``,
    before the form is read); returns their parameter names, in form order. ``small``: the
    compact inputs of a side bar."""
    names: list[str] = []
    for definition in filterable_definitions(entity=entity, user=user):
        for name, one in _filters_of(definition, small=small).items():
            if name in filterset.filters:  # a key ending in _from/_to next to a range: first wins
                continue
            one.field_name = name
            one.parent = filterset
            one.model = filterset._meta.model
            filterset.filters[name] = one
            names.append(name)
    filterset.custom_filter_names = names
    return names


def custom_filters_set(filterset: django_filters.FilterSet) -> bool:
    """Whether a custom-field filter of the bound ``filterset`` has a (valid) value."""
    names = getattr(filterset, "custom_filter_names", [])
    if not names or not filterset.is_bound:
        return False
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    return any(data.get(name) not in (None, "", [], ()) for name in names)


def custom_bound_fields(filterset: django_filters.FilterSet) -> list:
    """The bound form fields of the custom-field filters, for the templates."""
    return [filterset.form[name] for name in getattr(filterset, "custom_filter_names", [])]
