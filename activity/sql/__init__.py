"""The SQL of the activity log's daily counts, in one place: the migrations that install it and
``activity.services.activity_counts_rebuild`` read the same files (runtime code never imports a
migration)."""

from __future__ import annotations

import re
import zoneinfo
from pathlib import Path

from django.conf import settings

HERE = Path(__file__).resolve().parent


def sql_text(name: str) -> str:
    """The text of ``activity/sql/<name>.sql`` (placeholders such as ``{tz}`` still in it)."""
    return (HERE / f"{name}.sql").read_text(encoding="utf-8")


def time_zone() -> str:
    """TIME_ZONE, checked to be a real zone and safe as an SQL literal (days are local days)."""
    name = settings.TIME_ZONE
    zoneinfo.ZoneInfo(name)  # a real zone ...
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", name):  # ... and safe as a literal
        raise ValueError(f"unexpected TIME_ZONE {name!r}")
    return name
