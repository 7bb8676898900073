"""Project groups (sub-projects, alternatives) with their types, and dismissed competing offers.

Defined apart from ``sales.models`` (which re-exports them) to keep each module short; the
projects are named as "sales.SalesProject", so this module imports nothing of sales.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.lib.collation import NAME_COLLATION
from crm.lib.fields import created_at_field, created_by_field, updated_at_field


class GroupType(models.Model):
    """A kind of project group and how its members add up (tenant admins configure them)."""

    class Rule(models.TextChoices):
        SUM = "sum", _("Sub-projects: the group is worth the sum of its members")
        ALTERNATIVES = "alternatives", _("Alternatives: only one can be won; the group counts once")

    SUBPROJECTS_KEY, ALTERNATIVES_KEY = "subprojects", "alternatives"  # the two built-in types

    name = models.CharField(_("name"), max_length=120)
    rule = models.CharField(
        _("roll-up rule"), max_length=20, choices=Rule.choices, default=Rule.SUM
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    key = models.CharField(
        _("built-in type"), max_length=30, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["order", "name", "id"]
        verbose_name = _("project group type")
        verbose_name_plural = _("project group types")

    def __str__(self) -> str:
        return self.name

    @property
    def is_alternatives(self) -> bool:
        return self.rule == self.Rule.ALTERNATIVES


class ProjectGroup(models.Model):
    """Projects that belong together: parts of one project, or alternative offers for one need."""

    class Status(models.TextChoices):  # derived from the members (sales.selectors.group_queryset)
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")
        MIXED = "mixed", _("Mixed")
        EMPTY = "empty", _("No members")

    name = models.CharField(_("name"), max_length=200, db_collation=NAME_COLLATION)
    type = models.ForeignKey(
        GroupType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="groups"
    )
    main_project = models.ForeignKey(
        "sales.SalesProject",
        verbose_name=_("main project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True)
    created_at = created_at_field()
    updated_at = updated_at_field()
    created_by = created_by_field()

    # Figures of the members, kept by the triggers of sales 0020 (sales/sql/group_figures_*.sql);
    # Python never writes them. sales.selectors.group_queryset reads them as n_members, value,
    # weighted and status.
    members_count = models.PositiveIntegerField(_("members"), default=0, editable=False)
    value_total = models.DecimalField(
        _("value"), max_digits=18, decimal_places=2, default=0, editable=False
    )
    weighted_total = models.DecimalField(  # volume × probability / 100 has four decimals
        _("weighted value"), max_digits=20, decimal_places=4, default=0, editable=False
    )
    open_count = models.PositiveIntegerField(_("open members"), default=0, editable=False)
    won_count = models.PositiveIntegerField(_("won members"), default=0, editable=False)
    lost_count = models.PositiveIntegerField(_("lost members"), default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project group")
        verbose_name_plural = _("project groups")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sales:group_detail", args=[self.pk])

    @property
    def status_label(self) -> str:
        """The label of the ``status`` that sales.selectors.group_queryset annotates."""
        status = getattr(self, "status", None)
        return self.Status(status).label if status else ""


class ConflictDismissal(models.Model):
    """Someone said that two projects for the same customer do not compete (stored low id first)."""

    project_low = models.ForeignKey(
        "sales.SalesProject", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    project_high = models.ForeignKey(
        "sales.SalesProject", on_delete=models.CASCADE, related_name="+"
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(_("dismissed"), auto_now_add=True)

    class Meta:
        verbose_name = _("dismissed conflict")
        verbose_name_plural = _("dismissed conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["project_low", "project_high"],
                name="conflictdismissal_pair_unique",
                violation_error_message=_("These two offers were already marked as no conflict."),
            ),
            models.CheckConstraint(
                condition=models.Q(project_low__lt=models.F("project_high")),
                name="conflictdismissal_low_first",
                violation_error_message=_("Choose two different offers."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_low_id} / {self.project_high_id}"
