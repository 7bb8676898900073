"""Template helpers of the activity log: edit rights and the weekly chart as inline SVG."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from activity.selectors import activity_user_can_edit

register = template.Library()


@lru_cache(maxsize=512)
def _week_label(monday, language) -> str:
    # the same Mondays come back for every employee of the summary: format each once
    return _("Week of %(date)s: %(count)s").replace("%(date)s", date_format(monday, "SHORT_DATE_FORMAT"))


@register.filter
def editable_by(activity, user) -> bool:
    """``{% if a|editable_by:user %}``: the author or an admin, never for system entries."""
    return activity_user_can_edit(user=user, activity=activity)


@register.filter
def signed(value) -> str:
    """+3, −2, 0."""
    if value is None:
        return ""
    return f"+{value}" if value > 0 else ("−" + str(-value) if value < 0 else "0")


@register.filter
def signed_diff(value, other) -> str:
    """The signed difference ``value - other``."""
    try:
        return signed(int(value) - int(other))
    except (TypeError, ValueError):
        return ""


@register.simple_tag
def weekly_chart(weeks, scale_max: int = 0, width: int = 180, height: int = 40, label: str = ""):
    """Bars of entries per week as inline SVG; every bar has a tooltip with the week and count."""
    if not weeks:
        return ""
    top = max(scale_max, max(n for _m, n in weeks), 1)
    gap = 1
    bar = max(1.0, (width - gap * (len(weeks) - 1)) / len(weeks))
    bars = []
    for i, (monday, n) in enumerate(weeks):
        h = 0 if n == 0 else max(1.5, (height - 2) * n / top)
        tip = _week_label(monday, get_language()) % {"count": n}
        x = f"{i * (bar + gap):.1f}"
        bars.append((tip, x, f"{height - h:.1f}", f"{bar:.1f}", f"{h:.1f}", x, f"{bar:.1f}", height))
    rects = format_html_join(
        "",
        '<g><title>{}</title><rect class="crm-bar" x="{}" y="{}" width="{}" height="{}"></rect>'
        '<rect class="crm-bar-hit" x="{}" y="0" width="{}" height="{}" fill="transparent"></rect></g>',
        bars,
    )
    return format_html(
        '<svg class="crm-weekly-chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'preserveAspectRatio="none"><line class="crm-axis" x1="0" y1="{}" x2="{}" y2="{}"></line>{}</svg>',
        label or _("Entries per week"), width, height, width, height, height - 0.5, width, height - 0.5, rects,
    )
