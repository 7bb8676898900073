"""Tenants (client companies) and their host names; public schema only."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class Tenant(TenantMixin):
    name = models.CharField(_("name"), max_length=200)
    lead_function_enabled = models.BooleanField(
        _("lead function"),
        default=False,
        help_text=_("Show the Leads menu, lead processes and leads (in gray) in the customer overview."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    created_on = models.DateTimeField(_("created"), auto_now_add=True)

    # Schemas are created by tenants.services.tenant_provision, which also cleans up on failure.
    auto_create_schema = True
    auto_drop_schema = True

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
