"""A registry of sample-data seeders so `seed_demo` grows with each feature without the core
importing the feature apps. Each app registers its seeder in AppConfig.ready()."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import get_language


@dataclass
class SeedContext:
    """What seeders share: the random source, the scale and what earlier seeders made."""

    rng: random.Random
    customers: int
    stdout: Callable[[str], None] = print
    made: dict = field(default_factory=dict)  # e.g. made["users"], made["customer_ids"]
    # One clock for the whole run: every seeder dates its rows up to this moment, so a caller
    # (a test) knows the newest moment the data can have instead of racing the seeders' clocks.
    now: datetime.datetime = field(default_factory=timezone.now)

    @property
    def today(self) -> datetime.date:
        return timezone.localtime(self.now).date()

    def scaled(self, per_customer: float, minimum: int = 0) -> int:
        return max(minimum, round(self.customers * per_customer))


def report_counts(values: dict) -> dict:
    """The figures of a seeder's report line in the report's language: whole numbers grouped
    ("3.248" in German, "3,248" in English), anything else as it is."""
    from crm.lib.l10n import grouped

    return {k: grouped(v) if isinstance(v, int) else v for k, v in values.items()}


def seeding_in_german() -> bool:
    """Whether the sample data is being written for a German tenant (seed_demo seeds in the tenant's
    language): its names, subjects and notes are then German, an English tenant's English."""
    return (get_language() or "").startswith("de")


_seeders: list[tuple[int, str, Callable[[SeedContext], None]]] = []
_labels: dict[str, object] = {}  # name -> what seed_demo's report calls it (a lazy translation)


def seeder_register(
    *, order: int, name: str, func: Callable[[SeedContext], None], label=None
) -> None:
    """``name``: the seeder's fixed key; ``label``: its name in the report, translatable."""
    _labels[name] = label or name
    if not any(n == name for _, n, _f in _seeders):
        _seeders.append((order, name, func))
        _seeders.sort(key=lambda item: item[0])


def seeder_label(name: str) -> str:
    """A seeder's name in the active language (German for a German tenant's seed report)."""
    return str(_labels.get(name, name))


def seeders() -> list[tuple[int, str, Callable[[SeedContext], None]]]:
    return list(_seeders)
