"""Customers (companies or private persons, leads or customers) and their contact persons."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CUSTOMER)
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("converted by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, default="DE", help_text=_("ISO 3166 code, e.g. DE"))

    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("web"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=120, blank=True)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="owned_customers",
    )
    annual_revenue = models.DecimalField(_("annual revenue"), max_digits=16, decimal_places=2, null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    size_class = models.CharField(_("size class"), max_length=1, choices=SizeClass.choices, default=SizeClass.D)
    size_class_manual = models.BooleanField(
        _("size class set by hand"), default=False,
        help_text=_("Otherwise it is derived from revenue and employees with the tenant's thresholds."),
    )

    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    geocode_status = models.CharField(
        _("geocoding"), max_length=10, choices=GeocodeStatus.choices, default=GeocodeStatus.PENDING
    )
    geocoded_at = models.DateTimeField(_("geocoded at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["name", "id"], name="customer_name_idx"),
            models.Index(fields=["status"], name="customer_status_idx"),
            models.Index(fields=["owner"], name="customer_owner_idx"),
            models.Index(fields=["city"], name="customer_city_idx"),
            models.Index(fields=["postal_code"], name="customer_postal_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="lead") | models.Q(status="customer"), name="customer_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_lead(self) -> bool:
        return self.status == self.Status.LEAD


class ContactPerson(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    position = models.CharField(_("position"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        indexes = [models.Index(fields=["last_name", "first_name", "id"], name="contact_name_idx")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)
