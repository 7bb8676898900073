"""Checks of phone numbers and web addresses typed into forms (the model fields carry them, so every
ModelForm, the admin's too, gives the same message)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

PHONE_CHARACTERS = re.compile(r"[0-9 +\-/()]*")
PHONE_MIN_DIGITS = 5
_SCHEME = re.compile(r"https?://", re.IGNORECASE)


def phone_validate(value: str) -> None:
    """Digits, spaces, + - / ( ) and at least five digits: +49 (0)89 123 456-7, 0228/12345."""
    if not value:
        return
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_CHARACTERS.fullmatch(value) or digits < PHONE_MIN_DIGITS:
        raise ValidationError(
            _(
                "Enter a phone number with at least five digits; only spaces and + - / ( ) may "
                "stand between them, e.g. +49 89 123456-7."
            ),
            code="phone",
        )


def website_url(value: str) -> str:
    """The address to link to: as typed when it starts with http(s)://, else with https://
    before."""
    value = (value or "").strip()
    if not value or _SCHEME.match(value):
        return value
    return "https://" + value


def website_validate(value: str) -> None:
    """A web address, with or without https:// (www.example.de is fine)."""
    if not value:
        return
    try:
        URLValidator(schemes=["http", "https"])(website_url(value))
    except ValidationError:
        raise ValidationError(
            _("Enter a web address such as www.example.de."), code="website"
        ) from None
