from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import User


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _language_choices():
    from django.conf import settings

    return [("", _("The language of my browser")), *settings.LANGUAGES]


class MySettingsForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=_language_choices, required=False)
    after_create = forms.ChoiceField(
        label=_("After saving in “+ New”"),
        choices=User.AfterCreate.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_("The dialog remembers the choice you make there, too."),
    )


class CompanySettingsForm(forms.Form):
    default_language = forms.ChoiceField(
        label=_("Language of new users"),
        choices=_language_choices,
        required=False,
        help_text=_("Each user can change their own language on their settings page."),
    )
