"""The progress of a running import job, kept in the cache (the job row only changes outside the
import's transaction)."""

from __future__ import annotations

from django.core.cache import cache

from customers.models import ImportJob

__all__ = ["import_progress_get", "import_progress_set"]


def _progress_key(job_id: int) -> str:
    return f"customers:import-progress:{job_id}"


def import_progress_set(*, job_id: int, phase: str, done: int, total: int) -> None:
    cache.set(_progress_key(job_id), {"phase": phase, "done": done, "total": total}, timeout=3600)


def import_progress_get(*, job: ImportJob) -> dict:
    """{"phase", "done", "total", "percent"} of a running job (or its final numbers)."""
    data = cache.get(_progress_key(job.pk)) if job.is_active else None
    if data is None:
        done = job.total_rows if job.state in (ImportJob.State.DONE, ImportJob.State.CHECKED) else 0
        data = {"phase": job.state, "done": done, "total": job.total_rows}
    total = data["total"] or 0
    # Checking is the first half of an import's bar, writing the second.
    if job.state == ImportJob.State.IMPORTING:
        half = 0 if data["phase"] == "check" else 50
        data["percent"] = half + (round(50 * data["done"] / total) if total else 0)
    elif job.state in (ImportJob.State.DONE, ImportJob.State.CHECKED):
        data["percent"] = 100
    else:
        data["percent"] = round(100 * data["done"] / total) if total else 0
    return data
