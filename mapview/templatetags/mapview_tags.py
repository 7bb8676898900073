"""The small map of one customer (the customer page's map slot)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

from crm.permissions import user_can_edit_owned
from mapview.forms import LocationForm
from mapview.leaflet_texts import attribution, leaflet_texts

register = template.Library()

OSM_TILES = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"


@register.inclusion_tag("mapview/_customer_map.html", takes_context=True)
def customer_mini_map(context, customer):
    request = context.get("request")
    user = getattr(request, "user", None)
    can_edit = bool(user) and user_can_edit_owned(user=user, owner_id=customer.owner_id)
    located = customer.latitude is not None and customer.longitude is not None
    leaflet = getattr(settings, "LEAFLET_CONFIG", {})
    return {
        "customer": customer,
        "located": located,
        "can_edit": can_edit,
        "csrf_token": context.get("csrf_token"),
        "form": LocationForm(
            initial={"latitude": customer.latitude, "longitude": customer.longitude}
        ),
        "config_id": f"crm-mini-map-config-{customer.pk}",
        "config": {
            "lat": customer.latitude,
            "lon": customer.longitude,
            "editable": can_edit,
            "center": list(leaflet.get("DEFAULT_CENTER", (51.0, 10.0))),
            "zoom": 12 if located else 5,
            "tiles": getattr(settings, "MAP_TILES_URL", OSM_TILES),
            "attribution": attribution(),
            "leaflet": leaflet_texts(),
            "lead": customer.is_lead,
            "size": customer.size_class,
        },
        "map_url": reverse("mapview:map"),
    }
