"""The Celery app. It must be tenant-schemas-celery's CeleryApp: a plain Celery() would run
every task in the public schema."""

import logging
import os

from tenant_schemas_celery.app import CeleryApp
from tenant_schemas_celery.task import TenantTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

log = logging.getLogger(__name__)


class CrmTask(TenantTask):
    """A tenant task that never runs in the wrong schema.

    tenant-schemas-celery switches to the schema named in the message before the task runs; when
    that tenant no longer exists (deleted while its messages waited in the queue), the switch fails
    and the task would run in the public schema. Such a task is dropped with a warning instead.
    """

    abstract = True

    def __call__(self, *args, **kwargs):
        from django.db import connection
        from django_tenants.utils import get_public_schema_name

        headers = getattr(self.request, "headers", None) or {}
        wanted = headers.get("_schema_name") or getattr(self.request, "_schema_name", None)
        if wanted and wanted != get_public_schema_name() and connection.schema_name != wanted:
            log.warning("%s dropped: tenant schema %r does not exist (any more)", self.name, wanted)
            return None
        return super().__call__(*args, **kwargs)


class CrmCeleryApp(CeleryApp):
    task_cls = CrmTask


app = CrmCeleryApp("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
