"""Customer overview, create (with the duplicate check), detail, edit and bulk actions."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from crm.features import leads_enabled
from crm.lib.dialogs import dialog_created, dialog_render, dialog_requested
from crm.permissions import require_edit_owned, user_can_edit_owned
from customers import filters as customers_filters
from customers import selectors, services
from customers.filters import customer_overview_queryset
from customers.forms import BulkForm, ContactForm, CustomerForm
from customers.models import Customer
from customers.pagination import EstimatedCountPaginator
from customers.tables import CustomerTable
from customers.views.common import (
    currency,
    customer_export_response,
    owner_change_reported,
    wants_partial,
)
from customfields.columns import layout_kwargs
from customfields.layouts import layout_for
from customfields.selectors import definitions_for


class CustomerListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """The overview: the whole page, or only the #table fragment for htmx."""

    table_class = CustomerTable
    filterset_class = customers_filters.CustomerFilter
    template_name = "customers/customer_list.html"

    def get_queryset(self):
        return selectors.customer_list(leads_visible=leads_enabled(self.request))

    def get_table_kwargs(self):
        definitions = definitions_for(entity="customer", user=self.request.user)
        layout = layout_for("customers", definitions=definitions, user=self.request.user)
        return {
            "leads_on": leads_enabled(self.request),
            **layout_kwargs(
                CustomerTable, layout=layout, definitions=definitions, fixed=("selection",)
            ),
        }

    def get_table_pagination(self, table):
        per_page = self.request.GET.get("per_page", "")
        return {
            "per_page": int(per_page) if per_page in ("25", "50", "100") else 25,
            "paginator_class": EstimatedCountPaginator,
        }

    def get_template_names(self):
        if wants_partial(self.request, "table"):
            return ["customers/customer_list.html#table"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["leads_on"] = leads_enabled(self.request)
        context["bulk_form"] = BulkForm(user=self.request.user)
        context["query"] = self.request.GET.urlencode()
        return context


customer_list = CustomerListView.as_view()


def _filtered(request: HttpRequest, query: QueryDict):
    """The overview's queryset for the filters and sort in ``query``."""
    qs = customer_overview_queryset(request=request, query=query)
    sort = query.get("sort")
    if sort:
        definitions = definitions_for(entity="customer", user=request.user)
        table = CustomerTable(
            qs, leads_on=leads_enabled(request), definitions=definitions, order_by=sort
        )
        return table.data.data
    return qs


@login_required
@require_GET
def customer_export(request: HttpRequest) -> HttpResponse:
    """CSV of every customer matching the overview's filters and sort."""
    return customer_export_response(_filtered(request, request.GET), request=request)


@login_required
@require_POST
def customer_bulk(request: HttpRequest) -> HttpResponse:
    """Bulk actions on the selected rows or on all rows matching the filters."""
    form = BulkForm(request.POST, user=request.user)
    back = reverse("customers:customer_list")
    query = request.POST.get("query", "")
    if query:
        back += "?" + query
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    if data["scope"] == "all":
        qs = _filtered(request, QueryDict(query))
    else:
        qs = selectors.customer_list(leads_visible=True).filter(pk__in=data["ids"])
    if data["action"] == "export":
        return customer_export_response(qs, request=request)
    try:
        assigned, skipped = services.customers_assign_owner(
            user=request.user, customer_ids=qs.values_list("pk", flat=True), owner=data["owner"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    owner_change_reported(request, changed=assigned, skipped=skipped, owner=data["owner"])
    return redirect(back)


@login_required
def customer_create(request: HttpRequest) -> HttpResponse:
    """New customer or lead; likely duplicates are shown before anything is saved."""
    on = leads_enabled(request)
    initial = {k: request.GET[k] for k in ("name", "city", "postal_code") if request.GET.get(k)}
    if on and request.GET.get("status") == Customer.Status.LEAD:  # opened from the Leads area
        initial["status"] = Customer.Status.LEAD
    form = CustomerForm(
        request.POST or None, user=request.user, leads_on=on, creating=True, initial=initial
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        if not request.POST.get("save_anyway"):
            duplicates = selectors.customer_duplicates(**form.duplicate_query())
        if not duplicates:
            status = form.cleaned_data.get("status") or Customer.Status.CUSTOMER
            try:
                customer = services.customer_create(
                    user=request.user, status=status, **form.service_values()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return dialog_created(
                    request,
                    url=reverse("customers:customer_detail", args=[customer.pk]),
                    message=_("%(name)s was created.") % {"name": customer.name},
                    link_text=_("Open %(name)s") % {"name": customer.name},
                )
    context = {"form": form, "duplicates": duplicates, "creating": True}
    if dialog_requested(request):
        return dialog_render(
            request,
            title=_("New customer"),
            form_template="customers/customer_form.html#form",
            context=context,
        )
    return render(request, "customers/customer_form.html", context)


@login_required
@require_POST
def customer_duplicates(request: HttpRequest) -> HttpResponse:
    """The duplicate candidates for what is typed so far (htmx, while filling in the create
    form)."""
    post = request.POST
    candidates = []
    if post.get("name", "").strip():
        candidates = selectors.customer_duplicates(
            name=post.get("name", ""),
            postal_code=post.get("postal_code", ""),
            city=post.get("city", ""),
            email=post.get("email", ""),
            website=post.get("website", ""),
            phone=post.get("phone", ""),
            country=post.get("country", "DE") or "DE",
        )
    return render(request, "customers/_duplicates.html", {"duplicates": candidates, "live": True})


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(pk=pk)
    return render(request, "customers/customer_detail.html", _detail_context(request, customer))


def _detail_context(
    request: HttpRequest, customer: Customer, contact_form: ContactForm | None = None
) -> dict:
    show_all = request.GET.get("projects") == "all"
    projects, open_count, total_count = selectors.customer_projects(
        customer=customer, show_all=show_all
    )
    can_edit = user_can_edit_owned(user=request.user, owner_id=customer.owner_id)
    return {
        "customer": customer,
        "contacts": list(customer.contacts.all()[:200]),
        "projects": projects,
        "projects_all": show_all,
        "open_count": open_count,
        "total_count": total_count,
        "can_edit": can_edit,
        "contact_form": contact_form or _quick_contact_form(request),
        "leads_on": leads_enabled(request),
        "currency": getattr(getattr(request, "tenant", None), "currency", "") or currency(),
    }


@login_required
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a customer's data (never its status: leads become customers only by conversion)."""
    customer = selectors.customer_get(pk=pk)
    require_edit_owned(user=request.user, owner_id=customer.owner_id)
    # The form works on a copy: ModelForm validation writes into its instance.
    form = CustomerForm(
        request.POST or None,
        instance=copy.copy(customer),
        user=request.user,
        leads_on=leads_enabled(request),
        creating=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.customer_update(
                customer=customer, user=request.user, data=form.service_values()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if changed:
                messages.success(request, _("Saved."))
            return redirect("customers:customer_detail", pk=customer.pk)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "customer": customer, "creating": False},
    )


def _quick_contact_form(request: HttpRequest, data=None) -> ContactForm:
    """The short contact form of the customer page: the standard fields and the required custom
    fields (the others get their defaults)."""
    return ContactForm(data, auto_id="qc_%s", user=request.user, creating=True, required_only=True)


@login_required
@require_POST
def customer_contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Quick create of a contact person on the customer page (htmx swaps the contacts card)."""
    customer = selectors.customer_get(pk=pk)
    require_edit_owned(user=request.user, owner_id=customer.owner_id)
    form = _quick_contact_form(request, data=request.POST)
    if form.is_valid():
        try:
            services.contact_create(user=request.user, customer=customer, **form.service_values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not wants_partial(request, "contacts"):
                messages.success(request, _("Contact person added."))
                return redirect("customers:customer_detail", pk=customer.pk)
            form = None
    context = _detail_context(request, customer, contact_form=form)
    context["just_added"] = form is None
    if wants_partial(request, "contacts"):
        return render(request, "customers/customer_detail.html#contacts", context)
    return render(
        request, "customers/customer_detail.html", context, status=200 if form is None else 400
    )
