"""Small template helpers of the sales pages: money, links into other apps that may not exist
yet."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.defaultfilters import urlencode
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.lib.l10n import money_format
from sales.cards import CARD_DEFAULT, PLACED, card_fields_for, card_value

register = template.Library()


@register.filter
def money(value, currency: str | None = None) -> str:
    """1234567.8 -> "1,234,568 EUR", in German "1.234.568 €" (whole units, see crm.lib.l10n)."""
    return money_format(value, currency or settings.CRM_CURRENCY)


@register.filter
def for_pk(pattern: str, pk) -> str:
    """A URL reversed once with pk 0 ("/sales/projects/0/move/"), for another pk."""
    return pattern.replace("/0/", f"/{int(pk)}/", 1)


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
            "name": group.name,
            "type": group.type.name,
        }
        if not project.counts_in_pipeline:
            title += " – " + _(
                "counted once, with the group's alternative of the highest weighted value"
            )
        parts.append(
            format_html(
                '<a class="sales-group-badge{}{}" href="{}" title="{}" data-testid="group-badge">'
                '<span aria-hidden="true">{}</span> {}</a>',
                " sales-group-alternatives" if alternatives else "",
                "" if project.counts_in_pipeline else " is-shadowed",
                for_pk(group_pattern or _group_pattern(), group.pk),
                title,
                "⇄" if alternatives else "Σ",
                group.name,
            )
        )
    if conflict and project.has_competitor:
        parts.append(
            format_html(
                '<span class="sales-conflict-marker" role="img" title="{0}" aria-label="{0}" '
                'data-testid="conflict-marker">⚠</span>',
                _("Possible conflict: another salesperson has an open offer for this customer"),
            )
        )
    return mark_safe(" ".join(parts))  # noqa: S308 (every part is built by format_html)


# --- kanban cards -----------------------------------------------------------------------------
# A board shows up to a hundred cards. Measured with bench/render_compare.py (demo tenant, 60 cards,
# the quick-log slot a template in both): the same markup as a template include per card took
# x1.3-1.7 the time of this Python rendering (e.g. 339 ms against 206 ms on a loaded 2-core
# machine), and the cards are most of the board's rendering, so the template version would make the
# board page measurably slower. The activity app's quick-log slot stays a template.

QUICKLOG_SLOT = "components/_card_quicklog_slot.html"


def _card_labels() -> dict:
    # translated once per board, not once per card
    return {
        "red": _("far too long in this phase"),
        "yellow": _("long in this phase"),
        "followup_due": _("Follow-up due"),
        "move": _("Move…"),
        "no_owner": _("No owner"),
        "not_counted": _("Not in the totals: its group counts once, with another alternative"),
    }


def _age_dot(project, labels: dict) -> str:
    marker = project.age_marker
    if not marker:
        return ""
    days = project.days_in_phase
    title = ngettext("%(days)s day in this phase", "%(days)s days in this phase", days) % {
        "days": days
    }
    return format_html(
        '<span class="sales-dot sales-dot-{0}" role="img" data-testid="age-{0}" title="{1}" '
        'aria-label="{2}"></span>',
        marker,
        title,
        labels["red" if marker == "red" else "yellow"],
    )


def _volume_owner(project, *, keys, currency, labels) -> str:
    counted = project.counts_in_pipeline
    volume = (
        format_html(
            '<span class="fw-semibold{}"{}>{}</span>',
            "" if counted else " sales-not-counted",
            "" if counted else format_html(' title="{}"', labels["not_counted"]),
            money(project.volume, currency),
        )
        if "volume" in keys
        else ""
    )
    owner = (
        format_html(
            '<span class="sales-owner" title="{}">{}</span>',
            project.owner if project.owner_id else labels["no_owner"],
            (project.owner.initials if project.owner_id else "") or "–",
        )
        if "owner" in keys
        else ""
    )
    return format_html(
        '<div class="d-flex justify-content-between align-items-center small mt-1">{}{}</div>',
        volume,
        owner,
    )


def kanban_card_html(
    project,
    *,
    urls: dict,
    board_query: str,
    process_pk,
    currency: str | None,
    slot: str,
    labels: dict | None = None,
    fields: list | None = None,
) -> str:
    """One card of the board (``slot``: the rendered quick-log control of this card; ``fields``:
    the card fields of the tenant's layout, sales.cards; None: customer, volume and owner)."""
    labels = labels or _card_labels()
    keys = [f.key for f in fields] if fields is not None else list(CARD_DEFAULT)
    move_url = for_pk(urls["card_move"], project.pk)
    parts = [
        format_html(
            '<article class="sales-card" id="card-{0}" data-project-id="{0}" data-version="{1}" '
            'data-move-url="{2}"{3} '
            'data-testid="card" data-title="{4}">'
            '<div class="d-flex justify-content-between align-items-start gap-1">'
            '<a class="sales-card-title" href="{5}">{4}</a>{6}</div>',
            project.pk,
            project.version,
            move_url,
            mark_safe(' draggable="true"') if project.can_edit else "",
            project.title,
            for_pk(urls["card_detail"], project.pk),
            _age_dot(project, labels),
        )
    ]
    if "customer" in keys:
        parts.append(
            format_html(
                '<div class="small text-truncate {}">{}</div>',
                "crm-name-lead" if project.customer.is_lead else "crm-name-customer",
                project.customer.name,
            )
        )
    if project.group_id or project.has_competitor:
        parts.append(
            format_html(
                '<div class="sales-badges small">{}</div>',
                project_badges(project, urls["group_detail"]),
            )
        )
    if project.parked_until:
        parts.append(
            format_html(
                '<div class="small text-muted" data-testid="parked-until">{}</div>',
                _("Follow up on %(date)s")
                % {"date": date_format(project.parked_until, "SHORT_DATE_FORMAT")},
            )
        )
    if project.followup_due:
        parts.append(
            format_html(
                '<div class="small text-danger fw-semibold">{}</div>', labels["followup_due"]
            )
        )
    if "volume" in keys or "owner" in keys:
        parts.append(_volume_owner(project, keys=keys, currency=currency, labels=labels))
    for field in fields or ():
        if field.key not in PLACED:
            parts.append(
                format_html(
                    '<div class="small text-truncate" data-testid="card-field" data-key="{}">'
                    '<span class="text-muted">{}:</span> {}</div>',
                    field.key,
                    field.label,
                    card_value(project, field),
                )
            )
    move = ""
    if project.can_edit:
        move = format_html(
            '<a class="small" href="{0}?next={1}%3F{2}" '
            'hx-get="{0}?board=1&amp;board_process={3}&amp;from_phase={4}'
            '&amp;board_query={2}" hx-target="#sales-dialog-body" data-testid="card-move">{5}'
            '<span class="visually-hidden"> {6}</span></a>',
            move_url,
            urlencode(urls["kanban"]),
            urlencode(board_query),
            process_pk,
            project.phase_id,
            labels["move"],
            project.title,
        )
    parts.append(
        format_html(
            '<div class="d-flex align-items-center gap-2 mt-1 '
            'sales-card-actions">{}{}</div></article>',
            move,
            slot,
        )
    )
    return "".join(parts)


@register.simple_tag(takes_context=True)
def kanban_cards(context, cards) -> str:
    """The cards of a column (``urls``, ``board_query``, ``process`` and ``crm_tenant`` from the
    context)."""
    slot = context.template.engine.get_template(QUICKLOG_SLOT)
    tenant = context.get("crm_tenant")
    currency = getattr(tenant, "currency", None) if tenant is not None else None
    process = context.get("process")
    labels = _card_labels()
    request = context.get("request")
    fields = (
        card_fields_for(request, lead=getattr(process, "kind", "") == "lead", currency=currency)
        if request is not None and getattr(request, "user", None) is not None
        else None
    )
    out = []
    for project in cards:
        with context.push(project=project):
            rendered = slot.render(context)
        out.append(
            kanban_card_html(
                project,
                urls=context["urls"],
                board_query=context.get("board_query", ""),
                process_pk=process.pk if process is not None else "",
                currency=currency,
                slot=rendered,
                labels=labels,
                fields=fields,
            )
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every card is built by format_html)
