"""Processes with phases, sales projects (and lead projects), their phase history, the running
pipeline totals; project groups and dismissed competing offers in ``sales.models.groups``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.lib.collation import NAME_COLLATION
from crm.lib.fields import created_at_field, created_by_field, custom_values_field, updated_at_field
from sales.models.groups import ConflictDismissal, GroupType, ProjectGroup

PROBABILITY_MAX = MaxValueValidator(100, message=_("The probability is at most 100 %%."))

__all__ = [
    "ConflictDismissal",
    "GroupType",
    "LostReason",
    "Phase",
    "PhaseChange",
    "PipelineTotal",
    "Process",
    "ProjectContact",
    "ProjectGroup",
    "SalesProject",
]


class Process(models.Model):
    class Kind(models.TextChoices):
        SALES = "sales", _("Sales")
        LEAD = "lead", _("Lead")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SALES)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    followup_process = models.ForeignKey(
        "self",
        verbose_name=_("follow-up sales process"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "For lead processes: on conversion a sales project is started in this process."
        ),
    )
    followup_phase = models.ForeignKey(
        "Phase",
        verbose_name=_("follow-up phase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("process")
        verbose_name_plural = _("processes")

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="phases"
    )
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveIntegerField(_("order"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("default probability (%)"), default=10, validators=[PROBABILITY_MAX]
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN
    )
    qualifies_lead = models.BooleanField(
        _("qualifies the lead"),
        default=False,
        help_text=_("Moving a lead's project here converts the lead into a customer."),
    )
    yellow_days = models.PositiveIntegerField(_("yellow after days"), null=True, blank=True)
    red_days = models.PositiveIntegerField(_("red after days"), null=True, blank=True)
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("Only admins may move projects out of it.")
    )
    parks = models.BooleanField(
        _("follow-up on a date"),
        default=False,
        help_text=_(
            "Projects wait here until a chosen date, then return to the phase they came from."
        ),
    )

    class Meta:
        ordering = ["process", "order", "id"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__lte=100),
                name="phase_probability_max_100",
                violation_error_message=_("The probability is at most 100 %%."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The yellow marker comes before the red one (checked by every ModelForm, the admin's
        too)."""
        yellow, red = self.yellow_days, self.red_days
        if yellow is not None and red is not None and yellow >= red:
            raise ValidationError(
                {
                    "yellow_days": _(
                        "Yellow must come before red: fewer days than the red threshold (%(red)s)."
                    )
                    % {"red": red}
                }
            )


