"""Creating a project (with a new or existing customer) and its detail page with what is done there:
edit, buying center, follow-up reminder."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.lib.dialogs import dialog_created, dialog_render, dialog_requested
from crm.lib.forms import form_errors_add
from crm.lib.http import safe_next
from crm.permissions import editable_owner_ids, user_can_edit_owned
from customers.models import Customer
from customfields.forms import custom_values
from customfields.selectors import project_entity
from customfields.standard import Switches
from sales import selectors, services
from sales.forms import (
    GroupJoinForm,
    NewCustomerForm,
    OwnerForm,
    ProjectContactForm,
    ProjectCreateForm,
    ProjectEditForm,
    customer_choices,
)
from sales.models import SalesProject
from sales.services import ConcurrentUpdate
from sales.views.common import (
    error_text,
    is_lead_project,
    require_leads,
    view_urls,
)

__all__ = [
    "customer_search",
    "project_contact_add",
    "project_contact_remove",
    "project_create",
    "project_detail",
    "project_followup_done",
    "project_update",
]


@login_required
def project_create(request: HttpRequest, lead: bool = False) -> HttpResponse:
    """A project for an existing customer, or together with a new customer (duplicate-checked)."""
    require_leads(request, lead)
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
        new_form = NewCustomerForm(
            initial={k[4:]: v for k, v in data.items() if k.startswith("new-")},
            prefix="new",
            user=request.user,
        )
        data = None
    else:
        form = ProjectCreateForm(data, initial=initial, lead=lead, user=request.user)
        new_form = NewCustomerForm(data, prefix="new", user=request.user)
    duplicates = []
    if data is not None and form.is_valid():
        values = form.cleaned_data
        # a switched-off standard field is not in the form: the service's default
        project_values = {k: values[k] for k in SalesProject.CREATE_FIELDS if k in values}
        project_values["custom"] = custom_values(form)
        try:
            if values["customer_mode"] == ProjectCreateForm.MODE_EXISTING:
                project = services.project_create(
                    customer=values["customer"], user=request.user, **project_values
                )
                return _project_created(request, project)
            if new_form.is_valid():
                duplicates = _duplicates(new_form.customer_values())
                if not duplicates or new_form.cleaned_data.get("confirm_not_duplicate"):
                    project = services.project_create_with_customer(
                        customer_values=new_form.customer_values(),
                        lead=lead,
                        user=request.user,
                        **project_values,
                    )
                    return _project_created(request, project)
        except PermissionDenied:
            form.add_error("owner", _("You may not create projects for this owner."))
        except ValidationError as exc:
            form_errors_add(form, exc)
    context = {
        "form": form,
        "new_form": new_form,
        "duplicates": duplicates,
        "lead": lead,
        "urls": view_urls(lead),
    }
    if dialog_requested(request):
        return dialog_render(
            request,
            title=_("New lead") if lead else _("New project"),
            form_template="sales/project_create.html#form",
            context=context,
        )
    return render(request, "sales/project_create.html", context)


def _project_created(request: HttpRequest, project) -> HttpResponse:
    return dialog_created(
        request,
        url=project.get_absolute_url(),
        message=_("%(title)s was created.") % {"title": project.title},
        link_text=_("Open %(name)s") % {"name": project.title},
    )


def _duplicates(values: dict) -> list:
    from customers.selectors import customer_duplicates

    keys = ("name", "postal_code", "city", "email", "website", "phone", "country")
    return customer_duplicates(**{k: values.get(k) or "" for k in keys})


@login_required
@require_GET
def customer_search(request: HttpRequest) -> HttpResponse:
    """<option>s of customers matching ``customer_q`` for the create form (htmx)."""
    lead = request.GET.get("lead") == "1"
    statuses = (Customer.Status.LEAD,) if lead else (Customer.Status.CUSTOMER, Customer.Status.LEAD)
    choices = customer_choices(
        chosen=None, query=request.GET.get("customer_q", "").strip(), statuses=statuses
    )
    return render(request, "sales/_customer_options.html", {"choices": choices})


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk=pk)
    can_edit = user_can_edit_owned(user=request.user, owner_id=project.owner_id)
    lead = is_lead_project(project, request)
    return render(
        request,
        "sales/project_detail.html",
        {
            "project": project,
            "can_edit": can_edit,
            "lead": lead,
            "fields_on": Switches(request.user)[project_entity(project)],
            "urls": view_urls(lead),
            **_project_group_context(request, project=project, can_edit=can_edit),
            "history": selectors.project_phase_history(project=project),
            "contacts": selectors.project_contacts(project=project),
            "contact_form": ProjectContactForm(project=project) if can_edit else None,
            "owner_form": OwnerForm(initial={"owner": project.owner_id, "version": project.version})
            if can_edit
            else None,
            "reopen_phase": services.project_reopen_phase(project=project)
            if can_edit and project.is_closed
            else None,
        },
    )


def _project_group_context(request: HttpRequest, *, project: SalesProject, can_edit: bool) -> dict:
    """The project's group with its other members, the form to join one, and competing offers."""
    conflicts = selectors.project_conflicts(project=project)
    allowed = editable_owner_ids(user=request.user) if conflicts else None
    for conflict in conflicts:
        conflict.other = conflict.b if conflict.a.pk == project.pk else conflict.a
        conflict.can_act = allowed is None or {conflict.a.owner_id, conflict.b.owner_id} <= allowed
    context = {"conflicts": conflicts, "group_members": [], "join_form": None}
    if project.group_id:
        context["group_members"] = list(
            selectors.group_members(group=project.group).exclude(pk=project.pk)[:20]
        )
    elif can_edit:
        context["join_form"] = GroupJoinForm(groups=selectors.group_choices_for(project=project))
    return context


@login_required
def project_update(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_edit(user=request.user, pk=pk)
    lead = is_lead_project(project, request)
    initial = {
        "title": project.title,
        "volume": project.volume,
        "expected_order_date": project.expected_order_date,
        "description": project.description,
        "version": project.version,
        "probability": project.probability if project.probability_overridden else None,
    }
    form = ProjectEditForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        project=project,
        user=request.user,
    )
    current = None
    if request.method == "POST" and form.is_valid():
        data = {
            k: form.cleaned_data[k]
            for k in ("title", "volume", "expected_order_date", "description")
            if k in form.cleaned_data  # a switched-off field keeps its value
        }
        data["custom"] = custom_values(form)
        probability = form.cleaned_data["probability"]
        data["probability"] = project.phase.probability if probability is None else probability
        try:
            project = services.project_update(
                project=project,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                data=data,
            )
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
            form_errors_add(form, exc)
    return render(
        request,
        "sales/project_form.html",
        {"form": form, "project": project, "current": current, "lead": lead},
    )


@login_required
@require_POST
def project_contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_edit(user=request.user, pk=pk)
    form = ProjectContactForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.project_contact_add(
                project=project,
                contact=form.cleaned_data["contact"],
                role=form.cleaned_data["role"],
                user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
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
    return redirect(safe_next(request, project.get_absolute_url()))
