"""Amounts and counts in the user's language: ``{{ value|money:currency }}`` (116.600 €),
``{{ value|money_exact:currency }}`` (116.600,00 €), ``{{ count|grouped }}`` (12.345)."""

from django import template

from crm.lib.l10n import grouped as _grouped
from crm.lib.l10n import money_format

register = template.Library()


@register.filter
def money(value, currency: str = "") -> str:
    return money_format(value, currency)


@register.filter
def money_exact(value, currency: str = "") -> str:
    return money_format(value, currency, decimals=2)


@register.filter
def grouped(value) -> str:
    return _grouped(value)


@register.simple_tag(takes_context=True)
def csv_formats(context) -> list[dict]:
    """The export formats, the one for the user's language first: ``{% csv_formats as formats
    %}``."""
    from crm.lib.csvsafe import CSV_FORMATS, csv_format_for

    request = context.get("request")
    default = csv_format_for(request) if request is not None else "csv"
    items = [
        {"key": key, "label": label, "default": key == default}
        for key, label in CSV_FORMATS.items()
    ]
    return sorted(items, key=lambda item: not item["default"])
