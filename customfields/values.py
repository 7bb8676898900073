"""Typed values of custom fields: the form field of a type, what is stored in JSONB, and how a
stored value reads on a page or in a CSV file.

Stored shapes (never floats, so money stays exact and every value sorts by its index):
text, long text, URL, e-mail, phone, choice: a string; number and money: a decimal string
("1234.50"); date: ISO "YYYY-MM-DD"; yes/no: true/false; several choices: a list of strings;
user: the user's id. An empty value is not stored at all (the key is removed).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.validators import RegexValidator
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.lib.l10n import LocalizedDecimalField
from customfields.models import FieldDefinition

T = FieldDefinition.Type
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y"]
phone_validator = RegexValidator(
    r"^[0-9+()/. \-]{3,50}$",
    gettext_lazy("Enter a phone number (digits, +, spaces, / and - only)."),
)


class _Choice(forms.ChoiceField):
    """A choice that also accepts the option's English or German label (CSV import)."""

    def __init__(self, *, options: list[dict], **kwargs):
        self.options = options
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return option_value(self.options, value) or value


class _MultiChoice(forms.MultipleChoiceField):
    def __init__(self, *, options: list[dict], **kwargs):
        self.options = options
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = [part for part in re.split(r"[|,;]", value) if part.strip()]
        return [option_value(self.options, v) or v for v in super().to_python(value)]


def option_value(options: list[dict], text: str) -> str | None:
    """The option whose value or label is ``text`` (case-insensitive), or None."""
    wanted = (text or "").strip().casefold()
    for option in options:
        if wanted in {str(option.get(k, "")).strip().casefold() for k in ("value", "en", "de")}:
            return option["value"]
    return None


def form_field(definition: FieldDefinition, *, required: bool | None = None) -> forms.Field:
    """The form field for ``definition`` (label and help in the user's language)."""
    kwargs = {
        "label": definition.label,
        "help_text": definition.help_text,
        "required": definition.required if required is None else required,
    }
    kind = definition.field_type
    if kind == T.TEXT:
        return forms.CharField(max_length=250, **kwargs)
    if kind == T.LONG_TEXT:
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), **kwargs)
    if kind == T.NUMBER:
        return LocalizedDecimalField(max_digits=20, decimal_places=6, **kwargs)
    if kind == T.MONEY:
        return LocalizedDecimalField(max_digits=16, decimal_places=2, **kwargs)
    if kind == T.DATE:
        return forms.DateField(
            input_formats=DATE_INPUT_FORMATS,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **kwargs,
        )
    if kind == T.BOOLEAN:
        kwargs["required"] = False  # "required" cannot mean "must be yes"
        return forms.BooleanField(**kwargs)
    if kind == T.CHOICE:
        return _Choice(
            options=definition.options, choices=[("", "—"), *definition.option_choices()], **kwargs
        )
    if kind == T.MULTI_CHOICE:
        return _MultiChoice(
            options=definition.options,
            choices=definition.option_choices(),
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )
    if kind == T.URL:
        return forms.URLField(max_length=250, assume_scheme="https", **kwargs)
    if kind == T.EMAIL:
        return forms.EmailField(max_length=250, **kwargs)
    if kind == T.PHONE:
        return forms.CharField(max_length=50, validators=[phone_validator], **kwargs)
    if kind == T.USER:
        from crm.models import User

        return forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), **kwargs)
    raise ValueError(kind)


def to_storage(definition: FieldDefinition, value):
    """A cleaned form value as stored in JSONB; None for empty."""
    if value in (None, "", [], ()):
        return None
    kind = definition.field_type
    if kind in (T.NUMBER, T.MONEY):
        return format(
            Decimal(value).normalize()
            if kind == T.NUMBER
            else Decimal(value).quantize(Decimal("0.01")),
            "f",
        )
    if kind == T.DATE:
        return value.isoformat()
    if kind == T.BOOLEAN:
        return bool(value)
    if kind == T.MULTI_CHOICE:
        order = [o["value"] for o in definition.options]
        return sorted(set(value), key=lambda v: order.index(v) if v in order else len(order))
    if kind == T.USER:
        return value.pk if hasattr(value, "pk") else int(value)
    return str(value).strip() or None


