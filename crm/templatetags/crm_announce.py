"""Texts for the layout's live region (crm.js copies ``data-crm-announce`` of a swapped fragment
into it): ``{% row_count_announce "customers" paginator.count %}`` -> "312 customers" /
"312 Kunden", the number in the user's format."""

from django import template
from django.utils.translation import gettext, ngettext

from crm.lib.l10n import grouped

register = template.Library()

# one plural message per kind of list, so every language can decline its noun
_KINDS = {
    "customers": lambda n: ngettext("%(n)s customer", "%(n)s customers", n),
    "contacts": lambda n: ngettext("%(n)s contact person", "%(n)s contact persons", n),
    "projects": lambda n: ngettext("%(n)s sales project", "%(n)s sales projects", n),
    "leads": lambda n: ngettext("%(n)s lead", "%(n)s leads", n),
    "activities": lambda n: ngettext("%(n)s activity", "%(n)s activities", n),
}


@register.simple_tag
def row_count_announce(kind: str, count, estimate: bool = False, more: bool = False) -> str:
    """ "312 customers"; ``estimate``: "about 1,000 rows"; ``more`` (a list counted only up to
    ``count``): "more than 1,000 activities"."""
    n = int(count or 0)
    if estimate:
        return gettext("about %(n)s rows") % {"n": grouped(n)}
    if more:
        return ngettext("more than %(n)s activity", "more than %(n)s activities", n) % {
            "n": grouped(n)
        }
    return _KINDS[kind](n) % {"n": grouped(n)}


@register.simple_tag
def import_announce(job, progress: dict) -> str:
    """The import page's state for the live region, in steps of ten per cent while it runs (the
    page asks every second; the live region only speaks when the text changes)."""
    if job.is_active:
        step = (int(progress.get("percent") or 0) // 10) * 10
        return gettext("%(state)s: %(percent)s %%") % {
            "state": job.get_state_display(),
            "percent": step,
        }
    return str(job.get_state_display())
