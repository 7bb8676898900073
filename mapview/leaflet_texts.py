"""The texts of Leaflet and Leaflet.draw that a user meets on our maps (zoom buttons, the drawing
toolbar and its tooltips, the tiles' attribution), in the user's language. Leaflet ships them in
English only; static/js/mapview.js puts these over its defaults before a map is made."""

from __future__ import annotations

from django.utils.translation import gettext as _


def attribution() -> str:
    return _("© OpenStreetMap contributors")


def leaflet_texts() -> dict:
    """Called per request (the user's language): ``zoomIn``/``zoomOut`` and ``draw``, the part of
    ``L.drawLocal`` our toolbar shows (rectangle, circle, polygon, delete)."""
    cancel = {"title": _("Cancel drawing"), "text": _("Cancel")}
    return {
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "draw": {
            "draw": {
                "toolbar": {
                    "actions": cancel,
                    "finish": {"title": _("Finish drawing"), "text": _("Finish")},
                    "undo": {"title": _("Delete last point drawn"), "text": _("Delete last point")},
                    "buttons": {
                        "polygon": _("Draw a polygon"),
                        "rectangle": _("Draw a rectangle"),
                        "circle": _("Draw a circle"),
                    },
                },
                "handlers": {
                    "circle": {
                        "tooltip": {"start": _("Click and drag to draw a circle.")},
                        "radius": _("Radius"),
                    },
                    "polygon": {
                        "tooltip": {
                            "start": _("Click to start drawing the shape."),
                            "cont": _("Click to continue drawing the shape."),
                            "end": _("Click the first point to close this shape."),
                        }
                    },
                    "polyline": {"error": _("Error: the edges of a shape cannot cross.")},
                    "rectangle": {"tooltip": {"start": _("Click and drag to draw a rectangle.")}},
                    "simpleshape": {"tooltip": {"end": _("Release the mouse to finish drawing.")}},
                },
            },
            "edit": {
                "toolbar": {
                    "actions": {
                        "save": {"title": _("Save changes"), "text": _("Save")},
                        "cancel": {"title": _("Cancel, discard all changes"), "text": _("Cancel")},
                        "clearAll": {"title": _("Delete all shapes"), "text": _("Delete all")},
                    },
                    "buttons": {
                        "remove": _("Delete shapes"),
                        "removeDisabled": _("No shapes to delete"),
                    },
                },
                "handlers": {"remove": {"tooltip": {"text": _("Click on a shape to delete it.")}}},
            },
        },
    }
