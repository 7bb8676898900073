"""A task whose tenant was deleted while its message waited is dropped, never run in public."""

import logging

from django.db import connection

from crm.celery import app
from mapview.tasks import geocode_customers


def test_the_app_uses_the_guarded_tenant_task_class():
    task = geocode_customers._get_current_object()
    assert task.app is app and any(cls.__name__ == "CrmTask" for cls in type(task).__mro__)


def test_a_task_for_a_schema_that_does_not_exist_is_dropped_with_a_warning(tenant, caplog):
    caplog.set_level(logging.WARNING, logger="crm.celery")
    result = geocode_customers.apply(args=[[1, 2]], headers={"_schema_name": "tenant_long_gone"})
    assert result.successful() and result.result is None
    assert any(
        "does not exist" in r.getMessage() and "tenant_long_gone" in r.getMessage()
        for r in caplog.records
    )
    assert connection.schema_name == tenant.schema_name  # the caller's schema is back


def test_a_task_for_the_current_tenant_still_runs(tenant):
    result = geocode_customers.apply(args=[[]])
    assert result.successful() and result.result["schema"] == tenant.schema_name
