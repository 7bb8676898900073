"""Moving a project: the move dialog and the move itself (from a drop on the board, the dialog or a
plain form), handing it to another owner, reopening it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from crm.lib.forms import form_errors_add
from crm.lib.http import safe_next
from crm.permissions import require_edit_owned, user_can_edit_owned
from sales import selectors, services
from sales.forms import (
    MoveForm,
    OwnerForm,
    ReopenForm,
)
from sales.models import SalesProject
from sales.services import ConcurrentUpdate
from sales.views.common import (
    error_text,
    int_or_none,
    is_lead_project,
    redirect_or_hx,
)
from sales.views.kanban import board_params, board_phase_ids, board_update

__all__ = ["project_move", "project_owner", "project_reopen"]

# the fields the move dialog shows, each with its own error beside it
DIALOG_FIELDS = ("process", "phase", "owner", "lost_reason", "park_until", "park_return_phase")


def _move_dialog(request, *, project, form, board: dict, current=None, error: str = "") -> str:
    from django.template.loader import render_to_string

    return render_to_string(
        "sales/_move_dialog.html",
        {
            "project": project,
            "form": form,
            "board": board,
            "current": current,
            "error": error,
            "next": safe_next(request, ""),
            "has_parking": form.fields["phase"].queryset.filter(parks=True).exists(),
        },
        request=request,
    )


@login_required
def project_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The move dialog (GET) and the move itself (POST), from a drop, the dialog or a plain form."""
    project = selectors.project_get(pk=pk)
    lead = is_lead_project(project, request)
    if not user_can_edit_owned(user=request.user, owner_id=project.owner_id):
        if request.method == "POST" and request.POST.get("board") == "1":
            return board_update(
                request,
                board=board_params(request.POST),
                lead=lead,
                phase_ids={project.phase_id},
                message=_("You may not move this project."),
                level="danger",
            )
        require_edit_owned(user=request.user, owner_id=project.owner_id)
    if request.method == "GET":
        return _dialog_page(request, project=project)
    board = board_params(request.POST)
    form = MoveForm(request.POST, project=project)
    was_lead = project.customer.is_lead
    result, current, error = _move_from_form(request, project=project, form=form)
    if result is not None:
        return _moved(
            request, board=board, lead=lead, project=project, result=result, was_lead=was_lead
        )
    if current is not None:
        # Show the state that won, with a form based on it.
        form = MoveForm(initial=_initial_of(current), project=current)
    return _move_failed(
        request,
        board=board,
        lead=lead,
        project=current or project,
        form=form,
        current=current,
        error=error,
    )


def _initial_of(project: SalesProject) -> dict:
    return {"process": project.process_id, "phase": project.phase_id, "version": project.version}


def _dialog_page(request: HttpRequest, *, project: SalesProject) -> HttpResponse:
    """The move dialog, preset from the address (a drop on another column, a process chosen in
    the dialog)."""
    board = board_params(request.GET)
    initial = _initial_of(project)
    for key in ("process", "phase", "owner", "lost_reason", "park_return_phase"):
        if request.GET.get(key, "").isdigit():
            initial[key] = int(request.GET[key])
    if request.GET.get("park_until"):
        initial["park_until"] = request.GET["park_until"]
    form = MoveForm(initial=initial, project=project)
    phases = list(form.fields["phase"].queryset)
    if initial.get("phase") not in {p.pk for p in phases}:
        # another process was chosen: start at its first phase
        form.initial["phase"] = phases[0].pk if phases else None
    dialog = _move_dialog(request, project=project, form=form, board=board)
    if request.htmx:
        return HttpResponse(dialog)
    return render(request, "sales/project_move.html", {"project": project, "dialog": dialog})


def _move_from_form(request: HttpRequest, *, project: SalesProject, form: MoveForm):
    """The move the form asks for: (its MoveResult, None, "") or, refused, (None, the project's
    current state when a colleague moved it first, that message); other refusals are errors of
    the form."""
    if not form.is_valid():
        return None, None, ""
    data = form.cleaned_data
    try:
        result = services.project_move(
            project=project,
            phase=data["phase"],
            process=data["process"],
            owner=data["owner"],
            lost_reason=data["lost_reason"],
            user=request.user,
            expected_version=data["version"],
            park_until=data["park_until"],
            park_return_phase=data["park_return_phase"],
        )
    except ConcurrentUpdate as exc:
        return None, exc.current, exc.messages[0]
    except PermissionDenied:
        form.add_error("owner", _("You may not hand this project to that owner."))
    except ValidationError as exc:
        form_errors_add(form, exc)
    else:
        return result, None, ""
    return None, None, ""


