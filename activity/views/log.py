"""The activity log page: filters, keyset pages, the summary per employee and the weekly chart."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from activity import selectors
from activity.filters import ActivityFilter
from activity.models import HUMAN_KINDS, Activity
from crm.lib.generations import cached
from crm.models import Team
from crm.selectors import user_list_active

LOG_PER_PAGE = 25
# the live region's count after filtering or paging is exact up to this many entries
LOG_COUNT_LIMIT = 1_000


def _log_filter(request: HttpRequest) -> tuple[ActivityFilter, list]:
    users, teams = list(user_list_active()), list(Team.objects.order_by("name"))
    filterset = ActivityFilter(
        request.GET,
        queryset=selectors.activity_base(user=request.user),
        request=request,
        users=users,
        teams=teams,
    )
    return filterset, users


def _query(request: HttpRequest, **changes) -> str:
    """The log's query string without paging and sort state, with ``changes`` applied (None
    drops)."""
    params = request.GET.copy()
    for name in ("cursor", "page", "sort"):
        params.pop(name, None)
    for name, value in changes.items():
        if value is not None:
            params[name] = value
    return params.urlencode()


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    """The log: filters and one keyset page of entries; the summary comes as a fragment of its
    own."""
    filterset, _users = _log_filter(request)
    base = filterset.qs
    period = filterset.chosen_period
    rows = (
        base
        if filterset.ignores_period
        else base.filter(occurred_at__gte=period.start, occurred_at__lt=period.end)
    )
    oldest_first = request.GET.get("sort") == "occurred_at"
    entries, next_cursor = selectors.keyset_page(
        queryset=rows,
        cursor=request.GET.get("cursor"),
        size=LOG_PER_PAGE,
        oldest_first=oldest_first,
    )
    sort = "occurred_at" if oldest_first else None
    context = {
        "filter": filterset,
        "entries": entries,
        "is_first_page": not selectors.cursor_decode(request.GET.get("cursor")),
        "oldest_first": oldest_first,
        "first_query": _query(request, sort=sort),
        "next_query": _query(request, sort=sort, cursor=next_cursor) if next_cursor else None,
        "sort_query": _query(request, sort=None if oldest_first else "occurred_at"),
        "summary_query": _query(request),
    }
    target = request.htmx.target if request.htmx else None
    if target in ("activity-entries", "activity-results"):
        # only a swap is announced (crm.js); a full page load does not pay for the count
        context["total"], context["total_more"] = selectors.activity_count_capped(
            queryset=rows, limit=LOG_COUNT_LIMIT
        )
    if target == "activity-entries":
        return render(request, "activity/activity_list.html#entries", context)
    if target == "activity-results":
        return render(request, "activity/activity_list.html#results", context)
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    if data.get("customer"):
        from customers.models import Customer

        context["customer"] = Customer.objects.filter(pk=data["customer"]).first()
    return render(request, "activity/activity_list.html", context)


@login_required
def activity_summary(request: HttpRequest) -> HttpResponse:
    """The summary per employee and the weekly chart for the log's filters (an htmx fragment of the
    log page; without htmx a page of its own). The rendered table is cached per tenant until the
    next activity write (see ``selectors.summary_cache_seconds``)."""
    filterset, users = _log_filter(request)
    parts = (
        "summary",
        _query(request),
        tuple((u.pk, str(u), u.team_id) for u in users),
        timezone.localdate(),
        get_language(),
    )
    html = cached(
        topic=selectors.SUMMARY_TOPIC,
        parts=parts,
        seconds=selectors.summary_cache_seconds(),
        compute=lambda: render_to_string(
            "activity/_summary.html", _summary_context(filterset, users)
        ),
    )
    if request.htmx:
        return HttpResponse(html)
    return render(request, "activity/activity_summary.html", {"summary_html": mark_safe(html)})  # noqa: S308 - rendered above


def _summary_context(filterset: ActivityFilter, users: list) -> dict:
    period = filterset.chosen_period
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    if data.get("employee"):
        users = [u for u in users if str(u.pk) == data["employee"]]
    elif data.get("team"):
        team_ids = filterset.team_ids(int(data["team"]))
        users = [u for u in users if u.team_id in team_ids]
    from_counts, kinds = filterset.counts_kinds()
    summary = selectors.activity_summary(
        queryset=None if from_counts else filterset.qs, kinds=kinds, users=users, period=period
    )
    if not data.get("employee"):  # people with nothing to show only make the table longer
        summary = [
            s
            for s in summary
            if s.total or s.previous_total or s.customers_total or s.overdue_tasks
        ]
    labels = dict(Activity.Kind.choices)
    return {
        "filter": filterset,
        "summary": summary,
        "period": period,
        "previous": period.previous(),
        "human_kinds": [(k.value, labels[k]) for k in HUMAN_KINDS],
        "chart_max": max([n for s in summary for _m, n in s.weeks] or [0]),
    }
