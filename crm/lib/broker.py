"""Queue a Celery task without ever failing the request that asked for it."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def task_send_safely(task, args: list) -> bool:
    """Queue ``task``; False (and a warning in the log) when the broker cannot be reached.

    Fails within about two seconds instead of kombu's default reconnect pauses. Without a broker
    (``task_always_eager``) the task runs right here.
    """
    app = task.app
    try:
        if app.conf.task_always_eager:
            task.apply_async(args=args)
            return True
        with app.pool.acquire(block=True, timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=2)
            task.apply_async(args=args, retry=False, connection=conn)
    except Exception as exc:  # noqa: BLE001 - a broken broker must never break the request
        log.warning("%s%s not queued (%s)", task.name, args, exc)
        return False
    return True
