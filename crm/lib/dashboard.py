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
