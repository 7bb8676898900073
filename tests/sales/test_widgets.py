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
