"""Queue a Celery task without ever failing the request that asked for it."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def task_send_safely(task, args: list) -> bool:
    """Queue ``task`` (a task or its registered name); False (and a warning in the log) when the
    broker cannot be reached.

    Fails within about two seconds instead of kombu's default reconnect pauses. Without a broker
    (``task_always_eager``) the task runs right here. A service names its task instead of importing
    the tasks module that imports the service (one-way imports: tasks -> services).
    """
    if isinstance(task, str):
        from crm.celery import app as celery_app

        if task not in celery_app.tasks:
            # The apps' tasks modules are imported on first use; not by the loader's
            # import_default_modules(), whose Django fix-up runs django.setup() and the system
            # checks again inside the request (which also replaces the logging handlers).
            celery_app.autodiscover_tasks(force=True)
        task = celery_app.tasks[task]
    app = task.app
    try:
        if app.conf.task_always_eager:
            task.apply_async(args=args)
            return True
        with app.pool.acquire(block=True, timeout=2) as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=2
            )
            task.apply_async(args=args, retry=False, connection=conn)
    except Exception as exc:  # noqa: BLE001 - a broken broker must never break the request
        log.warning("%s%s not queued (%s)", task.name, args, exc)
        return False
    return True