class LostReason(models.Model):
    ALTERNATIVE_WON = (
        "alternative_won"  # the key of the reason given when another alternative is won
    )

    name = models.CharField(_("name"), max_length=120, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # Reasons the system applies itself are found by key, so an admin may rename them.
    key = models.CharField(
        _("system key"), max_length=30, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")

    def __str__(self) -> str:
        return self.name


class SalesProject(models.Model):
    # What a new project is started with, in the order the create form and the admin show it
    # (besides its customer).
    CREATE_FIELDS = (
        "title",
        "process",
        "phase",
        "owner",
        "volume",
        "probability",
        "expected_order_date",
        "description",
    )

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="projects"
    )
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="projects"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_projects",
    )
    title = models.CharField(_("title"), max_length=200, db_collation=NAME_COLLATION)
    volume = models.DecimalField(
        _("volume"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0, message=_("The volume cannot be negative."))],
    )
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=0, validators=[PROBABILITY_MAX]
    )
    probability_overridden = models.BooleanField(_("probability set by hand"), default=False)
    expected_order_date = models.DateField(_("expected order date"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    phase_entered_at = models.DateTimeField(_("in phase since"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("lost reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    # Follow-up on a date (leads): parked in a "parks" phase until parked_until, then returned to
    # park_return_phase; followup_due is the owner's reminder until the project moves on.
    parked_until = models.DateField(_("parked until"), null=True, blank=True)
    park_return_phase = models.ForeignKey(
        Phase,
        verbose_name=_("then return to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    followup_due = models.DateField(_("follow-up due"), null=True, blank=True)
    custom = custom_values_field()
    created_at = created_at_field()
    updated_at = updated_at_field()
    created_by = created_by_field()
    group = models.ForeignKey(
        "ProjectGroup",
        verbose_name=_("project group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        db_index=False,  # project_group_owner_idx, partial
    )
    # Two flags kept by sales.services.flags in the same transaction as every change they depend
    # on, so that totals and the conflicts list stay cheap at any size:
    # counts_in_pipeline is False for the members of an alternatives group that are not its
    # counting member (pipeline_rollup sums only counting projects);
    # has_competitor is True while an open project of another owner for the same customer, not in
    # the same group and not dismissed, exists (the conflicts list re-checks every pair).
    counts_in_pipeline = models.BooleanField(
        _("counts in pipeline totals"), default=True, db_default=True, editable=False
    )
    has_competitor = models.BooleanField(
        _("has a competing offer"), default=False, db_default=False, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sales project")
        verbose_name_plural = _("sales projects")
        indexes = [
            models.Index(fields=["phase", "-volume", "id"], name="project_phase_volume_idx"),
            # the kanban's other two card orders, per column
            models.Index(
                fields=["phase", "expected_order_date", "id"], name="project_phase_expected_idx"
            ),
            models.Index(fields=["phase", "phase_entered_at", "id"], name="project_phase_age_idx"),
            # column totals read from the index alone (index-only scan)
            models.Index(
                fields=["phase"],
                include=["volume", "probability", "counts_in_pipeline"],
                name="project_phase_totals_idx",
            ),
            # the list's default order; with phase and process in the index, status and scope
            # filters (given as id lists) read a deep page from the index alone
            models.Index(
                fields=["volume", "id"], include=["phase", "process"], name="project_volume_idx"
            ),
            # the lead list's default order (one lead process), and the list's "in phase" order
            models.Index(fields=["process", "volume", "id"], name="project_process_volume_idx"),
            models.Index(fields=["phase_entered_at", "id"], name="project_phase_entered_idx"),
            models.Index(
                fields=["parked_until"],
                name="project_parked_idx",
                condition=models.Q(parked_until__isnull=False),
            ),
            models.Index(
                fields=["owner", "followup_due"],
                name="project_followup_idx",
                condition=models.Q(followup_due__isnull=False),
            ),
            models.Index(fields=["process", "phase"], name="project_process_phase_idx"),
            # the owner sort counts each owner's projects of the list's processes (sales/listing.py)
            models.Index(fields=["process", "owner"], name="project_process_owner_idx"),
            # the list's sorts (ProjectTable), each ending in the id: owner, phase and process are
            # read per value from their (fk, id) range (sales/listing.py); owner and phase carry
            # the process, which the lists filter by (sales or lead): a deep page and the counts
            # per value stay index-only scans instead of a row fetch per skipped project
            models.Index(
                fields=["owner", "id"], include=["process"], name="project_owner_id_cover"
            ),
            models.Index(
                fields=["phase", "id"], include=["process"], name="project_phase_id_cover"
            ),
            models.Index(fields=["process", "id"], name="project_process_id_idx"),
            models.Index(fields=["title", "id"], name="project_title_idx"),
            models.Index(fields=["probability", "id"], name="project_probability_idx"),
            models.Index(fields=["customer"], name="project_customer_idx"),
            models.Index(fields=["expected_order_date", "id"], name="project_expected_id_idx"),
            # the weighted sort: the same expression as sales.selectors.weighted_expression
            models.Index(
                models.F("volume") * models.F("probability") / 100,
                models.F("id"),
                name="project_weighted_idx",
            ),
            # the lead list (one lead process, as an id list) by expected date and probability
            models.Index(
                fields=["process", "expected_order_date", "id"], name="project_process_expected_idx"
            ),
            models.Index(fields=["process", "probability", "id"], name="project_process_prob_idx"),
            # the group list's owner and team filters ask each group for a member of an owner:
            # the owner rides along, so they read this small index alone
            models.Index(
                fields=["group"],
                include=["owner"],
                name="project_group_owner_idx",
                condition=models.Q(group__isnull=False),
            ),
            # the conflicts list self-joins only the few projects that have a competitor; it reads
            # both sides of a pair from this index alone (their phase and process decide)
            models.Index(
                fields=["customer"],
                include=["owner", "group", "phase", "process", "id"],
                name="project_competing_idx",
                condition=models.Q(has_competitor=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__lte=100),
                name="project_probability_max_100",
                violation_error_message=_("The probability is at most 100 %%."),
            ),
            models.CheckConstraint(
                condition=models.Q(volume__gte=0),
                name="project_volume_not_negative",
                violation_error_message=_("The volume cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sales:project_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.phase.outcome != Phase.Outcome.OPEN

    @property
    def weighted_volume(self):
        return self.volume * self.probability / 100

    @property
    def age_marker(self) -> str:
        """ "red", "yellow" or "" by the days spent in an open phase against its thresholds."""
        phase = self.phase
        if phase.outcome != Phase.Outcome.OPEN or self.phase_entered_at is None:
            return ""
        days = (timezone.now() - self.phase_entered_at).days
        if phase.red_days is not None and days >= phase.red_days:
            return "red"
        if phase.yellow_days is not None and days >= phase.yellow_days:
            return "yellow"
        return ""

    @property
    def days_in_phase(self) -> int:
        return (timezone.now() - self.phase_entered_at).days if self.phase_entered_at else 0


class ProjectContact(models.Model):
    class Role(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision maker")
        INFLUENCER = "influencer", _("Influencer")
        USER = "user", _("User")
        GATEKEEPER = "gatekeeper", _("Gatekeeper")
        BUYER = "buyer", _("Buyer")
        CHAMPION = "champion", _("Champion")
        OTHER = "other", _("Other")

    project = models.ForeignKey(
        SalesProject, on_delete=models.CASCADE, related_name="project_contacts"
    )
    contact = models.ForeignKey(
        "customers.ContactPerson", on_delete=models.CASCADE, related_name="project_links"
    )
    role = models.CharField(
        _("buying-center role"), max_length=20, choices=Role.choices, default=Role.OTHER
    )

    class Meta:
        verbose_name = _("project contact")
        verbose_name_plural = _("project contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "contact"],
                name="project_contact_unique",
                violation_error_message=_("This contact person is already on the project."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact} ({self.get_role_display()})"


class PhaseChange(models.Model):
    project = models.ForeignKey(
        SalesProject,
        verbose_name=_("sales project"),
        on_delete=models.CASCADE,
        related_name="phase_changes",
    )
    from_phase = models.ForeignKey(
        Phase,
        verbose_name=_("from phase"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_phase = models.ForeignKey(
        Phase, verbose_name=_("to phase"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")
        indexes = [models.Index(fields=["project", "-changed_at"], name="phasechange_project_idx")]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_phase_id} → {self.to_phase_id}"


class PipelineTotal(models.Model):
    """Running totals of the projects per process, phase and owner, kept by statement-level
    triggers on the project table (sales migration 0007) in the same transaction as every write,
    so they are never stale. Pipeline figures whose filters stay on these keys (lead/sales,
    process, phases, status, owner, team) are read from the few hundred rows here instead of
    aggregating the projects; see ``sales.selectors.pipeline_totals``."""

    process = models.ForeignKey(
        Process, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    phase = models.ForeignKey(
        Phase, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    owner_key = models.IntegerField()  # the owner's id, 0 for projects without an owner
    n = models.BigIntegerField(default=0)  # every project
    # only projects that count in the pipeline (an alternatives group counts once)
    volume = models.DecimalField(max_digits=24, decimal_places=2, default=0)
    volume_x_probability = models.DecimalField(max_digits=28, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("pipeline total")
        verbose_name_plural = _("pipeline totals")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "phase", "owner_key"], name="pipelinetotal_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process_id}/{self.phase_id}/{self.owner_key}: {self.n}"
