"""Timelines, quick logging, editing one's own entries; the log page and its summary in
``activity.views.log``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from activity import selectors, services
from activity.forms import ActivityForm, BulkActivityForm
from activity.models import Activity
from crm.lib.dialogs import dialog_created, dialog_render, dialog_requested
from crm.lib.forms import form_errors_add
from crm.lib.http import safe_next

TIMELINE_KINDS = ("customer", "project", "contact", "group")


def url_or_none(name: str, pk) -> str | None:
    """The URL of a record's page, or None without a record."""
    return None if pk is None else reverse(name, args=[pk])


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _current_path(request: HttpRequest) -> str:
    """The page the user looks at: for htmx fragments the page that loaded them."""
    if request.htmx and request.htmx.current_url_abs_path:
        return request.htmx.current_url_abs_path
    return request.get_full_path()


# --- Timelines --------------------------------------------------------------------------------


def _timeline_subject(params) -> tuple[str, object]:
    """The (kind, object) a timeline is about, from ?customer= / ?project= / ?contact= / ?group=."""
    from customers.models import ContactPerson, Customer
    from sales.models import SalesProject

    for kind in TIMELINE_KINDS:
        pk = params.get(kind)
        if pk in (None, ""):
            continue
        pk = _int(pk)
        if pk is None:
            break
        if kind == "customer":
            # the CSV import that created it closes its timeline (no query of its own)
            return kind, get_object_or_404(
                Customer.objects.select_related("import_job__created_by"), pk=pk
            )
        if kind == "project":
            return kind, get_object_or_404(SalesProject.objects.select_related("customer"), pk=pk)
        if kind == "contact":
            return kind, get_object_or_404(ContactPerson.objects.select_related("customer"), pk=pk)
        model = selectors.group_model()
        if model is None:
            break
        return kind, get_object_or_404(model, pk=pk)
    from django.http import Http404

    raise Http404(_("Which timeline? Give a customer, project, contact or group."))


def _timeline_queryset(kind: str, obj, user):
    return selectors.timeline_queryset(**{f"{kind}_id": obj.pk}, user=user)


def _subject_url(kind: str, obj) -> str | None:
    names = {
        "customer": "customers:customer_detail",
        "project": "sales:project_detail",
        "contact": "customers:contact_detail",
        "group": "sales:group_detail",
    }
    return url_or_none(names[kind], obj.pk)


def _quicklog_context(kind: str, obj) -> dict:
    """Customer, project and preselected contact of an entry logged on this timeline."""
    if kind == "customer":
        return {"customer": obj, "project": None, "contact": None}
    if kind == "project":
        return {"customer": obj.customer, "project": obj, "contact": None}
    if kind == "contact":
        return {"customer": obj.customer, "project": None, "contact": obj}
    return {}


def _import_origin(kind: str, obj, user) -> dict | None:
    """The CSV import a customer came from, shown as the oldest line of its timeline."""
    job = getattr(obj, "import_job", None) if kind == "customer" else None
    if job is None:
        return None
    from customers.selectors import import_job_url

    return {
        "job": job,
        "at": job.finished_at or job.created_at,
        "url": import_job_url(job=job, user=user),
    }


def _timeline_context(
    request: HttpRequest, kind: str, obj, *, form=None, open_form: bool = False
) -> dict:
    entries, next_cursor = selectors.timeline_page(
        queryset=_timeline_queryset(kind, obj, request.user), cursor=request.GET.get("cursor")
    )
    quick = _quicklog_context(kind, obj)
    is_first_page = not request.GET.get("cursor")
    if quick and form is None and is_first_page:  # "show older" pages render only entries
        form = ActivityForm(
            customer=quick["customer"],
            project=quick["project"],
            initial={"contacts": [quick["contact"]]} if quick["contact"] else None,
        )
    return {
        "origin": _import_origin(kind, obj, request.user) if next_cursor is None else None,
        "back": _current_path(request),
        "kind": kind,
        "subject": obj,
        "subject_url": _subject_url(kind, obj),
        "entries": entries,
        "next_cursor": next_cursor,
        "form": form,
        "quick": quick,
        "open_form": open_form,
        "is_first_page": is_first_page,
    }


@login_required
def timeline(request: HttpRequest) -> HttpResponse:
    kind, obj = _timeline_subject(request.GET)
    context = _timeline_context(request, kind, obj)
    if request.htmx:
        part = "block" if context["is_first_page"] else "entries"
        return render(request, f"activity/_timeline.html#{part}", context)
    return render(request, "activity/timeline_page.html", context)


# --- Logging and editing ----------------------------------------------------------------------


