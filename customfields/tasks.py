"""Background work of custom fields (each task runs in the schema it was queued from)."""

from __future__ import annotations

from crm.celery import app


@app.task(name="customfields.indexes_ensure")
def indexes_ensure_task() -> None:
    """Build (CONCURRENTLY) the expression indexes of filterable and sortable fields, drop unused
    ones."""
    from customfields.indexes import indexes_ensure

    indexes_ensure(concurrently=True)
