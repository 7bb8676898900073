"""A service's refusal shown on the form that asked: the one way views turn a ValidationError of a
service into form errors (each beside its field, the rest above the form)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def form_errors_add(form, exc: ValidationError, *, fields: dict[str, str] | None = None) -> None:
    """Add ``exc``'s messages to ``form``: a message for a field of the form beside that field
    (``fields`` maps a service's field name to the form's where they differ), any other above it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = (fields or {}).get(name, name)
        form.add_error(target if target in form.fields else None, errors)