def _create_context(params) -> dict:
    """Customer, project and contact named by the request (404 for ids of nothing)."""
    from customers.models import ContactPerson, Customer
    from sales.models import SalesProject

    project = contact = customer = None
    if _int(params.get("project")):
        project = get_object_or_404(
            SalesProject.objects.select_related("customer"), pk=_int(params["project"])
        )
        customer = project.customer
    if _int(params.get("contact")):
        contact = get_object_or_404(
            ContactPerson.objects.select_related("customer"), pk=_int(params["contact"])
        )
        customer = customer or contact.customer
    if customer is None and _int(params.get("customer")):
        customer = get_object_or_404(Customer, pk=_int(params["customer"]))
    return {"customer": customer, "project": project, "contact": contact}


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    ctx = _create_context(params)
    variant = params.get("variant") or (
        "page" if not request.htmx or dialog_requested(request) else "card"
    )
    timeline_kind = params.get("timeline") if params.get("timeline") in TIMELINE_KINDS else None
    initial = {"contacts": [ctx["contact"]]} if ctx["contact"] else None
    if _int(params.get("kind")) is None and params.get("kind") in dict(Activity.Kind.choices):
        initial = {**(initial or {}), "kind": params["kind"]}
    if request.method == "POST" and request.POST.get("links") == "1":
        ctx = {
            "customer": None,
            "project": None,
            "contact": None,
        }  # picked in the form, not given by the page
    links = (
        ctx["customer"] is None and ctx["project"] is None
    )  # customer, project, contacts picked in the form
    form = ActivityForm(
        request.POST or None,
        customer=ctx["customer"],
        project=ctx["project"],
        initial=initial,
        links=links,
    )
    created = None
    picking = (
        request.method == "POST" and "pick" in request.POST
    )  # a customer chosen or searched: no save yet
    if request.method == "POST" and not picking and form.is_valid():
        try:
            created = services.activity_create(
                user=request.user,
                customer=form.customer,
                project=form.project,
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
    if picking:
        form.is_valid()
        form.errors.clear()
    if request.htmx and variant == "timeline" and timeline_kind:
        obj = {"customer": ctx["customer"], "project": ctx["project"], "contact": ctx["contact"]}[
            timeline_kind
        ]
        context = _timeline_context(
            request, timeline_kind, obj, form=None if created else form, open_form=created is None
        )
        context["just_logged"] = created
        return render(request, "activity/_timeline.html#block", context)
    if request.htmx and variant == "card":
        template = "activity/_quicklog_card.html#" + ("done" if created else "form")
        return render(request, template, {"form": form, "created": created, **ctx})
    if created is not None:
        url = reverse("activity:activity_detail", args=[created.pk])
        return dialog_created(
            request,
            url=url,
            message=_("Activity logged."),
            link_text=_("Open %(name)s") % {"name": created.subject or created.get_kind_display()},
            fallback=safe_next(request, url),
        )
    context = {"form": form, "next": safe_next(request, ""), **ctx}
    if dialog_requested(request):
        title = _("New task") if form["kind"].value() == Activity.Kind.TASK else _("Log activity")
        return dialog_render(
            request, title=title, form_template="activity/activity_form.html#form", context=context
        )
    return render(request, "activity/activity_form.html", context)


@login_required
def activity_bulk_create(request: HttpRequest) -> HttpResponse:
    """Log one activity for many customers, e.g. everyone in a map selection (?customers=1,2,3)."""
    params = request.POST if request.method == "POST" else request.GET
    submitted = request.method == "POST" and "kind" in request.POST  # not just handed the customers
    form = BulkActivityForm(
        request.POST if submitted else None, initial={"customers": params.get("customers", "")}
    )
    if submitted and form.is_valid():
        data = form.service_kwargs()
        try:
            count = services.activity_create_for_customers(
                user=request.user,
                customer_ids=data["customers"],
                kind=data["kind"],
                subject=data["subject"],
                text=data["text"],
                occurred_at=data["occurred_at"],
                duration_minutes=data["duration_minutes"],
                due_date=data["due_date"],
                done=data["done"],
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Activity logged for %(count)s customer.",
                    "Activity logged for %(count)s customers.",
                    count,
                )
                % {"count": count},
            )
            return redirect(safe_next(request, reverse("activity:activity_list")))
    raw = form["customers"].value() or ""
    count = len({part.strip() for part in str(raw).split(",") if part.strip().isdigit()})
    return render(
        request,
        "activity/activity_bulk_form.html",
        {"form": form, "count": count, "next": safe_next(request, "")},
    )


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get(pk=pk, user=request.user)
    return render(
        request,
        "activity/activity_detail.html",
        {
            "activity": activity,
            "contacts": list(activity.contacts.all()),
            "can_edit": selectors.activity_user_can_edit(user=request.user, activity=activity),
            "customer_url": url_or_none("customers:customer_detail", activity.customer_id),
            "project_url": url_or_none("sales:project_detail", activity.project_id),
        },
    )


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get_for_edit(pk=pk, user=request.user)
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        try:
            services.activity_update(
                activity=activity,
                user=request.user,
                contacts=data.pop("contacts") if "contacts" in form.fields else None,
                done=data.pop("done"),
                **{
                    k: v
                    for k, v in data.items()
                    if k in services.EDITABLE_FIELDS and k in form.fields
                },
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("Activity saved."))
            return redirect(
                safe_next(request, reverse("activity:activity_detail", args=[activity.pk]))
            )
    return render(
        request,
        "activity/activity_form.html",
        {
            "form": form,
            "activity": activity,
            "next": safe_next(request, ""),
            "customer": activity.customer,
            "project": activity.project,
        },
    )


@login_required
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get_for_edit(pk=pk, user=request.user)
    if request.method == "POST":
        services.activity_delete(activity=activity, user=request.user)
        if request.htmx:
            return HttpResponse("")
        messages.success(request, _("Activity deleted."))
        return redirect(safe_next(request, reverse("activity:activity_list")))
    return render(
        request,
        "activity/activity_confirm_delete.html",
        {"activity": activity, "next": safe_next(request, "")},
    )


@login_required
@require_POST
def activity_done(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get_for_edit(pk=pk, user=request.user)
    try:
        services.activity_set_done(
            activity=activity, user=request.user, done=request.POST.get("done") != "0"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.htmx:
        if request.POST.get("fragment") == "task":
            return render(request, "activity/_widget_tasks.html#task", {"task": activity})
        return render(
            request,
            "activity/_entry.html",
            {
                "a": activity,
                "kind": request.POST.get("timeline", ""),
                "back": _current_path(request),
            },
        )
    return redirect(safe_next(request, reverse("activity:activity_detail", args=[activity.pk])))
