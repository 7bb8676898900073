"""Small template helpers of the sales pages: money, links into other apps that may not exist yet."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.filter
def money(value, currency: str | None = None) -> str:
    """1234567.8 -> "1,234,568 EUR" (whole units, grouped by the active locale)."""
    if value in (None, ""):
        value = Decimal("0")
    return f"{floatformat(value, '0g')} {currency or settings.CRM_CURRENCY}"


@register.filter
def for_pk(pattern: str, pk) -> str:
    """A URL reversed once with pk 0 ("/sales/projects/0/move/"), for another pk."""
    return pattern.replace("/0/", f"/{int(pk)}/", 1)


@register.simple_tag
def url_or_empty(name: str, *args) -> str:
    """reverse() that gives "" instead of failing when the other app has not landed the page yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" removes them)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = value
    query.pop("page", None) if "page" not in changes else None
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
