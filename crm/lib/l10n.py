"""Amounts and numbers as the user's language writes and types them.

``money_format(116600, "EUR")`` is "116.600 €" in German and "116,600 EUR" in English (whole units;
``decimals=2``: "116.600,00 €"). ``number_parse`` reads what people type into an amount field in
either language: 1.234,56 · 1,234.56 · 1234,56 · 116 600 € · 1'234.50.

Localized form fields (``LocalizedDecimalField``, ``LocalizedIntegerField``) are text inputs with
a numeric keyboard: a browser's ``type=number`` refuses "1.234,56" before the server sees it.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from django import forms
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language

# what <input type="date"> shows and sends, whatever the language (never the locale's 02.12.2026)
ISO_DATE = "%Y-%m-%d"
# German writes the symbol after the number; English keeps the code (as the product always did).
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
NBSP = "\u00a0"
_NOISE = re.compile(r"[\s\u00a0\u202f'’€$£%]|EUR|CHF|USD|GBP", re.IGNORECASE)


def tenant_currency() -> str:
    """The current tenant's currency (settings.CRM_CURRENCY outside a tenant)."""
    from django.conf import settings
    from django.db import connection

    return getattr(getattr(connection, "tenant", None), "currency", "") or settings.CRM_CURRENCY


def _german() -> bool:
    return (get_language() or "").startswith("de")


@lru_cache(maxsize=64)
def _suffix(currency: str, german: bool) -> str:
    return NBSP + _SYMBOLS.get(currency, currency) if german else " " + currency


def money_format(value, currency: str, *, decimals: int = 0) -> str:
    """An amount in the active language with thousands separators and the tenant's currency."""
    if value in (None, ""):
        value = Decimal("0")
    # rounded half up, as floatformat did (number_format cuts the digits off)
    value = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return text + _suffix(currency or "EUR", _german())


def grouped(value, decimals: int | None = None) -> str:
    """A number with the active language's thousands separator (counts in tables, totals,
    charts)."""
    if value in (None, ""):
        return ""
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def number_parse(text: str) -> Decimal:
    """The number in ``text`` as typed in the active language; raises InvalidOperation."""
    cleaned = _NOISE.sub("", str(text))
    decimal_sep = get_format("DECIMAL_SEPARATOR")
    if "," in cleaned and "." in cleaned:
        # both: the last one separates the decimals (1.234,56 or 1,234.56)
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        sep = "," if "," in cleaned else ("." if "." in cleaned else "")
        if sep and (
            cleaned.count(sep) > 1 or (sep != decimal_sep and len(cleaned.rsplit(sep, 1)[1]) == 3)
        ):
            cleaned = cleaned.replace(sep, "")  # grouping: 1.234.567, or 1.234 in German
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", cleaned):
        raise InvalidOperation(text)
    return Decimal(cleaned)


def _text_widget(field: forms.Field, inputmode: str) -> None:
    widget = forms.TextInput(attrs={**field.widget.attrs, "inputmode": inputmode})
    widget.is_localized = True
    for key in ("min", "max", "step"):
        widget.attrs.pop(key, None)
    field.widget = widget


class LocalizedDecimalField(forms.DecimalField):
    """A decimal typed the German or the English way (1.234,56 or 1,234.56), shown in the user's."""

    def __init__(self, *args, **kwargs):
        kwargs["localize"] = True
        super().__init__(*args, **kwargs)
        _text_widget(self, "decimal")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return number_parse(str(value).strip())
        except (InvalidOperation, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is not None and not value.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class LocalizedIntegerField(forms.IntegerField):
    """A whole number that may carry thousands separators (1.200 or 1,200)."""

    def __init__(self, *args, **kwargs):
        kwargs["localize"] = True
        super().__init__(*args, **kwargs)
        _text_widget(self, "numeric")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = number_parse(str(value).strip())
        except (InvalidOperation, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if number != number.to_integral_value():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)
