"""Pages of project groups: the list with the possible conflicts, a group's page, joining and
leaving a group from a project's page, and the two answers to a conflict (group, dismiss)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from crm.lib.forms import form_errors_add
from crm.lib.http import safe_next
from crm.lib.pagination import SafePaginator
from crm.permissions import editable_owner_ids
from sales import selectors, services
from sales.filters import GroupFilter
from sales.forms import GroupForm, GroupJoinForm
from sales.tables import GroupTable

__all__ = [
    "conflict_dismiss",
    "conflict_group",
    "group_delete",
    "group_detail",
    "group_list",
    "group_update",
    "project_group_join",
    "project_group_leave",
]

CONFLICTS_PER_PAGE = 5


def _error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _page_number(value) -> int:
    return int(value) if str(value).isdigit() and int(value) > 0 else 1


# --- the list -------------------------------------------------------------------------------


class GroupPaginator(SafePaginator):
    """Pages the groups (filter, sort, count and offset on the group table alone: the figures
    are stored on it) and reads the owners only for the groups of the page."""

    def page(self, number):
        from django_tables2.rows import BoundRows

        rows = self.object_list
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(rows.data.data.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        found = selectors.group_queryset().order_by().in_bulk(ids) if ids else {}
        records = [found[pk] for pk in ids if pk in found]
        return self._get_page(BoundRows(data=records, table=rows.table), number, self)


# sorts that read the stored figures (group_figures), not only the bare groups
FIGURE_SORTS = {"n_members", "value", "weighted", "status"}


class GroupListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """Groups (django-tables2 + django-filter) and, beside them, the possible conflicts."""

    table_class = GroupTable
    filterset_class = GroupFilter
    template_name = "sales/group_list.html"
    table_pagination = {"per_page": 50, "paginator_class": GroupPaginator}

    def get(self, request, *args, **kwargs):
        if request.htmx and request.htmx.target == "conflicts":
            # the conflicts list pages on its own: no table to build
            filterset = self.get_filterset(self.get_filterset_class())
            return render(
                request,
                f"{self.template_name}#conflicts",
                {"conflicts": self._conflicts(filterset)},
            )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        sort = self.request.GET.get("sort", "").lstrip("-")
        if self.request.GET.get("status") or sort in FIGURE_SORTS:
            return selectors.group_figures().order_by("-created_at", "-id")
        return selectors.group_list_bare().order_by("-created_at", "-id")

    def get_template_names(self):
        if self.request.htmx:
            # filters, sort and page change the table, and the conflicts too (they follow the
            # owner and team filters)
            return ["sales/_group_list_update.html"]
        return [self.template_name]

    def get_table_kwargs(self):
        return {"currency": getattr(self.request.tenant, "currency", "EUR")}

    def _conflicts(self, filterset):
        conflicts = selectors.conflict_page(
            number=_page_number(self.request.GET.get("cpage")),
            per_page=CONFLICTS_PER_PAGE,
            owner_ids=filterset.owner_ids(),
        )
        _mark_conflicts(conflicts.conflicts, self.request.user)
        return conflicts

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = context["filter"]
        for name in ("owner", "type"):  # read each choice list once, without a COUNT first
            field = filterset.form.fields[name]
            field.widget.choices = list(iter(field.widget.choices))
        context["conflicts"] = self._conflicts(filterset)
        context["query"] = self.request.GET.urlencode()
        return context


group_list = GroupListView.as_view()


def _mark_conflicts(conflicts, user) -> None:
    allowed = editable_owner_ids(user=user) if conflicts else None
    for conflict in conflicts:
        conflict.can_act = allowed is None or {conflict.a.owner_id, conflict.b.owner_id} <= allowed


# --- one group ------------------------------------------------------------------------------


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_get(pk=pk)
    members = list(selectors.group_members(group=group))
    can_edit = selectors.group_can_edit(
        user=request.user, group=group, owner_ids={m.owner_id for m in members}
    )
    allowed = editable_owner_ids(user=request.user)
    for member in members:
        member.can_edit = allowed is None or member.owner_id in allowed
    return render(
        request,
        "sales/group_detail.html",
        {
            "group": group,
            "members": members,
            "can_edit": can_edit,
            "card_detail": reverse("sales:project_detail", args=[0]),
        },
    )


@login_required
def group_update(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_get(pk=pk)
    members = list(selectors.group_members(group=group))
    if not selectors.group_can_edit(
        user=request.user, group=group, owner_ids={m.owner_id for m in members}
    ):
        raise PermissionDenied
    form = GroupForm(
        request.POST if request.method == "POST" else None, instance=group, members=members
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.group_update(
                group=group,
                user=request.user,
                name=data["name"],
                group_type=data["type"],
                description=data["description"],
                main_project=data["main_project"],
            )
            messages.success(request, _("Group saved."))
            return redirect(group)
        except ValidationError as exc:
            form_errors_add(form, exc)
    return render(request, "sales/group_form.html", {"form": form, "group": group})


@login_required
@require_POST
def group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_get(pk=pk)
    services.group_delete(group=group, user=request.user)
    messages.success(
        request, _("Group “%(name)s” dissolved; its projects stay.") % {"name": group.name}
    )
    return redirect("sales:group_list")


# --- joining and leaving from a project's page ----------------------------------------------


@login_required
@require_POST
def project_group_join(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the project to one of the offered groups, or start a new group with it."""
    project = selectors.project_get_for_edit(user=request.user, pk=pk)
    form = GroupJoinForm(request.POST, groups=selectors.group_choices_for(project=project))
    back = reverse("sales:project_detail", args=[project.pk]) + "#group"
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    data = form.cleaned_data
    try:
        if data.get("existing") is not None:
            group = services.group_add_project(
                group=data["existing"], project=project, user=request.user
            )
        else:
            group = services.group_create(
                name=data["name"], group_type=data["type"], projects=[project], user=request.user
            )
    except PermissionDenied:
        messages.error(request, _("You may only join groups whose projects you may all edit."))
        return redirect(back)
    except ValidationError as exc:
        _error(request, exc)
        return redirect(back)
    messages.success(
        request, _("The project is now in the group “%(name)s”.") % {"name": group.name}
    )
    return redirect(back)


