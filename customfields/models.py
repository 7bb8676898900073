"""The tenant's own fields on customers, contact persons, sales projects and leads.

A definition says what the field is; its values live in the record's ``custom`` JSONB column
(``Customer.custom``, ``ContactPerson.custom``, ``SalesProject.custom``) under the definition's
``key``. Changing a definition (label, options, retiring it) never touches the values.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crm.lib.fields import created_at_field, updated_at_field

ROLE_CHOICES = [("admin", _("Admin")), ("manager", _("Manager")), ("salesperson", _("Salesperson"))]
ALL_ROLES = [value for value, _label in ROLE_CHOICES]


def _all_roles() -> list[str]:
    return list(ALL_ROLES)


class FieldDefinition(models.Model):
    class Entity(models.TextChoices):
        CUSTOMER = "customer", _("Customers and leads (customer overview)")
        CONTACT = "contact", _("Contact persons")
        PROJECT = "project", _("Sales projects")
        LEAD = "lead", _("Leads (lead processes)")

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        MONEY = "money", _("Money")
        DATE = "date", _("Date")
        BOOLEAN = "boolean", _("Yes/no")
        CHOICE = "choice", _("One choice")
        MULTI_CHOICE = "multi_choice", _("Several choices")
        URL = "url", _("URL")
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
        USER = "user", _("User")

    entity = models.CharField(_("record type"), max_length=10, choices=Entity.choices)
    key = models.CharField(
        _("key"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z][a-z0-9_]*$",
                _("Lower-case letters, digits and _ only, starting with a letter."),
            )
        ],
        help_text=_("Internal name of the stored value, e.g. vat_id. It cannot be changed later."),
    )
    field_type = models.CharField(_("type"), max_length=12, choices=Type.choices, default=Type.TEXT)
    label_en = models.CharField(_("label (English)"), max_length=100)
    label_de = models.CharField(_("label (German)"), max_length=100, blank=True)
    help_en = models.CharField(_("help text (English)"), max_length=250, blank=True)
    help_de = models.CharField(_("help text (German)"), max_length=250, blank=True)
    # [{"value": "retail", "en": "Retail", "de": "Einzelhandel"}, ...] in display order
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    default = models.CharField(
        _("default"),
        max_length=250,
        blank=True,
        help_text=_("Filled in on new records; for choices the option's value."),
    )
    order = models.PositiveIntegerField(_("order"), default=100)
    section = models.CharField(
        _("section of the form"),
        max_length=80,
        blank=True,
        help_text=_("Fields with the same section are shown together."),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("A retired field disappears from forms and lists; its values are kept."),
    )
    visible_roles = ArrayField(
        models.CharField(max_length=20, choices=ROLE_CHOICES),
        verbose_name=_("seen by"),
        default=_all_roles,
        blank=True,
    )
    editable_roles = ArrayField(
        models.CharField(max_length=20, choices=ROLE_CHOICES),
        verbose_name=_("edited by"),
        default=_all_roles,
        blank=True,
    )
    filterable = models.BooleanField(_("filterable"), default=False)
    sortable = models.BooleanField(_("sortable"), default=False)
    searchable = models.BooleanField(_("searchable"), default=False)
    unique = models.BooleanField(
        _("unique"), default=False, help_text=_("No two records may have the same value.")
    )
    tracked = models.BooleanField(
        _("tracked"), default=False, help_text=_("Changes are written to the activity log.")
    )
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        ordering = ["entity", "order", "id"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "").startswith("de") and self.label_de:
            return self.label_de
        return self.label_en

    @property
    def heading(self) -> str:
        """Its CSV export heading: the key in English (what scripts and the import read), the
        German label (else the English one) for German users; the import reads all three."""
        if (get_language() or "").startswith("de"):
            return self.label_de or self.label_en
        return self.key

    @property
    def help_text(self) -> str:
        if (get_language() or "").startswith("de") and self.help_de:
            return self.help_de
        return self.help_en

    def option_choices(self) -> list[tuple[str, str]]:
        german = (get_language() or "").startswith("de")
        return [
            (o["value"], (o.get("de") if german and o.get("de") else o.get("en")) or o["value"])
            for o in self.options
        ]

    @property
    def column(self) -> str:
        """The name this field has in lists, filters and forms (never clashes with a model
        field)."""
        return f"cf_{self.key}"


class ListLayout(models.Model):
    """The columns of one list (or the fields of the kanban card) for the whole tenant, in order.

    The keys are the lists' standard column names and ``cf_<key>`` of custom fields
    (customfields.layouts); keys no longer offered (a retired field) are ignored when read.
    Without a row the list shows its default columns. Removing a column never touches data.
    """

    class Key(models.TextChoices):
        CUSTOMERS = "customers", _("Customer overview")
        CONTACTS = "contacts", _("Contact persons")
        PROJECTS = "projects", _("Sales project list")
        LEADS = "leads", _("Lead list")
        KANBAN = "kanban", _("Kanban cards")

    key = models.CharField(_("list"), max_length=20, choices=Key.choices, unique=True)
    columns = ArrayField(
        models.CharField(max_length=60), verbose_name=_("columns"), default=list, blank=True
    )
    updated_at = updated_at_field()

    class Meta:
        ordering = ["key"]
        verbose_name = _("overview layout")
        verbose_name_plural = _("overview layouts")

    def __str__(self) -> str:
        return str(self.get_key_display())


class StandardFields(models.Model):
    """Which optional standard fields of one area the tenant has switched off (customfields.standard
    lists the switchable ones). Without a row every field is on. Switching a field off only hides
    it: its values stay in their columns and show again when it is switched back on."""

    class Area(models.TextChoices):
        CUSTOMER = "customer", _("Customers and leads")
        CONTACT = "contact", _("Contact persons")
        PROJECT = "project", _("Sales projects")
        LEAD = "lead", _("Leads (lead processes)")

    area = models.CharField(_("area"), max_length=10, choices=Area.choices, unique=True)
    off = ArrayField(
        models.CharField(max_length=40), verbose_name=_("switched off"), default=list, blank=True
    )
    updated_at = updated_at_field()

    class Meta:
        ordering = ["area"]
        verbose_name = _("standard fields")
        verbose_name_plural = _("standard fields")

    def __str__(self) -> str:
        return str(self.get_area_display())
