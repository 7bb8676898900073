"""Customers (companies or private persons, leads or customers) and their contact persons."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.lib.collation import NAME_COLLATION
from crm.lib.fields import created_at_field, created_by_field, custom_values_field, updated_at_field
from crm.lib.validators import phone_validate, website_url, website_validate


class Customer(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Private person")

    class Status(models.TextChoices):
        LEAD = "lead", _("Lead")
        CUSTOMER = "customer", _("Customer")

    class SizeClass(models.TextChoices):
        A = "A", _("A – key account")
        B = "B", _("B")
        C = "C", _("C")
        D = "D", _("D – small")

    class GeocodeStatus(models.TextChoices):
        PENDING = "pending", _("Pending")
        FOUND = "found", _("Found")
        NOT_FOUND = "not_found", _("Not found")
        FAILED = "failed", _("Failed")
        MANUAL = "manual", _("Set by hand")

    ADDRESS_FIELDS = ("street", "postal_code", "city", "country")
    # The address, how to reach the customer and its industry, in this order: every customer form,
    # the write services and the CSV export list them.
    PROFILE_FIELDS = (*ADDRESS_FIELDS, "phone", "email", "website", "industry")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    name = models.CharField(_("name"), max_length=200, db_collation=NAME_COLLATION)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CUSTOMER
    )
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("converted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True, db_collation=NAME_COLLATION)
    country = models.CharField(
        _("country"), max_length=2, default="DE", help_text=_("ISO 3166 code, e.g. DE")
    )

    phone = models.CharField(_("phone"), max_length=50, blank=True, validators=[phone_validate])
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("web"), max_length=200, blank=True, validators=[website_validate])
    industry = models.CharField(_("industry"), max_length=120, blank=True)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_customers",
    )
    annual_revenue = models.DecimalField(
        _("annual revenue"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("The annual revenue cannot be negative."))],
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    size_class = models.CharField(
        _("size class"), max_length=1, choices=SizeClass.choices, default=SizeClass.D
    )
    size_class_manual = models.BooleanField(
        _("size class set by hand"),
        default=False,
        help_text=_(
            "Otherwise it is derived from revenue and employees with the tenant's thresholds."
        ),
    )

    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    geocode_status = models.CharField(
        _("geocoding"), max_length=10, choices=GeocodeStatus.choices, default=GeocodeStatus.PENDING
    )
    geocoded_at = models.DateTimeField(_("geocoded at"), null=True, blank=True)

    last_activity_at = models.DateTimeField(
        _("last activity"), null=True, blank=True, db_index=True
    )

    # Roll-ups of the customer's sales projects, kept exact by statement-level triggers on the
    # projects table (migration 0006; never written by Python): the open projects (phase outcome
    # "open") and their volume, where an alternatives group counts once (only members flagged
    # counts_in_pipeline).
    open_projects_count = models.IntegerField(
        _("open projects"), default=0, db_default=0, editable=False
    )
    pipeline_value = models.DecimalField(
        _("open pipeline"), max_digits=20, decimal_places=2, default=0, db_default=0, editable=False
    )

    # Derived by customers.services (never typed by hand): keys for the duplicate check and search.
    name_key = models.CharField(_("normalised name"), max_length=200, blank=True, editable=False)
    email_domain = models.CharField(_("e-mail domain"), max_length=200, blank=True, editable=False)
    phone_digits = models.CharField(_("phone digits"), max_length=50, blank=True, editable=False)
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    custom = custom_values_field()

    created_at = created_at_field()
    updated_at = updated_at_field()
    created_by = created_by_field()
    # The CSV import that created the customer (set by the import's COPY itself), for its timeline.
    import_job = models.ForeignKey(
        "customers.ImportJob",
        verbose_name=_("CSV import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
        editable=False,
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["name", "id"], name="customer_name_idx"),
            models.Index(fields=["status"], name="customer_status_idx"),
            models.Index(
                fields=["owner", "id"], name="customer_owner_id_idx"
            ),  # the owner sort, per owner by id
            models.Index(
                fields=["city", "name", "id"], name="customer_city_name_idx"
            ),  # the city sort
            models.Index(fields=["postal_code"], name="customer_postal_idx"),
            models.Index(fields=["name_key"], name="customer_name_key_idx"),
            models.Index(fields=["email_domain"], name="customer_email_domain_idx"),
            models.Index(fields=["phone_digits"], name="customer_phone_digits_idx"),
            models.Index(fields=["country", "name", "id"], name="customer_country_idx"),
            models.Index(fields=["size_class", "name", "id"], name="customer_size_idx"),
            models.Index(fields=["kind", "name", "id"], name="customer_kind_idx"),  # the kind sort
            models.Index(
                fields=["open_projects_count", "name", "id"], name="customer_open_projects_idx"
            ),
            models.Index(fields=["pipeline_value", "name", "id"], name="customer_pipeline_idx"),
            # The "with open projects" filter in name order (about 80 % of the rows, index-only).
            models.Index(
                fields=["name", "id"],
                condition=models.Q(open_projects_count__gt=0),
                name="customer_with_open_name_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="lead") | models.Q(status="customer"),
                name="customer_status_valid",
                violation_error_message=_("The status is either lead or customer."),
            ),
            models.CheckConstraint(
                condition=models.Q(annual_revenue__isnull=True) | models.Q(annual_revenue__gte=0),
                name="customer_revenue_not_negative",
                violation_error_message=_("The annual revenue cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_lead(self) -> bool:
        return self.status == self.Status.LEAD

    @property
    def website_url(self) -> str:
        """The web address to link to (www.example.de -> https://www.example.de)."""
        return website_url(self.website)

    @property
    def address_lines(self) -> list[str]:
        place = " ".join(p for p in (self.postal_code, self.city) if p)
        return [line for line in (self.street, place, self.country) if line]


class ContactPerson(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    first_name = models.CharField(
        _("first name"), max_length=100, blank=True, db_collation=NAME_COLLATION
    )
    last_name = models.CharField(_("last name"), max_length=100, db_collation=NAME_COLLATION)
    position = models.CharField(_("position"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True, validators=[phone_validate])
    mobile = models.CharField(_("mobile"), max_length=50, blank=True, validators=[phone_validate])
    notes = models.TextField(_("notes"), blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    custom = custom_values_field()
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="contact_name_idx"),
            models.Index(fields=["customer", "last_name"], name="contact_customer_idx"),
            # the contact list's sorts (ContactTable), each ending in the id
            models.Index(fields=["email", "id"], name="contact_email_idx"),
            models.Index(fields=["position", "id"], name="contact_position_idx"),
            models.Index(fields=["last_activity_at", "id"], name="contact_last_activity_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


THRESHOLD_MIN = MinValueValidator(0, message=_("A threshold cannot be negative."))


class SizeClassThresholds(models.Model):
    """The tenant's thresholds: a customer gets the highest class whose revenue OR employee
    threshold it reaches; below all of them it is D. One row per tenant."""

    a_min_revenue = models.DecimalField(
        _("A from annual revenue"),
        max_digits=16,
        decimal_places=2,
        validators=[THRESHOLD_MIN],
        default=50_000_000,
    )
    a_min_employees = models.PositiveIntegerField(_("A from employees"), default=500)
    b_min_revenue = models.DecimalField(
        _("B from annual revenue"),
        max_digits=16,
        decimal_places=2,
        validators=[THRESHOLD_MIN],
        default=10_000_000,
    )
    b_min_employees = models.PositiveIntegerField(_("B from employees"), default=100)
    c_min_revenue = models.DecimalField(
        _("C from annual revenue"),
        max_digits=16,
        decimal_places=2,
        validators=[THRESHOLD_MIN],
        default=1_000_000,
    )
    c_min_employees = models.PositiveIntegerField(_("C from employees"), default=10)
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("size-class thresholds")
        verbose_name_plural = _("size-class thresholds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(a_min_revenue__gte=models.F("b_min_revenue"))
                & models.Q(b_min_revenue__gte=models.F("c_min_revenue"))
                & models.Q(a_min_employees__gte=models.F("b_min_employees"))
                & models.Q(b_min_employees__gte=models.F("c_min_employees")),
                name="size_thresholds_descending",
                violation_error_message=_(
                    "Each size class needs at least the thresholds of the next smaller one: "
                    "A at least B and B at least C, for annual revenue and for employees."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Size-class thresholds"))


def _import_upload_to(instance, filename: str) -> str:
    from django.db import connection
    from django.utils.crypto import get_random_string

    # Files of one tenant never share a folder with another's, and names are not guessable.
    return f"imports/{connection.schema_name}/{get_random_string(24)}.csv"


class ImportJob(models.Model):
    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded, columns to map")
        CHECKING = "checking", _("Checking (dry run)")
        CHECKED = "checked", _("Checked, ready to import")
        REJECTED = "rejected", _("Rejected")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    file = models.FileField(_("file"), upload_to=_import_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    encoding = models.CharField(_("encoding"), max_length=20, default="utf-8")
    delimiter = models.CharField(_("delimiter"), max_length=1, default=";")
    header = models.JSONField(_("header"), default=list)
    mapping = models.JSONField(
        _("column mapping"), default=dict
    )  # column index (str) -> field name
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner for rows without one"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    skip_existing = models.BooleanField(
        _("skip customers that already exist"),
        default=True,
        help_text=_(
            "Rows whose customer already exists (same name and postal code or city) are skipped."
        ),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed rows"), default=0)
    created_customers = models.PositiveIntegerField(_("customers created"), default=0)
    created_contacts = models.PositiveIntegerField(_("contacts created"), default=0)
    # [{"line": n, "column": "...", "reason": "...", "level": "error" | "warning"}], the first 1,000
    errors = models.JSONField(_("report"), default=list)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    skipped_rows = models.PositiveIntegerField(_("rows skipped"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_by = created_by_field()
    created_at = created_at_field()
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.state == self.State.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.IMPORTING)
