"""The list view of sales projects and leads (filters, sort, totals) and its bulk actions."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from crm.lib.forms import form_errors_add
from crm.lib.http import safe_next
from customers.pagination import CountedPaginator
from customfields.columns import layout_kwargs
from customfields.layouts import layout_for
from customfields.selectors import definitions_for
from sales import selectors, services
from sales.bulkforms import BulkForm
from sales.filters import ProjectFilter
from sales.listing import as_project_list
from sales.tables import ProjectTable
from sales.views.common import require_leads, view_urls
from sales.views.export import export_table

__all__ = ["ProjectListView", "lead_list", "project_bulk", "project_list"]


class ProjectListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    table_class = ProjectTable
    filterset_class = ProjectFilter
    template_name = "sales/project_list.html"
    lead = False
    bulk_form = None  # a bound BulkForm with errors, when a bulk action failed (project_bulk)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_leads(request, self.lead)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        # sorted by owner, phase or process, a page is read per value (sales/listing.py)
        return as_project_list(
            selectors.project_queryset(lead=self.lead).annotate(
                weighted=selectors.weighted_expression()
            )
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["lead"] = self.lead
        return kwargs

    def get_template_names(self):
        if self.request.htmx:  # filters, and the boosted sort and page links of the table
            return [f"{self.template_name}#table"]
        return [self.template_name]

    def get_table_kwargs(self):
        ticked = self.bulk_form.cleaned_ids() if self.bulk_form is not None else ()
        definitions = definitions_for(
            entity="lead" if self.lead else "project", user=self.request.user
        )
        layout = layout_for(
            "leads" if self.lead else "projects", definitions=definitions, user=self.request.user
        )
        return {
            "currency": getattr(self.request.tenant, "currency", "EUR"),
            "ticked": ticked,
            **layout_kwargs(
                ProjectTable, layout=layout, definitions=definitions, fixed=("select",)
            ),
        }

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
        context["bulk_form"] = bulk_form = self.bulk_form or BulkForm(lead=self.lead)
        # The filter and the bulk form offer the same owners and phases: read each list once.
        filter_fields = context["filter"].form.fields
        for name in ("owner", "phase"):
            choices = list(iter(filter_fields[name].widget.choices))  # iter(): no COUNT query first
            filter_fields[name].widget.choices = choices
            bulk_form.fields[name].widget.choices = [
                ("", bulk_form.fields[name].empty_label),
                *(c for c in choices if c[0] != ""),
            ]
        context["lead"] = self.lead
        context["urls"] = view_urls(self.lead)
        context["query"] = self.request.GET.urlencode()
        return context


project_list = ProjectListView.as_view()


lead_list = ProjectListView.as_view(lead=True)


@login_required
@require_POST
def project_bulk(request: HttpRequest, lead: bool = False) -> HttpResponse:
    """Bulk owner change, move to phase or CSV export of the selected projects."""
    from crm.lib.csvsafe import csv_format_for, csv_response

    require_leads(request, lead)
    back = safe_next(request, view_urls(lead)["list"])
    form = BulkForm(request.POST, lead=lead)
    if not form.is_valid():
        return _bulk_failed(request, form=form, lead=lead, back=back)
    ids = form.cleaned_data["ids"]
    projects = selectors.project_queryset(lead=lead).filter(pk__in=ids)
    action = form.cleaned_data["action"]
    if action == "export":
        header, rows = export_table(projects, user=request.user, lead=lead)
        return csv_response(
            filename="selection.csv",
            header=header,
            rows=rows,
            fmt=csv_format_for(request),
        )
    ids = list(projects.values_list("pk", flat=True))
    if action == "group":
        return _bulk_group(request, form=form, projects=projects, back=back)
    try:
        if action == "owner":
            result = services.project_bulk_change_owner(
                project_ids=ids, owner=form.cleaned_data["owner"], user=request.user
            )
        else:
            result = services.project_bulk_move(
                project_ids=ids,
                phase=form.cleaned_data["phase"],
                user=request.user,
                lost_reason=form.cleaned_data["lost_reason"],
                park_until=form.cleaned_data["park_until"],
            )
    except PermissionDenied:
        messages.error(request, _("You may not hand projects to this owner."))
        return redirect(back)
    except ValidationError as exc:
        form_errors_add(form, exc)
        return _bulk_failed(request, form=form, lead=lead, back=back)
    messages.success(
        request,
        ngettext("%(n)d project changed.", "%(n)d projects changed.", len(result.done))
        % {"n": len(result.done)},
    )
    if result.skipped:
        messages.warning(
            request,
            ngettext(
                "%(n)d project skipped: you may not edit it.",
                "%(n)d projects skipped: you may not edit them.",
                len(result.skipped),
            )
            % {"n": len(result.skipped)},
        )
    return redirect(back)


def _bulk_failed(request: HttpRequest, *, form: BulkForm, lead: bool, back: str) -> HttpResponse:
    """The list the action came from, again, with the rows still ticked, the action still chosen
    and the errors beside the bulk form (a redirect would lose them all)."""
    form.errors_mark()
    request.method = "GET"
    request.GET = QueryDict(urlsplit(back).query)
    response = ProjectListView.as_view(lead=lead, bulk_form=form)(request)
    response.status_code = 400
    return response


def _bulk_group(request: HttpRequest, *, form: BulkForm, projects, back: str) -> HttpResponse:
    """A new group of the selected projects (all of which the user must be able to edit)."""
    try:
        group = services.group_create(
            name=form.cleaned_data["group_name"],
            group_type=form.cleaned_data["group_type"],
            projects=list(projects),
            user=request.user,
        )
    except PermissionDenied:
        messages.error(request, _("You may only group projects that you may edit."))
        return redirect(back)
    except ValidationError as exc:
        form_errors_add(form, exc)
        return _bulk_failed(request, form=form, lead=form.lead, back=back)
    messages.success(request, _("Group “%(name)s” created.") % {"name": group.name})
    return redirect(group)
