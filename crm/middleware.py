"""The signed-in user's own language over the browser's; no caching of signed-in pages."""

from __future__ import annotations

from django.utils import translation


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: a user who chose a language gets it on every page;
    without a choice (and on the public pages such as login) LocaleMiddleware's Accept-Language
    choice stays. LocaleMiddleware's response step then sets Content-Language from it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = (
            getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        )
        if language and language != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class PrivatePagesMiddleware:
    """After AuthenticationMiddleware: a response to a signed-in user (pages, fragments, exports)
    is never stored by the browser or a shared cache (``Cache-Control: private, no-store``), so
    "Back" after logging out or a proxy cannot show another user's customers. Responses that set
    their own Cache-Control (the favicon, health checks) keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
