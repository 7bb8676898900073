"""Pages of sales projects and leads: kanban, list, create, detail, move dialog, bulk actions.

Leads use the same views with ``lead=True`` (URL kwargs), over lead processes only.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from crm.lib.dialogs import dialog_created, dialog_render, dialog_requested
from crm.lib.pagination import SafePaginator
from crm.permissions import editable_owner_ids, require_edit_owned, user_can_edit_owned
from customers.models import Customer
from customfields.forms import custom_values
from sales import selectors, services
from sales.filters import ProjectFilter
from sales.forms import (
    BulkForm,
    GroupJoinForm,
    MoveForm,
    NewCustomerForm,
    OwnerForm,
    ProjectContactForm,
    ProjectCreateForm,
    ProjectEditForm,
    TenantSettingsForm,
    customer_choices,
)
from sales.listing import as_project_list
from sales.models import Phase, Process, SalesProject
from sales.services import ConcurrentUpdate
from sales.tables import ProjectTable

__all__ = [
    "customer_search", "lead_list", "project_bulk", "project_contact_add", "project_contact_remove",
    "project_create", "project_detail", "project_export", "project_followup_done", "project_kanban",
    "project_kanban_column", "project_list", "project_move", "project_owner", "project_reopen", "project_update",
    "tenant_settings",
]

SORT_LABELS = {"volume": gettext_lazy("Volume"), "expected": gettext_lazy("Expected date"),
               "age": gettext_lazy("Age in phase")}  # lazy: read per request in its language


def _urls(lead: bool) -> dict[str, str]:
    prefix = "sales:lead_" if lead else "sales:project_"
    urls = {name: reverse(prefix + name) for name in ("list", "kanban", "create", "kanban_column", "bulk", "export")}
    # per-card links from one reverse() each (a board renders a hundred cards); see the for_pk filter
    urls["card_detail"] = reverse("sales:project_detail", args=[0])
    urls["card_move"] = reverse("sales:project_move", args=[0])
    urls["group_detail"] = reverse("sales:group_detail", args=[0])
    return urls


def _safe_next(request: HttpRequest, fallback: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return nxt if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else fallback


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _mark_editable(projects, user) -> None:
    allowed = editable_owner_ids(user=user)
    for project in projects:
        project.can_edit = allowed is None or project.owner_id in allowed


def _is_lead_project(project: SalesProject) -> bool:
    return project.process.kind == Process.Kind.LEAD


def _require_leads(request: HttpRequest, lead: bool) -> None:
    if lead and not getattr(request.tenant, "lead_function_enabled", False):
        missing = Http404("lead function off")
        missing.crm_message = _("The lead function is switched off for your company. A tenant admin can switch it "
                                "on under Sales projects → Settings.")  # shown by crm.views.error_404
        raise missing


# --- kanban ---------------------------------------------------------------------------------


def _board_filter(query: QueryDict, lead: bool) -> ProjectFilter:
    # The board's process is given by its columns; not filtering on it saves validating the id.
    query = query.copy()
    query.pop("process", None)
    return ProjectFilter(query or None, queryset=selectors.project_queryset(lead=lead), lead=lead)


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


def _board_context(*, request, query: QueryDict, lead: bool, process: Process, phase_ids=None) -> dict:
    filterset = _board_filter(query, lead)
    sort = _board_sort(query)
    columns = selectors.kanban_board(process=process, projects=filterset.qs, sort=sort, phase_ids=phase_ids,
                                     totals_where=filterset.totals_where())
    _mark_editable([c for col in columns for c in col.cards], request.user)
    board_query = query.copy()
    board_query["process"] = str(process.pk)
    return {
        "columns": columns, "process": process, "sort": sort, "filter": filterset, "lead": lead,
        "board_query": board_query.urlencode(), "urls": _urls(lead),
    }


@login_required
@require_GET
def project_kanban(request: HttpRequest, lead: bool = False) -> HttpResponse:
    _require_leads(request, lead)
    processes = list(selectors.process_list(lead=lead))
    process = _board_process(request.GET, lead, processes=processes)
    if process is None:
        return render(request, "sales/project_kanban.html", {"process": None, "lead": lead, "urls": _urls(lead)})
    context = _board_context(request=request, query=request.GET, lead=lead, process=process)
    carry = [(k, v) for k in ("status", "expected_from", "expected_to", "phase") for v in request.GET.getlist(k)]
    context.update(processes=processes, sorts=SORT_LABELS, carry=carry)
    template = "sales/project_kanban.html#board" if request.htmx and not request.htmx.boosted else "sales/project_kanban.html"
    return render(request, template, context)


@login_required
@require_GET
def project_kanban_column(request: HttpRequest, lead: bool = False) -> HttpResponse:
    """More cards of one column ("load more")."""
    _require_leads(request, lead)
    process = _board_process(request.GET, lead)
    try:
        phase = process.phases.get(pk=int(request.GET.get("column", "")))
        offset = max(0, int(request.GET.get("offset", "0")))
    except (ValueError, Phase.DoesNotExist, AttributeError):
        raise Http404 from None
    filterset = _board_filter(request.GET, lead)
    sort = _board_sort(request.GET)
    cards = selectors.kanban_cards(projects=filterset.qs, phase=phase, sort=sort, offset=offset,
                                   limit=selectors.KANBAN_PAGE + 1)
    has_more = len(cards) > selectors.KANBAN_PAGE
    cards = cards[: selectors.KANBAN_PAGE]
    _mark_editable(cards, request.user)
    board_query = request.GET.copy()
    for key in ("column", "offset"):
        board_query.pop(key, None)
    return render(request, "sales/_kanban_more.html", {
        "cards": cards, "phase": phase, "process": process, "has_more": has_more,
        "next_offset": offset + len(cards), "board_query": board_query.urlencode(), "urls": _urls(lead),
    })


# --- list -----------------------------------------------------------------------------------


class CountedPaginator(SafePaginator):
    """A paginator told its count (already known from the totals) instead of counting again, that
    reads a page in two steps: the ids of the page's rows (the sort and the filters, without the
    joins of the rows), then those rows with their relations. A deep page then skips its offset
    over bare ids, not over fully joined rows."""

    TWO_STEP_FROM = 500  # rows to skip from which a page is read in two steps

    def __init__(self, object_list, per_page, *args, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count if self._known_count is not None else len(self.object_list)

    def page(self, number):
        from django_tables2.rows import BoundRows

        rows = self.object_list
        queryset = getattr(getattr(rows, "data", None), "data", None)
        if not isinstance(rows, BoundRows) or not hasattr(queryset, "values_list"):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < self.TWO_STEP_FROM:  # near the top, one query with LIMIT is as fast
            return super().page(number)
        ids = list(queryset.values_list("pk", flat=True)[bottom: bottom + self.per_page])
        found = queryset.order_by().in_bulk(ids) if ids else {}
        records = [found[pk] for pk in ids if pk in found]
        return self._get_page(BoundRows(data=records, table=rows.table), number, self)


class ProjectListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    table_class = ProjectTable
    filterset_class = ProjectFilter
    template_name = "sales/project_list.html"
    lead = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_leads(request, self.lead)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        # sorted by owner, phase or process, a page is read per value (sales/listing.py)
        return as_project_list(selectors.project_queryset(lead=self.lead).annotate(
            weighted=selectors.weighted_expression()))

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["lead"] = self.lead
        return kwargs

    def get_template_names(self):
        if self.request.htmx:  # filters, and the boosted sort and page links of the table
            return [f"{self.template_name}#table"]
        return [self.template_name]

    def get_table_kwargs(self):
        return {"currency": getattr(self.request.tenant, "currency", "EUR")}

    def get_table_pagination(self, table):
        # The totals count the same filtered rows, so the paginator needs no COUNT query of its own.
        where = self.filterset.totals_where()
        if where is not None:
            self.totals = selectors.pipeline_totals(where=where)[None]
        else:
            self.totals = selectors.pipeline_rollup(projects=self.object_list)[None]
        return {"per_page": 50, "paginator_class": CountedPaginator, "count": self.totals.count}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = self.totals
        context["bulk_form"] = bulk_form = BulkForm(lead=self.lead)
        # The filter and the bulk form offer the same owners and phases: read each list once.
        filter_fields = context["filter"].form.fields
        for name in ("owner", "phase"):
            choices = list(iter(filter_fields[name].widget.choices))  # iter(): no COUNT query first
            filter_fields[name].widget.choices = choices
            bulk_form.fields[name].widget.choices = [("", bulk_form.fields[name].empty_label),
                                                     *(c for c in choices if c[0] != "")]
        context["lead"] = self.lead
        context["urls"] = _urls(self.lead)
        context["query"] = self.request.GET.urlencode()
        return context


project_list = ProjectListView.as_view()
lead_list = ProjectListView.as_view(lead=True)


def _export_rows(queryset):
    rows = queryset.order_by("pk").values_list(
        "pk", "title", "customer__name", "process__name", "phase__name", "phase__outcome", "owner__email",
        "volume", "probability", "expected_order_date", "phase_entered_at", "closed_at", "lost_reason__name",
    )
    yield from rows.iterator(chunk_size=2000)


EXPORT_HEADER = ["id", "title", "customer", "process", "phase", "status", "owner", "volume", "probability",
                 "expected_order_date", "in_phase_since", "closed_at", "lost_reason"]


@login_required
@require_GET
def project_export(request: HttpRequest, lead: bool = False) -> HttpResponse:
    """CSV of every project of the filtered list (not just the page)."""
    from crm.lib.csvsafe import csv_format_for, csv_response

    _require_leads(request, lead)
    filterset = ProjectFilter(request.GET or None, queryset=selectors.project_queryset(lead=lead), lead=lead)
    name = "leads.csv" if lead else "projects.csv"
    return csv_response(filename=name, header=EXPORT_HEADER, rows=_export_rows(filterset.qs),
                        fmt=csv_format_for(request))


@login_required
@require_POST
def project_bulk(request: HttpRequest, lead: bool = False) -> HttpResponse:
    """Bulk owner change, move to phase or CSV export of the selected projects."""
    from crm.lib.csvsafe import csv_format_for, csv_response

    _require_leads(request, lead)
    back = _safe_next(request, _urls(lead)["list"])
    form = BulkForm(request.POST, lead=lead)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = form.cleaned_data["ids"]
    projects = selectors.project_queryset(lead=lead).filter(pk__in=ids)
    action = form.cleaned_data["action"]
    if action == "export":
        return csv_response(filename="selection.csv", header=EXPORT_HEADER, rows=_export_rows(projects),
                            fmt=csv_format_for(request))
    ids = list(projects.values_list("pk", flat=True))
    if action == "group":
        return _bulk_group(request, form=form, projects=projects, back=back)
    try:
        if action == "owner":
            result = services.project_bulk_change_owner(project_ids=ids, owner=form.cleaned_data["owner"],
                                                        user=request.user)
        else:
            result = services.project_bulk_move(project_ids=ids, phase=form.cleaned_data["phase"],
                                                user=request.user, lost_reason=form.cleaned_data["lost_reason"])
    except PermissionDenied:
        messages.error(request, _("You may not hand projects to this owner."))
        return redirect(back)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(back)
    messages.success(request, ngettext("%(n)d project changed.", "%(n)d projects changed.", len(result.done))
                     % {"n": len(result.done)})
    if result.skipped:
        messages.warning(request, ngettext(
            "%(n)d project skipped: you may not edit it.", "%(n)d projects skipped: you may not edit them.",
            len(result.skipped)) % {"n": len(result.skipped)})
    return redirect(back)


def _bulk_group(request: HttpRequest, *, form: BulkForm, projects, back: str) -> HttpResponse:
    """A new group of the selected projects (all of which the user must be able to edit)."""
    try:
        group = services.group_create(name=form.cleaned_data["group_name"], group_type=form.cleaned_data["group_type"],
                                      projects=list(projects), user=request.user)
    except PermissionDenied:
        messages.error(request, _("You may only group projects that you may edit."))
        return redirect(back)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(back)
    messages.success(request, _("Group “%(name)s” created.") % {"name": group.name})
    return redirect(group)


# --- create ---------------------------------------------------------------------------------


@login_required
def project_create(request: HttpRequest, lead: bool = False) -> HttpResponse:
    """A project for an existing customer, or together with a new customer (duplicate-checked)."""
    _require_leads(request, lead)
    initial = {"owner": request.user.pk}
    if request.GET.get("customer", "").isdigit():
        initial.update(customer=int(request.GET["customer"]), customer_mode="existing")
    if request.GET.get("process", "").isdigit():
        initial["process"] = int(request.GET["process"])
    data = request.POST if request.method == "POST" else None
    if data is not None and data.get("use_customer", "").isdigit():
        # "This is the one": a duplicate candidate was picked instead of creating a new customer.
        data = data.copy()
        data.update({"customer_mode": "existing", "customer": data["use_customer"]})
    if data is not None and data.get("search"):
        # The no-JavaScript customer search: show the matches, keep what was typed, no errors yet.
        initial.update({k: v for k, v in data.items() if k in ProjectCreateForm.base_fields})
        form = ProjectCreateForm(initial=initial, lead=lead, user=request.user)
        new_form = NewCustomerForm(initial={k[4:]: v for k, v in data.items() if k.startswith("new-")}, prefix="new")
        data = None
    else:
        form = ProjectCreateForm(data, initial=initial, lead=lead, user=request.user)
        new_form = NewCustomerForm(data, prefix="new")
    duplicates = []
    if data is not None and form.is_valid():
        values = form.cleaned_data
        project_values = {k: values[k] for k in ("title", "process", "phase", "owner", "volume", "probability",
                                                 "expected_order_date", "description")}
        project_values["custom"] = custom_values(form)
        try:
            if values["customer_mode"] == ProjectCreateForm.MODE_EXISTING:
                project = services.project_create(customer=values["customer"], user=request.user, **project_values)
                return _project_created(request, project)
            if new_form.is_valid():
                duplicates = _duplicates(new_form.customer_values())
                if not duplicates or new_form.cleaned_data.get("confirm_not_duplicate"):
                    project = services.project_create_with_customer(
                        customer_values=new_form.customer_values(), lead=lead, user=request.user, **project_values
                    )
                    return _project_created(request, project)
        except PermissionDenied:
            form.add_error("owner", _("You may not create projects for this owner."))
        except ValidationError as exc:
            _add_errors(form, exc)
    context = {"form": form, "new_form": new_form, "duplicates": duplicates, "lead": lead, "urls": _urls(lead)}
    if dialog_requested(request):
        return dialog_render(request, title=_("New lead") if lead else _("New project"),
                             form_template="sales/project_create.html#form", context=context)
    return render(request, "sales/project_create.html", context)


def _project_created(request: HttpRequest, project) -> HttpResponse:
    return dialog_created(request, url=project.get_absolute_url(),
                          message=_("%(title)s was created.") % {"title": project.title},
                          link_text=_("Open %(name)s") % {"name": project.title})


def _duplicates(values: dict) -> list:
    from customers.selectors import customer_duplicates

    keys = ("name", "postal_code", "city", "email", "website", "phone", "country")
    return customer_duplicates(**{k: values.get(k) or "" for k in keys})


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_GET
def customer_search(request: HttpRequest) -> HttpResponse:
    """<option>s of customers matching ``customer_q`` for the create form (htmx)."""
    lead = request.GET.get("lead") == "1"
    statuses = (Customer.Status.LEAD,) if lead else (Customer.Status.CUSTOMER, Customer.Status.LEAD)
    choices = customer_choices(chosen=None, query=request.GET.get("customer_q", "").strip(), statuses=statuses)
    return render(request, "sales/_customer_options.html", {"choices": choices})


# --- detail, edit ---------------------------------------------------------------------------


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk=pk)
    can_edit = user_can_edit_owned(user=request.user, owner_id=project.owner_id)
    lead = _is_lead_project(project)
    return render(request, "sales/project_detail.html", {
        "project": project, "can_edit": can_edit, "lead": lead, "urls": _urls(lead),
        **_project_group_context(request, project=project, can_edit=can_edit),
        "history": selectors.project_phase_history(project=project),
        "contacts": selectors.project_contacts(project=project),
        "contact_form": ProjectContactForm(project=project) if can_edit else None,
        "owner_form": OwnerForm(initial={"owner": project.owner_id, "version": project.version}) if can_edit else None,
        "reopen_phase": services.project_reopen_phase(project=project) if can_edit and project.is_closed else None,
    })


def _project_group_context(request: HttpRequest, *, project: SalesProject, can_edit: bool) -> dict:
    """The project's group with its other members, the form to join one, and competing offers."""
    conflicts = selectors.project_conflicts(project=project)
    allowed = editable_owner_ids(user=request.user) if conflicts else None
    for conflict in conflicts:
        conflict.other = conflict.b if conflict.a.pk == project.pk else conflict.a
        conflict.can_act = allowed is None or {conflict.a.owner_id, conflict.b.owner_id} <= allowed
    context = {"conflicts": conflicts, "group_members": [], "join_form": None}
    if project.group_id:
        context["group_members"] = list(selectors.group_members(group=project.group).exclude(pk=project.pk)[:20])
    elif can_edit:
        context["join_form"] = GroupJoinForm(groups=selectors.group_choices_for(project=project))
    return context


