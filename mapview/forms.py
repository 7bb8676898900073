"""Input shapes of the map pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.selectors import owner_choices


class LocationForm(forms.Form):
    latitude = forms.FloatField(
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"}),
    )


class SelectionSaveForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("e.g. Trip to Munich")}
        ),
    )
    geometry = forms.CharField(widget=forms.HiddenInput)


class SelectionRenameForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("New owner"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices(user=user)
