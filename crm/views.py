"""Login, logout, dashboard and the health check."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from crm import services
from crm.forms import CompanySettingsForm, LoginForm, MySettingsForm
from crm.lib.dashboard import widgets_render_context
from crm.lib.health import health_report
from crm.lib.http import safe_next
from crm.lib.ratelimit import rate_hit, rate_limited, rate_reset
from crm.lib.search import best_hit, query_clean, query_is_searchable, search_run


def _client_ip(request: HttpRequest) -> str:
    """The address the login limiter counts. Behind N trusted reverse proxies (TRUSTED_PROXIES=N)
    it is the N-th address from the right of X-Forwarded-For (the one our own first proxy saw);
    addresses further left are written by the client and could be forged. Without proxies, or when
    the header is shorter than it must be, REMOTE_ADDR."""
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        hops = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        ident = f"{_client_ip(request)}:{email}"
        limit, window = settings.LOGIN_RATE_LIMIT, settings.LOGIN_RATE_WINDOW
        if rate_limited(scope="login", ident=ident, limit=limit) or rate_limited(
            scope="login-ip", ident=_client_ip(request), limit=limit * 5
        ):
            form.add_error(
                None, _("Too many failed attempts. Please wait a few minutes and try again.")
            )
            status = 429
        else:
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            if user is None:
                rate_hit(scope="login", ident=ident, window=window)
                rate_hit(scope="login-ip", ident=_client_ip(request), window=window)
                form.add_error(None, _("E-mail or password is not correct."))
            else:
                rate_reset(scope="login", ident=ident)
                login(request, user)
                return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return render(request, "crm/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "crm/dashboard.html", {"widgets": widgets_render_context(request)})


@login_required
def my_settings(request: HttpRequest) -> HttpResponse:
    """The user's own settings (their language); admins also see the company's default."""
    form = MySettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"language": request.user.language, "after_create": request.user.after_create},
    )
    if request.method == "POST" and form.is_valid():
        services.user_language_set(user=request.user, language=form.cleaned_data["language"])
        if form.cleaned_data.get("after_create"):
            services.user_after_create_set(
                user=request.user, after_create=form.cleaned_data["after_create"]
            )
        translation.activate(
            request.user.language or translation.get_language_from_request(request)
        )
        messages.success(request, _("Your settings are saved."))
        return redirect("crm:my_settings")
    company_form = None
    if request.user.is_tenant_admin:
        company_form = CompanySettingsForm(
            initial={"default_language": request.tenant.default_language}
        )
    return render(request, "crm/my_settings.html", {"form": form, "company_form": company_form})


@login_required
@require_POST
def company_settings(request: HttpRequest) -> HttpResponse:
    """The language new users of the tenant get (tenant admins only)."""
    if not request.user.is_tenant_admin:
        raise PermissionDenied
    form = CompanySettingsForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "crm/my_settings.html",
            {
                "form": MySettingsForm(
                    initial={
                        "language": request.user.language,
                        "after_create": request.user.after_create,
                    }
                ),
                "company_form": form,
            },
            status=400,
        )
    services.tenant_default_language_set(
        tenant=request.tenant, language=form.cleaned_data["default_language"], user=request.user
    )
    messages.success(request, _("The default language for new users is saved."))
    return redirect("crm:my_settings")


SEARCH_PAGE_LIMIT = 10
SEARCH_DROPDOWN_LIMIT = 5


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The global search: a results page (without JavaScript), or for the top bar's htmx request
    the dropdown of the best hits; ``?go=1`` opens the best hit at once."""
    q = query_clean(request.GET.get("q"))
    dropdown = bool(request.htmx) and request.GET.get("dropdown") == "1"
    groups = search_run(
        request=request, query=q, limit=SEARCH_DROPDOWN_LIMIT if dropdown else SEARCH_PAGE_LIMIT
    )
    best = best_hit(groups)
    if request.GET.get("go") and best is not None and not request.htmx:
        return redirect(best.url)
    context = {
        "q": q,
        "groups": groups,
        "best": best,
        "searchable": query_is_searchable(q),
        "limit": SEARCH_DROPDOWN_LIMIT if dropdown else SEARCH_PAGE_LIMIT,
    }
    if dropdown:
        return render(request, "crm/search.html#dropdown", context)
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "crm/search.html#results", context)
    return render(request, "crm/search.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def public_home(request: HttpRequest) -> HttpResponse:
    return render(request, "crm/public_home.html")


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and crawlers ask for on every host: the static icon, cached a
    day."""
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    path = finders.find("img/favicon.ico") if settings.DEBUG or settings.TESTING else None
    if path is None:
        path = staticfiles_storage.path("img/favicon.ico")
    with open(path, "rb") as icon:
        response = HttpResponse(icon.read(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- error pages: inside the layout, in the user's language -------------------------------------


def _error_response(
    request: HttpRequest, *, status: int, title: str, text: str, hint: str
) -> HttpResponse:
    """The product's own error page; for htmx a short fragment that crm.js shows in place."""
    context = {"status": status, "error_title": title, "error_text": text, "error_hint": hint}
    if request.headers.get("HX-Request"):
        return render(request, "crm/_error_fragment.html", context, status=status)
    return render(request, "crm/error.html", context, status=status)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A refusal: what was refused, and who may do it (the exception's message when it has one)."""
    reason = str(exception) if isinstance(exception, PermissionDenied) and exception.args else ""
    return _error_response(
        request,
        status=403,
        title=_("Not allowed"),
        text=reason or _("You may not do this here."),
        hint=_("If you need it, ask the owner of the record, your manager or a tenant admin."),
    )


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """An address that leads nowhere (or to a record that was deleted)."""
    reason = getattr(
        exception, "crm_message", ""
    )  # our own explanations only, never Django's technical text
    return _error_response(
        request,
        status=404,
        title=_("Page not found"),
        text=reason
        or _(
            "There is nothing at this address. The record may have been deleted, or the link is "
            "incomplete."
        ),
        hint=_("Go back, or look for it with the search at the top."),
    )


def error_500(request: HttpRequest) -> HttpResponse:
    """Our fault: the layout if it can still be rendered, else plain text (the database may be
    down)."""
    try:
        return _error_response(
            request,
            status=500,
            title=_("Something went wrong"),
            text=_(
                "The server could not finish this request. Nothing was changed by it. The error "
                "has been logged."
            ),
            hint=_(
                "Try again in a moment. If it keeps happening, "
                "tell a tenant admin what you were doing."
            ),
        )
    except Exception:  # noqa: BLE001 - the error page must never fail itself
        return HttpResponse(
            _("Something went wrong. Please try again in a moment."),
            status=500,
            content_type="text/plain; charset=utf-8",
        )
