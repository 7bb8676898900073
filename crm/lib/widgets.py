"""Select boxes rendered in Python.

Django renders every <option> through two template includes; the filter and bulk forms of the list
pages (projects, groups, customers, contacts) hold about 200 options (owners, phases, teams...),
which made the forms cost as much as the table. These widgets produce the same markup
(tests/sales/test_widgets.py compares them) with one format_html per option: measured with
bench/render_compare.py on 200 options, Django's template rendering took x3.4-4.7 the time (e.g. 101
ms against 30 ms on a loaded 2-core machine)."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> SafeString:
    # like django/forms/widgets/attrs.html: True -> bare name, False -> left out
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", k) if v is True else format_html(' {}="{}"', k, v),)
            for k, v in attrs.items()
            if v is not False
        ),
    )


class _FastSelectMixin:
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        out = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                out.append(format_html('<optgroup label="{}">', group_name))
            out.extend(
                format_html(
                    '<option value="{}"{}>{}</option>', o["value"], _attrs(o["attrs"]), o["label"]
                )
                for o in options
            )
            if group_name:
                out.append("</optgroup>")
        out.append("</select>")
        return mark_safe("".join(out))  # noqa: S308 (every part comes from format_html)


class FastSelect(_FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(_FastSelectMixin, forms.SelectMultiple):
    pass


_FAST = {forms.Select: FastSelect, forms.SelectMultiple: FastSelectMultiple}


class ListedChoiceIterator(ModelChoiceIterator):
    """A model choice field's options read with one plain query, once per form.

    Django's iterator calls ``queryset.iterator()``, which on PostgreSQL opens a server-side cursor
    (DECLARE ... WITH HOLD, FETCH, CLOSE: several round trips, and its own SET search_path) every
    time the select is rendered. The few dozen owners, teams or phases of a select need none of
    that: this iterates the field's queryset, whose rows are then cached for the form's lifetime.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


_LISTED: dict[type, type] = {}


def _listed(iterator: type) -> type:
    """``iterator`` (a ModelChoiceIterator class, e.g. django-filter's, which adds its "null"
    option) reading its rows like ListedChoiceIterator."""
    if issubclass(iterator, ListedChoiceIterator):
        return iterator
    if iterator is ModelChoiceIterator:
        return ListedChoiceIterator
    if iterator not in _LISTED:
        _LISTED[iterator] = type(f"Listed{iterator.__name__}", (iterator, ListedChoiceIterator), {})
    return _LISTED[iterator]


def fast_selects(fields) -> None:
    """Give the plain select widgets of ``fields`` (a form's fields) the fast rendering, keeping
    their choices, attributes and required state (the class changes, nothing else); model choice
    fields read their options with one plain query (ListedChoiceIterator)."""
    for field in fields.values():
        fast = _FAST.get(type(field.widget))
        if fast is not None:
            field.widget.__class__ = fast
        if isinstance(field, forms.ModelChoiceField) and not hasattr(field, "_choices"):
            field.iterator = _listed(field.iterator)
            field.widget.choices = field.choices