@login_required
@require_POST
def project_group_leave(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_edit(user=request.user, pk=pk)
    services.group_remove_project(project=project, user=request.user)
    messages.success(request, _("The project has left its group."))
    return redirect(safe_next(request, reverse("sales:project_detail", args=[project.pk])))


# --- answering a conflict -------------------------------------------------------------------


@login_required
@require_POST
def conflict_group(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    """One click: group two competing projects as alternatives."""
    conflict = selectors.conflict_get(a_id=pk, b_id=other)
    back = safe_next(request, reverse("sales:group_list"))
    if conflict is None:
        messages.info(request, _("These two projects no longer compete."))
        return redirect(back)
    try:
        group = services.conflict_group_as_alternatives(
            project_a=conflict.a, project_b=conflict.b, user=request.user
        )
    except PermissionDenied:
        messages.error(request, _("Only someone who may edit both projects can group them."))
        return redirect(back)
    except ValidationError as exc:
        _error(request, exc)
        return redirect(back)
    messages.success(
        request,
        _("“%(a)s” and “%(b)s” are now alternatives in the group “%(group)s”.")
        % {"a": conflict.a.title, "b": conflict.b.title, "group": group.name},
    )
    return redirect(back)


@login_required
@require_POST
def conflict_dismiss(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    """ "These two do not compete": no more warning for this pair."""
    conflict = selectors.conflict_get(a_id=pk, b_id=other)
    back = safe_next(request, reverse("sales:group_list"))
    if conflict is None:
        messages.info(request, _("These two projects no longer compete."))
        return redirect(back)
    try:
        services.conflict_dismiss(project_a=conflict.a, project_b=conflict.b, user=request.user)
    except PermissionDenied:
        messages.error(
            request, _("Only someone who may edit both projects can dismiss the warning.")
        )
        return redirect(back)
    messages.success(
        request,
        _("The warning about “%(a)s” and “%(b)s” is dismissed.")
        % {"a": conflict.a.title, "b": conflict.b.title},
    )
    return redirect(back)
