"""Activities: what people logged (calls, meetings, ...) and what the system recorded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.lib.fields import created_at_field, updated_at_field


class Activity(models.Model):
    class Kind(models.TextChoices):
        # logged by people
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        EMAIL = "email", _("E-mail")
        NOTE = "note", _("Note")
        TASK = "task", _("Task")
        OTHER = "other", _("Other")
        # recorded by the system
        PROJECT_CREATED = "project_created", _("Project created")
        PHASE_CHANGED = "phase_changed", _("Phase changed")
        OWNER_CHANGED = "owner_changed", _("Owner changed")
        WON = "won", _("Project won")
        LOST = "lost", _("Project lost")
        REOPENED = "reopened", _("Project reopened")
        LEAD_CONVERTED = "lead_converted", _("Lead converted")
        CUSTOMER_CREATED = "customer_created", _("Customer created")
        ALTERNATIVE_CLOSED = "alternative_closed", _("Alternative closed")
        FIELD_CHANGED = "field_changed", _("Field changed")
        CUSTOMERS_IMPORTED = "customers_imported", _("Customers imported")

    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices, default=Kind.CALL)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    occurred_at = models.DateTimeField(_("date and time"), default=timezone.now)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    # No single-column indexes on these: the (column, occurred_at) indexes below serve every lookup.
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        db_index=False,
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
        db_index=False,
    )
    project = models.ForeignKey(
        "sales.SalesProject",
        verbose_name=_("sales project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
        db_index=False,
    )
    contacts = models.ManyToManyField(
        "customers.ContactPerson",
        verbose_name=_("contact persons"),
        blank=True,
        related_name="activities",
    )
    show_on_customer = models.BooleanField(
        _("also show on the customer"),
        default=True,
        help_text=_(
            "For activities logged on a project: list them on the customer's timeline too."
        ),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    is_system = models.BooleanField(_("recorded by the system"), default=False)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            # The log page's summary reads only these columns: an index-only scan over the period.
            models.Index(
                fields=["-occurred_at", "-id"],
                name="activity_occurred_idx",
                include=["employee", "kind"],
            ),
            models.Index(fields=["employee", "-occurred_at"], name="activity_employee_idx"),
            models.Index(fields=["customer", "-occurred_at"], name="activity_customer_idx"),
            models.Index(fields=["project", "-occurred_at"], name="activity_project_idx"),
            # The log filtered by type, newest first: rare system kinds would otherwise walk the
            # whole period.
            models.Index(fields=["kind", "-occurred_at", "-id"], name="activity_kind_idx"),
            models.Index(
                fields=["employee", "due_date"],
                name="activity_open_task_idx",
                condition=models.Q(kind="task", done_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_date__isnull=True) | models.Q(kind="task"),
                name="activity_due_only_on_tasks",
                violation_error_message=_("Only tasks have a due date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def title(self) -> str:
        """The subject, or for system entries a sentence built from the payload (translated now)."""
        if not self.is_system:
            return self.subject or str(self.get_kind_display())
        from activity.texts import system_title

        return system_title(kind=self.kind, payload=self.payload or {})

    @property
    def is_task(self) -> bool:
        return self.kind == self.Kind.TASK

    @property
    def is_open_task(self) -> bool:
        return self.kind == self.Kind.TASK and self.done_at is None

    @property
    def is_overdue(self) -> bool:
        return (
            self.is_open_task and self.due_date is not None and self.due_date < timezone.localdate()
        )


HUMAN_KINDS = [
    Activity.Kind.CALL,
    Activity.Kind.MEETING,
    Activity.Kind.EMAIL,
    Activity.Kind.NOTE,
    Activity.Kind.TASK,
    Activity.Kind.OTHER,
]
SYSTEM_KINDS = [k for k in Activity.Kind if k not in HUMAN_KINDS]


class DailyCount(models.Model):
    """Entries per employee, local day and kind, kept by database triggers on the activity table
    (see migration 0003), so the log's summary and chart read a few thousand rows, not a million."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    day = models.DateField()
    kind = models.CharField(max_length=24)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "day", "kind"], name="activity_dailycount_key"
            )
        ]
        # The summary reads a period of days for everyone: an index-only scan of this one.
        indexes = [
            models.Index(
                fields=["day"],
                include=["employee", "kind", "n"],
                name="activity_dailycount_cover_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.day} {self.kind}: {self.n}"
