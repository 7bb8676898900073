"""Small template helpers of the sales pages: money, links into other apps that may not exist yet."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

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


def _group_pattern() -> str:
    return reverse("sales:group_detail", args=[0])


@register.simple_tag
def project_badges(project, group_pattern: str | None = None, conflict: bool = True) -> str:
    """The group badge (a link to the group) and the competing-offer marker of a project, for
    cards, list rows and the project page (``project.group`` should be select_related)."""
    parts = []
    group = project.group if project.group_id else None
    if group is not None:
        alternatives = group.type.is_alternatives
        title = (_("Alternatives: %(name)s") if alternatives else _("%(type)s: %(name)s")) % {
            "name": group.name, "type": group.type.name}
        if not project.counts_in_pipeline:
            title += " – " + _("counted once, with the group's alternative of the highest weighted value")
        parts.append(format_html(
            '<a class="sales-group-badge{}{}" href="{}" title="{}" data-testid="group-badge">'
            '<span aria-hidden="true">{}</span> {}</a>',
            " sales-group-alternatives" if alternatives else "", "" if project.counts_in_pipeline else " is-shadowed",
            for_pk(group_pattern or _group_pattern(), group.pk), title, "⇄" if alternatives else "Σ", group.name,
        ))
    if conflict and project.has_competitor:
        parts.append(format_html(
            '<span class="sales-conflict-marker" role="img" title="{0}" aria-label="{0}" '
            'data-testid="conflict-marker">⚠</span>',
            _("Possible conflict: another salesperson has an open offer for this customer"),
        ))
    return mark_safe(" ".join(parts))  # noqa: S308 (every part is built by format_html)
