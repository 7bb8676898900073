"""Template helpers of the activity log: edit rights and the weekly chart as inline SVG."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from activity.selectors import activity_user_can_edit

register = template.Library()


@lru_cache(maxsize=512)
def _week_label(monday, language) -> str:
    # the same Mondays come back for every employee of the summary: format each once
    return _("Week of %(date)s: %(count)s").replace(
        "%(date)s", date_format(monday, "SHORT_DATE_FORMAT")
    )


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
    """Bars of entries per week as inline SVG: one path draws the bars, and a transparent column per
    week carries the tooltip with the week and count (a wide target even for a short bar)."""
    if not weeks:
        return ""
    top = max(scale_max, max(n for _m, n in weeks), 1)
    language = get_language()
    # Integer user units (a bar 10 wide, a gap of 1), stretched to ``width`` by the viewBox. Built
    # as plain strings (numbers need no escaping, labels are escaped once): a summary has 50 charts.
    step, bar = 11, 10
    view_width = step * len(weeks) - 1
    bars, hits = [], []
    for i, (monday, n) in enumerate(weeks):
        x = i * step
        if n:
            h = max(1.5, (height - 2) * n / top)
            bars.append(f"M{x} {height - h:.1f}h{bar}V{height}h-{bar}z")
        tip = escape(_week_label(monday, language) % {"count": int(n)})
        hits.append(
            f'<rect class="crm-bar-hit" x="{x}" width="{bar}" '
            f'height="{int(height)}"><title>{tip}</title></rect>'
        )
    return mark_safe(  # noqa: S308 - every interpolated text is escaped above or below, the rest are numbers
        '<svg class="crm-weekly-chart" role="img" '
        f'aria-label="{escape(label or _("Entries per week"))}" '
        f'viewBox="0 0 {view_width} {int(height)}" width="{int(width)}" height="{int(height)}" '
        'preserveAspectRatio="none">'
        f'<path class="crm-axis" d="M0 {height - 0.5}H{view_width}"></path><path class="crm-bar" '
        f'd="{"".join(bars)}"></path>'
        f"{''.join(hits)}</svg>"
    )