@login_required
def project_update(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_edit(user=request.user, pk=pk)
    initial = {"title": project.title, "volume": project.volume, "expected_order_date": project.expected_order_date,
               "description": project.description, "version": project.version,
               "probability": project.probability if project.probability_overridden else None}
    form = ProjectEditForm(request.POST if request.method == "POST" else None, initial=initial, project=project,
                           user=request.user)
    current = None
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("title", "volume", "expected_order_date", "description")}
        data["custom"] = custom_values(form)
        probability = form.cleaned_data["probability"]
        data["probability"] = project.phase.probability if probability is None else probability
        try:
            project = services.project_update(project=project, user=request.user,
                                              expected_version=form.cleaned_data["version"], data=data)
            messages.success(request, _("Project saved."))
            return redirect(project)
        except ConcurrentUpdate as exc:
            current = exc.current
            # Keep what was typed; a second save now knowingly overwrites the newer state.
            post = request.POST.copy()
            post["version"] = str(current.version)
            form = ProjectEditForm(post, initial=initial, project=current, user=request.user)
            form.is_valid()
            form.add_error(None, exc)
        except ValidationError as exc:
            _add_errors(form, exc)
    return render(request, "sales/project_form.html", {"form": form, "project": project, "current": current})


# --- move dialog, owner, reopen -------------------------------------------------------------


