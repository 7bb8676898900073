"""A saved or deleted tenant or domain empties this process's host name cache at once."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.middleware import tenant_cache_clear
from tenants.models import Domain, Tenant


@receiver(post_save, sender=Tenant)
@receiver(post_delete, sender=Tenant)
@receiver(post_save, sender=Domain)
@receiver(post_delete, sender=Domain)
def tenant_changed(**_kwargs) -> None:
    tenant_cache_clear()
