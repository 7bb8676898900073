"""The process view (kanban) of sales projects and leads: the board, "load more" of a column, and
the re-rendered columns a move from the board answers with."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from customfields import standard
from sales import selectors
from sales.filters import ProjectFilter
from sales.models import Phase, Process
from sales.views.common import int_or_none, mark_editable, require_leads, view_urls

__all__ = ["project_kanban", "project_kanban_column"]


SORT_LABELS = {
    "volume": gettext_lazy("Volume"),
    "expected": gettext_lazy("Expected date"),
    "age": gettext_lazy("Age in phase"),
}  # lazy: read per request in its language


def _board_filter(query: QueryDict, lead: bool, request=None) -> ProjectFilter:
    # The board's process is given by its columns; not filtering on it saves validating the id.
    query = query.copy()
    query.pop("process", None)
    return ProjectFilter(
        query or None, queryset=selectors.project_queryset(lead=lead), lead=lead, request=request
    )


def _board_process(query: QueryDict, lead: bool, processes: list | None = None) -> Process | None:
    processes = list(selectors.process_list(lead=lead)) if processes is None else processes
    wanted = query.get("process")
    for process in processes:
        if str(process.pk) == wanted:
            return process
    return processes[0] if processes else None


def _board_sort(query: QueryDict) -> str:
    sort = query.get("sort", "volume")
    return sort if sort in selectors.CARD_SORTS else "volume"


def board_context(
    *, request, query: QueryDict, lead: bool, process: Process, phase_ids=None
) -> dict:
    filterset = _board_filter(query, lead, request)
    sort = _board_sort(query)
    columns = selectors.kanban_board(
        process=process,
        projects=filterset.qs,
        sort=sort,
        phase_ids=phase_ids,
        totals_where=filterset.totals_where(),
    )
    mark_editable([c for col in columns for c in col.cards], request.user)
    board_query = query.copy()
    board_query["process"] = str(process.pk)
    return {
        "columns": columns,
        "process": process,
        "sort": sort,
        "filter": filterset,
        "lead": lead,
        "board_query": board_query.urlencode(),
        "urls": view_urls(lead),
        "custom_filters": getattr(filterset, "custom_filter_names", []),
    }


@login_required
@require_GET
def project_kanban(request: HttpRequest, lead: bool = False) -> HttpResponse:
    require_leads(request, lead)
    processes = list(selectors.process_list(lead=lead))
    process = _board_process(request.GET, lead, processes=processes)
    if process is None:
        return render(
            request,
            "sales/project_kanban.html",
            {"process": None, "lead": lead, "urls": view_urls(lead)},
        )
    context = board_context(request=request, query=request.GET, lead=lead, process=process)
    carry = [
        (k, v)
        for k in ("status", "expected_from", "expected_to", "phase", *context["custom_filters"])
        for v in request.GET.getlist(k)
    ]
    sorts = dict(SORT_LABELS)
    if not standard.is_on(standard.area_of(lead=lead), "expected_order_date", request.user):
        del sorts["expected"]  # the expected order date is switched off
    context.update(processes=processes, sorts=sorts, carry=carry)
    template = (
        "sales/project_kanban.html#board"
        if request.htmx and not request.htmx.boosted
        else "sales/project_kanban.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def project_kanban_column(request: HttpRequest, lead: bool = False) -> HttpResponse:
    """More cards of one column ("load more")."""
    require_leads(request, lead)
    process = _board_process(request.GET, lead)
    try:
        phase = process.phases.get(pk=int(request.GET.get("column", "")))
        offset = max(0, int(request.GET.get("offset", "0")))
    except (ValueError, Phase.DoesNotExist, AttributeError):
        raise Http404 from None
    filterset = _board_filter(request.GET, lead, request)
    sort = _board_sort(request.GET)
    cards = selectors.kanban_cards(
        projects=filterset.qs,
        phase=phase,
        sort=sort,
        offset=offset,
        limit=selectors.KANBAN_PAGE + 1,
    )
    has_more = len(cards) > selectors.KANBAN_PAGE
    cards = cards[: selectors.KANBAN_PAGE]
    mark_editable(cards, request.user)
    board_query = request.GET.copy()
    for key in ("column", "offset"):
        board_query.pop(key, None)
    return render(
        request,
        "sales/_kanban_more.html",
        {
            "cards": cards,
            "phase": phase,
            "process": process,
            "has_more": has_more,
            "next_offset": offset + len(cards),
            "board_query": board_query.urlencode(),
            "urls": view_urls(lead),
        },
    )


BOARD_FIELDS = ("board", "board_process", "board_query", "from_phase")


def board_params(source: QueryDict) -> dict:
    return {k: source.get(k, "") for k in BOARD_FIELDS}


def board_update(
    request,
    *,
    board: dict,
    lead: bool,
    phase_ids: set,
    message: str = "",
    level: str = "info",
    dialog: str = "",
    status: int = 200,
    moved=None,
) -> HttpResponse:
    """Re-rendered columns (out of band) of the kanban the move came from, plus a message."""
    columns = []
    process = (
        Process.objects.filter(pk=board["board_process"]).first()
        if board["board_process"].isdigit()
        else None
    )
    query = QueryDict(board["board_query"] or "")
    if process is not None:
        wanted = [pid for pid in phase_ids if pid]
        context = board_context(
            request=request, query=query, lead=lead, process=process, phase_ids=wanted
        )
        columns = context["columns"]
    else:
        context = {"urls": view_urls(lead), "board_query": "", "lead": lead}
    context.update(oob_columns=columns, message=message, level=level, dialog=dialog)
    response = render(request, "sales/_board_update.html", context, status=status)
    if moved is not None:
        response["HX-Trigger"] = "salesMoved"
        # after the columns are redrawn: focus the moved card and announce where it went (sales.js)
        response["HX-Trigger-After-Settle"] = json.dumps(
            {
                "salesMovedSettled": {
                    "project": moved.pk,
                    "text": _("Project moved to “%(phase)s”.") % {"phase": moved.phase},
                }
            }
        )
    return response


def board_phase_ids(board: dict) -> set[int]:
    process_id = int_or_none(board["board_process"])
    return (
        set(Phase.objects.filter(process_id=process_id).values_list("pk", flat=True))
        if process_id
        else set()
    )
