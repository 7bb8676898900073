"""The signed-in user's own language over the browser's (LocaleMiddleware picks that one first)."""

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
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language and language != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