BOARD_FIELDS = ("board", "board_process", "board_query", "from_phase")


def _board_params(source: QueryDict) -> dict:
    return {k: source.get(k, "") for k in BOARD_FIELDS}


def _board_update(request, *, board: dict, lead: bool, phase_ids: set, message: str = "", level: str = "info",
                  dialog: str = "", status: int = 200, moved=None) -> HttpResponse:
    """Re-rendered columns (out of band) of the kanban the move came from, plus a message."""
    columns = []
    process = Process.objects.filter(pk=board["board_process"]).first() if board["board_process"].isdigit() else None
    query = QueryDict(board["board_query"] or "")
    if process is not None:
        wanted = [pid for pid in phase_ids if pid]
        context = _board_context(request=request, query=query, lead=lead, process=process, phase_ids=wanted)
        columns = context["columns"]
    else:
        context = {"urls": _urls(lead), "board_query": "", "lead": lead}
    context.update(oob_columns=columns, message=message, level=level, dialog=dialog)
    response = render(request, "sales/_board_update.html", context, status=status)
    if moved is not None:
        response["HX-Trigger"] = "salesMoved"
        # after the columns are redrawn: focus the moved card and announce where it went (sales.js)
        response["HX-Trigger-After-Settle"] = json.dumps({"salesMovedSettled": {
            "project": moved.pk, "text": _("Project moved to “%(phase)s”.") % {"phase": moved.phase}}})
    return response