def _moved(request, *, board: dict, lead: bool, project, result, was_lead: bool) -> HttpResponse:
    """After a move: the redrawn board columns with what happened, or the next page."""
    moved, closed = result.project, _closed_alternatives_text(result.closed_alternatives)
    converted = _converted_text(was_lead=was_lead, project=moved)
    if board["board"] == "1":
        phase_ids = {int_or_none(board["from_phase"]), project.phase_id, moved.phase_id}
        if closed:  # the closed alternatives left their columns for a lost one: redraw the board
            phase_ids |= board_phase_ids(board)
        return board_update(
            request,
            board=board,
            lead=lead,
            phase_ids=phase_ids,
            moved=moved,
            message=" ".join(m for m in (converted, closed) if m),
            level="success" if converted else "info",
        )
    messages.success(request, _("Project moved to “%(phase)s”.") % {"phase": moved.phase})
    if converted:
        messages.success(request, converted)
    if closed:
        messages.info(request, closed)
    return redirect_or_hx(request, safe_next(request, moved.get_absolute_url()))


def _move_failed(request, *, board: dict, lead: bool, project, form, current, error: str):
    """A refused move: the dialog again with its errors (on the board, with the columns redrawn
    and, for a drop, the reason in the board's message)."""
    all_errors = ""
    if not error and form.errors:
        # Errors of the dialog's fields show beside them (once); the alert above the fields and
        # the board's message only carry the others (a stale version, a locked phase ...).
        error = " ".join(
            str(e)
            for name, errors in form.errors.items()
            if name not in DIALOG_FIELDS
            for e in errors
        )
        all_errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
    dialog = _move_dialog(
        request, project=project, form=form, board=board, current=current, error=error
    )
    if board["board"] == "1":
        in_dialog = request.htmx.target == "sales-dialog-body"
        # the open dialog shows the errors itself; a drop has no dialog, so the board says why
        return board_update(
            request,
            board=board,
            lead=lead,
            phase_ids={int_or_none(board["from_phase"]), project.phase_id},
            message="" if in_dialog else error or all_errors,
            level="warning" if current else "danger",
            dialog=dialog,
        )
    if request.htmx:
        return HttpResponse(dialog)
    return render(request, "sales/project_move.html", {"project": project, "dialog": dialog})


def _converted_text(*, was_lead: bool, project: SalesProject) -> str:
    # The move's receivers convert a lead that reached a won or qualifying phase: say so.
    if not was_lead:
        return ""
    from customers.models import Customer

    customer = Customer.objects.filter(pk=project.customer_id).only("name", "status").first()
    if customer is None or customer.is_lead:
        return ""
    return _("“%(name)s” is now a customer.") % {"name": customer.name}


def _closed_alternatives_text(closed: list[SalesProject]) -> str:
    if not closed:
        return ""
    titles = ", ".join(f"“{c.title}”" for c in closed)
    return ngettext(
        "Its alternative %(titles)s was closed as lost (alternative won).",
        "Its alternatives %(titles)s were closed as lost (alternative won).",
        len(closed),
    ) % {"titles": titles}


@login_required
@require_POST
def project_owner(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_edit(user=request.user, pk=pk)
    form = OwnerForm(request.POST)
    if form.is_valid():
        try:
            services.project_change_owner(
                project=project,
                owner=form.cleaned_data["owner"],
                user=request.user,
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("Owner changed."))
        except PermissionDenied:
            messages.error(request, _("You may not hand this project to that owner."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    return redirect(project)


@login_required
@require_POST
def project_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_edit(user=request.user, pk=pk)
    form = ReopenForm(request.POST)
    form.is_valid()  # a malformed date counts as none: the service then asks for it
    try:
        project = services.project_reopen(
            project=project,
            user=request.user,
            expected_version=int_or_none(request.POST.get("version")),
            park_until=form.cleaned_data.get("park_until"),
        )
        messages.success(request, _("Project reopened in “%(phase)s”.") % {"phase": project.phase})
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(project)
