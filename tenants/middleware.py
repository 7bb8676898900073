"""The host name -> tenant lookup of every request, cached per process for a few seconds.

django-tenants' ``TenantMainMiddleware`` reads ``tenants_domain`` joined with ``tenants_tenant``
on every request (a query and a ``SET search_path`` to the public schema before the page's own
work). ``CachedTenantMiddleware`` keeps the answer per host name in the process for
``TENANT_CACHE_SECONDS`` (10 s in production, 0 = off in tests):

- tenants stay apart: the key is the whole host name, the value the tenant that host's domain row
  names, exactly what the uncached lookup returns; each request gets its own copy of the tenant,
  so a view that changes ``request.tenant`` (the lead function switch) changes no other request's;
- a change is seen at once in the process that made it: saving or deleting a tenant or a domain
  empties the cache (tenants/receivers.py); other processes see it within ``TENANT_CACHE_SECONDS``;
- an unknown host is not cached: it answers 404 as before, and a tenant created a moment ago is
  found by its next request.
"""

from __future__ import annotations

import copy
import threading
import time

from django.conf import settings
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import Tenant

_lock = threading.Lock()
_by_host: dict[str, tuple[float, Tenant]] = {}


def tenant_cache_clear() -> None:
    """Forget every cached host name (this process)."""
    with _lock:
        _by_host.clear()


class CachedTenantMiddleware(TenantMainMiddleware):
    """TenantMainMiddleware whose domain lookup is cached per process (module docstring)."""

    def get_tenant(self, domain_model, hostname):
        seconds = getattr(settings, "TENANT_CACHE_SECONDS", 0)
        now = time.monotonic()
        hit = _by_host.get(hostname)
        if seconds > 0 and hit is not None and hit[0] > now:
            return copy.copy(hit[1])
        tenant = super().get_tenant(domain_model, hostname)  # DoesNotExist: 404, not cached
        if seconds > 0:
            with _lock:
                _by_host[hostname] = (now + seconds, tenant)
            return copy.copy(tenant)
        return tenant
