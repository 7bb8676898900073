"""A registry of dashboard widgets so that feature apps add to the dashboard without the core
importing them. An app registers in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Widget:
    order: int
    template: str
    context: Callable  # (request) -> dict, or None to hide the widget


_widgets: list[Widget] = []


def widget_register(*, order: int, template: str, context: Callable) -> None:
    if not any(w.template == template for w in _widgets):
        _widgets.append(Widget(order=order, template=template, context=context))
        _widgets.sort(key=lambda w: w.order)


def widgets_render_context(request) -> list[dict]:
    out = []
    for widget in _widgets:
        ctx = widget.context(request)
        if ctx is not None:
            out.append({"template": widget.template, **ctx})
    return out


# --- Cached widget figures ---------------------------------------------------------------------
# Figures over the whole tenant (e.g. all customers) cost a pass over a big table; a widget caches
# them per tenant under a topic whose generation the app's receivers bump on commit, with a
# short lifetime as the bound for changes no event reports (e.g. deletes in the admin).


def widget_cache_seconds() -> int:
    from django.conf import settings

    # Off in tests (builders write rows directly, without events).
    return getattr(settings, "DASHBOARD_CACHE_SECONDS", 0 if settings.TESTING else 60)


def widget_cached(*, topic: str, parts: tuple, compute: Callable):
    """``compute()``, cached per tenant under ``parts`` until an event of ``topic`` commits."""
    from crm.lib.generations import cached

    return cached(
        topic=f"dashboard:{topic}", parts=parts, seconds=widget_cache_seconds(), compute=compute
    )


def widget_stale(*, topic: str) -> None:
    """Make the topic's cached figures stale once the current transaction commits (called by the
    owning app's receivers of the domain events that change them)."""
    from crm.lib.generations import generation_bump

    generation_bump(topic=f"dashboard:{topic}")
