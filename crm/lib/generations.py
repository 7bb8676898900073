"""Cached figures that a write makes stale at once: every cache entry of a topic carries the
topic's generation number, and a write bumps the generation after its transaction commits.

Keys pass through django-tenants' KEY_FUNCTION, so topics and entries are per tenant schema.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone


def _generation_key(topic: str) -> str:
    return f"gen:{topic}"


def generation_get(*, topic: str) -> int:
    """The current generation of ``topic`` in this tenant."""
    return cache.get_or_set(_generation_key(topic), 1, None)


def generation_bump(*, topic: str) -> None:
    """Make every cached entry of ``topic`` stale once the current transaction commits."""

    def bump() -> None:
        try:
            cache.incr(_generation_key(topic))
        except ValueError:  # not there (yet, or evicted): any new value makes old keys unreachable
            cache.set(_generation_key(topic), int(timezone.now().timestamp()), None)

    transaction.on_commit(bump)


def cached(*, topic: str, parts: tuple, seconds: int, compute: Callable[[], Any]) -> Any:
    """``compute()``, cached for ``seconds`` under ``parts`` and the topic's generation (0: off)."""
    if not seconds:
        return compute()
    digest = hashlib.sha256(repr((generation_get(topic=topic), *parts)).encode()).hexdigest()
    key = f"{topic}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found
