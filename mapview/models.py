"""Saved geographic selections of customers (the map's drawn shapes, kept as a list)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.lib.collation import NAME_COLLATION
from crm.lib.fields import created_at_field, updated_at_field


class Selection(models.Model):
    """A named list of customers picked on the map.

    The members are stored (not the shape alone) so that a selection made for a mailing or a trip
    stays the same list when customers are added or moved later; ``definition`` keeps the shapes
    and filters it was drawn with, for reference.
    """

    name = models.CharField(_("name"), max_length=120, db_collation=NAME_COLLATION)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="map_selections",
    )
    definition = models.JSONField(_("shapes and filters"), default=dict, blank=True)
    customer_count = models.PositiveIntegerField(_("customers"), default=0)
    customers = models.ManyToManyField(
        "customers.Customer", through="SelectionItem", related_name="+", verbose_name=_("customers")
    )
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("map selection")
        verbose_name_plural = _("map selections")

    def __str__(self) -> str:
        return self.name


class SelectionItem(models.Model):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="items")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="map_selection_items"
    )

    class Meta:
        verbose_name = _("selected customer")
        verbose_name_plural = _("selected customers")
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "customer"],
                name="mapview_selection_item_unique",
                violation_error_message=_("This customer is already in the selection."),
            ),
        ]
        indexes = [models.Index(fields=["customer"], name="mapview_item_customer_idx")]

    def __str__(self) -> str:
        return f"{self.selection_id}: {self.customer_id}"
