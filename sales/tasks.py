"""Background work of the sales app (tenant-aware: each task runs in the schema it was queued from).

Beat runs ``sales.leads_unpark_all_tenants`` (see the schedule entry in the README / settings): it
queues ``sales.leads_unpark`` once per tenant, each in that tenant's schema, so one tenant's
failure never stops the others.
"""

from __future__ import annotations

from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

from crm.celery import app


@app.task(name="sales.leads_unpark")
def leads_unpark_task() -> int:
    """Return this tenant's parked leads whose follow-up date has come to their phase."""
    from sales.services import project_unpark_due

    return project_unpark_due()


@app.task(name="sales.leads_unpark_all_tenants")
def leads_unpark_all_tenants_task() -> int:
    """Queue the return of parked leads for every tenant; returns how many tenants were queued."""
    schemas = list(
        get_tenant_model()
        .objects.exclude(schema_name=get_public_schema_name())
        .values_list("schema_name", flat=True)
    )
    for schema in schemas:
        with schema_context(schema):
            leads_unpark_task.delay()  # the tenant app stamps the current schema on the message
    return len(schemas)
