"""Feature switches of a tenant, answered in one place."""

from __future__ import annotations


def leads_enabled(request_or_tenant) -> bool:
    """Is the tenant's lead function on? Takes a request (its tenant) or a tenant; False without
    one."""
    tenant = getattr(request_or_tenant, "tenant", request_or_tenant)
    return bool(getattr(tenant, "lead_function_enabled", False))
