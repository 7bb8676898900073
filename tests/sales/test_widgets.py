"""The fast select widgets render exactly what Django's own select widgets render."""

from __future__ import annotations

import re

import pytest
from django import forms

from crm.lib.widgets import fast_selects


class Sample(forms.Form):
    one = forms.ChoiceField(
        choices=[("", "– any –"), ("a", "A & <b>"), ("b", 'B "quoted"')], required=False
    )
    grouped = forms.ChoiceField(
        choices=[("Fruit", [("1", "Apple"), ("2", "Pear")]), ("3", "Other")]
    )
    many = forms.MultipleChoiceField(
        choices=[(1, "x"), (2, "y"), (3, "z")],
        widget=forms.SelectMultiple(attrs={"size": 6, "class": "form-select"}),
    )
    text = forms.CharField(required=False)


@pytest.mark.parametrize(
    "data", [None, {"one": "a", "grouped": "2", "many": ["1", "3"]}, {"one": "zz"}]
)
def test_fast_selects_render_the_same_markup_as_django(data):
    slow, fast = Sample(data), Sample(data)
    fast_selects(fast.fields)
    assert type(fast.fields["one"].widget).__name__ == "FastSelect"
    for name in ("one", "grouped", "many", "text"):
        assert str(fast[name]) == tight(str(slow[name]))


def tight(html: str) -> str:
    # Django's templates put line breaks between the options; they mean nothing inside a <select>
    return re.sub(r">\s+<", "><", html).strip()


def test_model_choice_selects_read_their_options_once_without_a_server_side_cursor(tenant):
    """Django's ModelChoiceIterator opens a server-side cursor (DECLARE, FETCH, CLOSE) each time a
    select is rendered; the fast selects read the options with one plain query per form."""
    import django_filters
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.models import User

    class People(forms.Form):
        owner = forms.ModelChoiceField(queryset=User.objects.order_by("email"), required=False)
        filtered = django_filters.fields.ModelChoiceField(
            queryset=User.objects.order_by("email"), required=False, null_label="nobody"
        )

    slow, fast = People(), People()
    fast_selects(fast.fields)
    with CaptureQueriesContext(connection) as captured:
        first = [str(fast["owner"]), str(fast["filtered"])]
        again = [str(fast["owner"]), str(fast["filtered"])]
    statements = [q["sql"] for q in captured.captured_queries if "search_path" not in q["sql"]]
    assert len(statements) == 2 and not any("DECLARE" in s for s in statements)
    assert first == again == [tight(str(slow["owner"])), tight(str(slow["filtered"]))]
    assert 'value="null">nobody</option>' in first[1]  # django-filter's own option stays
