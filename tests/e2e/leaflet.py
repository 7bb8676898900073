"""Driving the Leaflet map of the map page in the browser tests: where a coordinate is on the
screen, and a rectangle drawn with the drawing tool."""

from __future__ import annotations


def screen_point(page, lat: float, lon: float) -> tuple[float, float]:
    return tuple(
        page.evaluate(
            """([lat, lon]) => { const box = document.getElementById('crm-map');
            const p = box.__crmMap.latLngToContainerPoint([lat, lon]);
              const r = box.getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""",
            [lat, lon],
        )
    )


def draw_rectangle(page, corner: tuple[float, float], opposite: tuple[float, float]) -> None:
    """Drag a rectangle from ``corner`` to ``opposite`` (latitude, longitude) with the tool."""
    page.click("a.leaflet-draw-draw-rectangle")
    x1, y1 = screen_point(page, *corner)
    x2, y2 = screen_point(page, *opposite)
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move((x1 + x2) / 2, (y1 + y2) / 2, steps=5)
    page.mouse.move(x2, y2, steps=5)
    page.mouse.up()
