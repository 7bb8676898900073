"""The "+ New" dialog of the top bar: a create page's form shown over the current page.

The create views of the feature apps (customer, contact person, project, activity) stay what they
are, full pages without JavaScript. When the top bar's dialog asks (htmx with ``dialog=1``) they
render the same form inside ``components/_new_dialog.html`` (errors and what was typed stay in
the dialog), and after saving they answer with ``dialog_created``: open the new record
(``HX-Redirect``) or stay on the page with a message and a link, as the user chose last time
(``User.after_create``, set by the dialog's switch and on "My settings").
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def dialog_requested(request: HttpRequest) -> bool:
    """The request comes from the "+ New" dialog (htmx, ``dialog=1``)."""
    params = request.POST if request.method == "POST" else request.GET
    return bool(getattr(request, "htmx", False)) and params.get("dialog") == "1"


def dialog_render(
    request: HttpRequest, *, title: str, form_template: str, context: dict, status: int = 200
) -> HttpResponse:
    """The dialog with ``form_template`` (a partial of the create page) inside."""
    return render(
        request,
        "components/_new_dialog.html",
        {**context, "dialog_title": title, "form_template": form_template, "in_dialog": True},
        status=status,
    )


def _remember(request: HttpRequest) -> str:
    from crm.models import User
    from crm.services import user_after_create_set

    choice = request.POST.get("open_after")
    if choice in ("0", "1"):
        wanted = User.AfterCreate.OPEN if choice == "1" else User.AfterCreate.STAY
        user_after_create_set(user=request.user, after_create=wanted)
    return request.user.after_create


def dialog_created(
    request: HttpRequest, *, url: str, message: str, link_text: str, fallback: str | None = None
) -> HttpResponse:
    """The answer after a create: in the dialog open the record or stay (the user's choice);
    as a plain page the message and a redirect to ``fallback`` (or the record)."""
    if not dialog_requested(request):
        messages.success(request, message)
        return redirect(fallback or url)
    if _remember(request) == "open":
        messages.success(request, message)
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return render(
        request,
        "components/_new_dialog_done.html",
        {"message": message, "url": url, "link_text": link_text},
    )
