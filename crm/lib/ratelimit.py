"""A small fixed-window rate limiter on the (tenant-aware) cache."""

from __future__ import annotations

from django.core.cache import cache


def _key(scope: str, ident: str) -> str:
    return f"ratelimit:{scope}:{ident}"


def rate_limited(*, scope: str, ident: str, limit: int) -> bool:
    """True when ``ident`` has used up ``limit`` attempts in the current window."""
    return (cache.get(_key(scope, ident)) or 0) >= limit


def rate_hit(*, scope: str, ident: str, window: int) -> int:
    """Count one attempt and return the count in the current window."""
    key = _key(scope, ident)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def rate_reset(*, scope: str, ident: str) -> None:
    cache.delete(_key(scope, ident))
