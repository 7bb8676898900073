"""Contact persons: list, quick create, detail, edit, delete with confirmation, export."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from crm.features import leads_enabled
from crm.lib.csvsafe import csv_format_for, csv_response
from crm.lib.dialogs import dialog_created, dialog_render, dialog_requested
from crm.lib.http import safe_next
from crm.permissions import require_edit_owned, user_can_edit_owned
from customers import selectors, services
from customers.filters import ContactFilter
from customers.forms import ContactCreateForm, ContactForm
from customers.models import Customer
from customers.pagination import EstimatedCountPaginator
from customers.tables import ContactTable
from customers.views.common import wants_partial
from customfields import standard
from customfields.columns import layout_kwargs
from customfields.layouts import layout_for
from customfields.selectors import definitions_for


def _contacts(request: HttpRequest):
    qs = selectors.contact_list()
    if not leads_enabled(request):
        qs = qs.filter(customer__status=Customer.Status.CUSTOMER)
    return qs


class ContactListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    table_class = ContactTable
    filterset_class = ContactFilter
    template_name = "customers/contact_list.html"

    def get_queryset(self):
        return _contacts(self.request)

    def get_table_kwargs(self):
        definitions = definitions_for(entity="contact", user=self.request.user)
        layout = layout_for("contacts", definitions=definitions, user=self.request.user)
        return {
            "leads_on": leads_enabled(self.request),
            "mobile_on": standard.is_on(standard.Area.CONTACT, "mobile", self.request.user),
            **layout_kwargs(ContactTable, layout=layout, definitions=definitions),
        }

    def get_table_pagination(self, table):
        return {"per_page": 25, "paginator_class": EstimatedCountPaginator}

    def get_template_names(self):
        if wants_partial(self.request, "table"):
            return ["customers/contact_list.html#table"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.request.GET.urlencode()
        return context


contact_list = ContactListView.as_view()


@login_required
@require_GET
def contact_export(request: HttpRequest) -> HttpResponse:
    """CSV of every contact person matching the list's filters."""
    qs = ContactFilter(request.GET, queryset=_contacts(request), request=request).qs
    definitions = definitions_for(entity="contact", user=request.user)  # only what the role may see
    sort = request.GET.get("sort")
    if sort:
        qs = ContactTable(qs, definitions=definitions, order_by=sort).data.data

    from customfields.values import export_cells, export_users

    # (field, heading): the keys in English, the user's language otherwise (as the customer
    # export); the standard fields the tenant switched off are left out
    gone = standard.off(standard.Area.CONTACT, request.user)
    columns = [
        (name, heading)
        for name, heading in (
            ("pk", pgettext("CSV heading", "id")),
            ("first_name", pgettext("CSV heading", "first_name")),
            ("last_name", pgettext("CSV heading", "last_name")),
            ("position", pgettext("CSV heading", "position")),
            ("email", pgettext("CSV heading", "email")),
            ("phone", pgettext("CSV heading", "phone")),
            ("mobile", pgettext("CSV heading", "mobile")),
            ("customer_id", pgettext("CSV heading", "customer_id")),
            ("customer_name", pgettext("CSV heading", "customer")),
            ("last_activity_at", pgettext("CSV heading", "last_activity")),
        )
        if name not in gone
    ]

    def rows():
        users = export_users(definitions)
        for c in qs.iterator(chunk_size=2000):
            c.customer_name = c.customer.name
            yield [
                *(getattr(c, name) for name, _heading in columns),
                *export_cells(definitions, c.custom, users=users),
            ]

    header = [heading for _name, heading in columns] + [d.heading for d in definitions]
    return csv_response(
        filename="contacts.csv", header=header, rows=rows(), fmt=csv_format_for(request)
    )


@login_required
@require_GET
def customer_picker(request: HttpRequest) -> HttpResponse:
    """<option>s of customers matching the typed text, for the contact create form (htmx)."""
    options = selectors.customer_choices_search(text=request.GET.get("customer_search", ""))
    return render(request, "customers/_customer_options.html", {"options": options})


@login_required
def contact_create(request: HttpRequest) -> HttpResponse:
    """Quick create of a contact person from anywhere; the customer is found by typing its name."""
    data = request.POST if request.method == "POST" else None
    search = (data or request.GET).get("customer_search", "")
    preset = request.GET.get("customer") or (data.get("customer") if data else None)
    options = selectors.customer_choices_search(text=search) if search or not preset else []
    if preset and str(preset).isdigit():
        chosen = Customer.objects.filter(pk=preset).only("pk", "name", "city").first()
        if chosen and chosen not in options:
            options = [chosen, *options]
    initial = {"customer": preset} if preset else {}
    form = ContactCreateForm(
        data, customer_options=options, initial=initial, user=request.user, creating=True
    )
    finding = data is not None and "find" in data
    if data is not None and not finding and form.is_valid():
        customer = form.cleaned_data["customer"]
        if not user_can_edit_owned(user=request.user, owner_id=customer.owner_id):
            form.add_error("customer", _("You may not add contact persons to this customer."))
        else:
            values = {
                k: v
                for k, v in form.service_values().items()
                if k not in ("customer", "customer_search")
            }
            try:
                contact = services.contact_create(user=request.user, customer=customer, **values)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return dialog_created(
                    request,
                    url=contact_url(contact),
                    message=_("%(name)s was added.") % {"name": contact.full_name},
                    link_text=_("Open %(name)s") % {"name": contact.full_name},
                    fallback=safe_next(request) or None,
                )
    if finding:
        form.errors.clear()
    context = {"form": form, "creating": True, "next": safe_next(request)}
    if dialog_requested(request):
        return dialog_render(
            request,
            title=_("New contact person"),
            form_template="customers/contact_form.html#form",
            context=context,
        )
    return render(request, "customers/contact_form.html", context)


def contact_url(contact) -> str:
    from django.urls import reverse

    return reverse("customers:contact_detail", args=[contact.pk])


@login_required
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get(pk=pk)
    return render(
        request,
        "customers/contact_detail.html",
        {
            "contact": contact,
            "customer": contact.customer,
            "links": selectors.contact_projects(contact=contact),
            "can_edit": user_can_edit_owned(user=request.user, owner_id=contact.customer.owner_id),
            "leads_on": leads_enabled(request),
        },
    )


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get(pk=pk)
    require_edit_owned(user=request.user, owner_id=contact.customer.owner_id)
    form = ContactForm(request.POST or None, instance=copy.copy(contact), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact=contact, user=request.user, data=form.service_values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("customers:contact_detail", pk=contact.pk)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "contact": contact, "creating": False},
    )


@login_required
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first (GET), delete on POST."""
    contact = selectors.contact_get(pk=pk)
    require_edit_owned(user=request.user, owner_id=contact.customer.owner_id)
    if request.method == "POST":
        customer = contact.customer
        name = contact.full_name
        services.contact_delete(contact=contact, user=request.user)
        messages.success(request, _("%(name)s was deleted.") % {"name": name})
        return redirect("customers:customer_detail", pk=customer.pk)
    return render(
        request,
        "customers/contact_confirm_delete.html",
        {
            "contact": contact,
            "project_count": contact.project_links.count(),
        },
    )