def _move_dialog(request, *, project, form, board: dict, current=None, error: str = "") -> str:
    from django.template.loader import render_to_string

    return render_to_string("sales/_move_dialog.html", {
        "project": project, "form": form, "board": board, "current": current, "error": error,
        "next": _safe_next(request, ""), "has_parking": form.fields["phase"].queryset.filter(parks=True).exists(),
    }, request=request)


@login_required
def project_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The move dialog (GET) and the move itself (POST), from a drop, the dialog or a plain form."""
    project = selectors.project_get(pk=pk)
    lead = _is_lead_project(project)
    if not user_can_edit_owned(user=request.user, owner_id=project.owner_id):
        if request.method == "POST" and request.POST.get("board") == "1":
            return _board_update(request, board=_board_params(request.POST), lead=lead,
                                 phase_ids={project.phase_id}, message=_("You may not move this project."),
                                 level="danger")
        require_edit_owned(user=request.user, owner_id=project.owner_id)
    if request.method == "GET":
        board = _board_params(request.GET)
        initial = {"process": project.process_id, "phase": project.phase_id, "version": project.version}
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

    board = _board_params(request.POST)
    on_board = board["board"] == "1"
    form = MoveForm(request.POST, project=project)
    error, current = "", None
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = services.project_move(
                project=project, phase=data["phase"], process=data["process"], owner=data["owner"],
                lost_reason=data["lost_reason"], user=request.user, expected_version=data["version"],
                park_until=data["park_until"], park_return_phase=data["park_return_phase"],
            )
            moved, closed = result.project, _closed_alternatives_text(result.closed_alternatives)
        except ConcurrentUpdate as exc:
            current, error = exc.current, exc.messages[0]
        except PermissionDenied:
            form.add_error("owner", _("You may not hand this project to that owner."))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if on_board:
                phase_ids = {_int(board["from_phase"]), project.phase_id, moved.phase_id}
                if closed:  # the closed alternatives left their columns for a lost one: redraw the board
                    phase_ids |= _board_phase_ids(board)
                return _board_update(request, board=board, lead=lead, phase_ids=phase_ids, moved=moved,
                                     message=closed, level="info")
            messages.success(request, _("Project moved to “%(phase)s”.") % {"phase": moved.phase})
            if closed:
                messages.info(request, closed)
            return _redirect(request, _safe_next(request, moved.get_absolute_url()))
    if current is not None:
        # Show the state that won, with a form based on it.
        form = MoveForm(initial={"process": current.process_id, "phase": current.phase_id,
                                 "version": current.version}, project=current)
    if not error and form.errors:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if on_board:
        phase_ids = {_int(board["from_phase"]), (current or project).phase_id}
        dialog = _move_dialog(request, project=current or project, form=form, board=board, current=current,
                              error=error)
        return _board_update(request, board=board, lead=lead, phase_ids=phase_ids, message=error,
                             level="warning" if current else "danger", dialog=dialog)
    dialog = _move_dialog(request, project=current or project, form=form, board=board, current=current, error=error)
    if request.htmx:
        return HttpResponse(dialog)
    return render(request, "sales/project_move.html", {"project": current or project, "dialog": dialog})


def _closed_alternatives_text(closed: list[SalesProject]) -> str:
    if not closed:
        return ""
    titles = ", ".join(f"“{c.title}”" for c in closed)
    return ngettext("Its alternative %(titles)s was closed as lost (alternative won).",
                    "Its alternatives %(titles)s were closed as lost (alternative won).", len(closed)) % {"titles": titles}


def _board_phase_ids(board: dict) -> set[int]:
    process_id = _int(board["board_process"])
    return set(Phase.objects.filter(process_id=process_id).values_list("pk", flat=True)) if process_id else set()


def _int(value) -> int | None:
    return int(value) if str(value).isdigit() else None


def _redirect(request, url: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_POST
def project_owner(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_edit(user=request.user, pk=pk)
    form = OwnerForm(request.POST)
    if form.is_valid():
        try:
            services.project_change_owner(project=project, owner=form.cleaned_data["owner"], user=request.user,
                                          expected_version=form.cleaned_data["version"])
            messages.success(request, _("Owner changed."))
        except PermissionDenied:
            messages.error(request, _("You may not hand this project to that owner."))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    return redirect(project)


@login_required
@require_POST
def project_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_edit(user=request.user, pk=pk)
    try:
        project = services.project_reopen(project=project, user=request.user,
                                          expected_version=_int(request.POST.get("version")))
        messages.success(request, _("Project reopened in “%(phase)s”.") % {"phase": project.phase})
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(project)


# --- buying center --------------------------------------------------------------------------


@login_required
@require_POST
def project_contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_edit(user=request.user, pk=pk)
    form = ProjectContactForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.project_contact_add(project=project, contact=form.cleaned_data["contact"],
                                         role=form.cleaned_data["role"], user=request.user)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, _("Choose a contact person and a role."))
    return redirect(reverse("sales:project_detail", args=[project.pk]) + "#contacts")


@login_required
@require_POST
def project_contact_remove(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    project = selectors.project_get_for_edit(user=request.user, pk=pk)
    services.project_contact_remove(project=project, link_id=link_id, user=request.user)
    return redirect(reverse("sales:project_detail", args=[project.pk]) + "#contacts")


@login_required
@require_POST
def project_followup_done(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_edit(user=request.user, pk=pk)
    services.project_followup_done(project=project, user=request.user)
    return redirect(_safe_next(request, project.get_absolute_url()))


# --- the tenant's sales settings (admins) ---------------------------------------------------


@login_required
def tenant_settings(request: HttpRequest) -> HttpResponse:
    """The lead function switch (tenant admins only)."""
    if not request.user.is_tenant_admin:
        raise PermissionDenied(_("Only tenant admins change the sales settings."))
    tenant = request.tenant
    form = TenantSettingsForm(request.POST if request.method == "POST" else None, initial={"lead_function_enabled": tenant.lead_function_enabled})
    if request.method == "POST" and form.is_valid():
        enabled = form.cleaned_data["lead_function_enabled"]
        services.tenant_lead_function_set(tenant=tenant, enabled=enabled, user=request.user)
        messages.success(request, _("The lead function is on.") if enabled else
                         _("The lead function is off. Leads are hidden, not deleted."))
        return redirect("sales:tenant_settings")
    return render(request, "sales/tenant_settings.html", {"form": form})
