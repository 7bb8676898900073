"""Tenants (client companies) and their host names; public schema only."""

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.postgresql_backend.base import _check_schema_name
from django_tenants.utils import schema_exists

from crm.lib.fields import created_at_field


class Tenant(TenantMixin):
    name = models.CharField(_("name"), max_length=200)
    lead_function_enabled = models.BooleanField(
        _("lead function"),
        default=False,
        help_text=_(
            "Show the Leads menu, lead processes and leads (in gray) in the customer overview."
        ),
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    default_language = models.CharField(
        _("default language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language new users get. Empty: the language of their browser."),
    )
    created_on = created_at_field()

    # Schemas are created by tenants.services.tenant_provision, which also cleans up on failure.
    auto_create_schema = True
    auto_drop_schema = True

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """A new schema is a copy of the migrated template schema (tenants.template), not a run of
        every migration: provisioning takes a fraction of a second instead of seconds."""
        if not sync_schema or (check_if_exists and schema_exists(self.schema_name)):
            return super().create_schema(
                check_if_exists=check_if_exists, sync_schema=sync_schema, verbosity=verbosity
            )
        from tenants.template import schema_clone_from_template

        _check_schema_name(self.schema_name)
        schema_clone_from_template(schema=self.schema_name, verbosity=verbosity)
        connection.set_schema_to_public()
        return True

    class Meta:
        ordering = ["name"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")

    def __str__(self) -> str:
        return f"{self.name} ({self.schema_name})"


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.domain
