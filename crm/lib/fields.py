"""Model fields that many tables carry alike, defined once: when a record was created and last
changed, who created it, and the tenant's custom values of a record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def created_at_field() -> models.DateTimeField:
    return models.DateTimeField(_("created"), auto_now_add=True)


def updated_at_field() -> models.DateTimeField:
    return models.DateTimeField(_("updated"), auto_now=True)


def created_by_field() -> models.ForeignKey:
    """Who created the record (None once that user is deleted; no reverse accessor)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


def custom_values_field() -> models.JSONField:
    """The tenant's custom fields of a record: customfields.FieldDefinition.key -> value (see
    customfields.values); written through the forms and services, never edited as such."""
    return models.JSONField(
        _("custom fields"), default=dict, db_default={}, blank=True, editable=False
    )