TYPED = (T.NUMBER, T.MONEY, T.DATE)
BROKEN = (InvalidOperation, ValueError, TypeError)  # a stored value that does not fit its type


def _typed(kind: str, stored):
    """Stored numbers and money as Decimal, dates as dates, anything else as stored; raises one of
    BROKEN for a value that does not fit its type."""
    if kind in (T.NUMBER, T.MONEY):
        return Decimal(str(stored))
    if kind == T.DATE:
        return datetime.date.fromisoformat(stored)
    return stored


def to_initial(definition: FieldDefinition, stored):
    """A stored value as a form's initial value."""
    if stored is None:
        return None
    try:
        return _typed(definition.field_type, stored)
    except BROKEN:
        return None


def display(definition: FieldDefinition, stored, *, users: dict | None = None) -> str:
    """A stored value as text for pages and CSV files ("" when empty)."""
    if stored in (None, "", []):
        return ""
    kind = definition.field_type
    if kind in TYPED:
        try:
            typed = _typed(kind, stored)
        except BROKEN:
            return str(stored)
        if kind == T.DATE:
            return formats.date_format(typed, "SHORT_DATE_FORMAT")
        if kind == T.MONEY:
            return formats.number_format(typed, 2, use_l10n=True, force_grouping=True)
        return formats.number_format(typed, use_l10n=True)
    if kind == T.BOOLEAN:
        return _("yes") if stored else _("no")
    if kind in (T.CHOICE, T.MULTI_CHOICE):
        labels = dict(definition.option_choices())
        values = stored if isinstance(stored, list) else [stored]
        return ", ".join(str(labels.get(v, v)) for v in values)
    if kind == T.USER:
        if users is not None and stored in users:
            return str(users[stored])
        from crm.models import User

        user = User.objects.filter(pk=stored).first()
        return str(user) if user else ""
    return str(stored)


def export_value(definition: FieldDefinition, stored, *, users: dict | None = None):
    """A stored value for a CSV cell: numbers as Decimal and dates as dates (the CSV writer formats
    them for the chosen format), choices as their labels, users by e-mail."""
    if stored in (None, "", []):
        return ""
    kind = definition.field_type
    if kind in TYPED:
        try:
            return _typed(kind, stored)
        except BROKEN:
            return str(stored)
    if kind == T.USER:
        return (users or {}).get(stored, "")
    return display(definition, stored)


def export_users(definitions) -> dict | None:
    """User id -> e-mail, when one of ``definitions`` is a user field (read once per export)."""
    if not any(d.field_type == T.USER for d in definitions):
        return None
    from crm.models import User

    return dict(User.objects.values_list("pk", "email"))


def export_cells(definitions, custom: dict | None, *, users: dict | None = None) -> list:
    """The CSV cells of one record's ``custom`` value, one per definition."""
    custom = custom or {}
    return [export_value(d, custom.get(d.key), users=users) for d in definitions]


def parse_text(definition: FieldDefinition, text: str, *, field: forms.Field | None = None):
    """A typed text (CSV cell, default) as a stored value; raises ValidationError when it does not
    fit.

    ``field``: the definition's ``form_field(required=False)``, when many cells are parsed."""
    field = field or form_field(definition, required=False)
    if definition.field_type == T.BOOLEAN:
        word = (text or "").strip().casefold()
        if word in ("",):
            return None
        if word in ("1", "yes", "ja", "true", "wahr", "x", "y", "j"):
            return True
        if word in ("0", "no", "nein", "false", "falsch", "n"):
            return False
        raise forms.ValidationError(_("Enter yes or no."))
    if definition.field_type == T.USER:
        from crm.models import User

        word = (text or "").strip()
        if not word:
            return None
        user = User.objects.filter(email__iexact=word, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No active user has the e-mail address %(email)s.") % {"email": word}
            )
        return user.pk
    return to_storage(definition, field.clean(text))
