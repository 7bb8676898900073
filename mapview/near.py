""" "Customers near me" on the map: the matching customers nearest to the browser's position.

The page asks the browser for its position only when the user presses the button; the position
comes here as ``?near=lat,lon`` (with the map's filters) and is used for this answer only, never
stored. A missing or hostile value gets a plain explanation, not an error.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from crm.features import leads_enabled
from mapview import selectors


@login_required
@require_GET
def near_list(request: HttpRequest) -> HttpResponse:
    """The list beside the map: customers within 25 km of ``near``, nearest first."""
    position = selectors.parse_near(request.GET.get("near", ""))
    total, rows = 0, []
    if position is not None:
        total, rows = selectors.nearest(
            qs=selectors.map_customers(request=request), lat=position[0], lon=position[1]
        )
    return render(
        request,
        "mapview/_near.html",
        {
            "position": position,
            "total": total,
            "rows": [{"customer": c, "km": meters / 1000} for c, meters in rows],
            "more": max(0, total - len(rows)),
            "radius_km": selectors.NEAR_RADIUS_M // 1000,
            "leads_on": leads_enabled(request),
        },
    )


def texts() -> dict[str, str]:
    """What the map page's script says around the browser's position (in the map config)."""
    return {
        "nearLocating": _("Finding your position …"),
        "nearDenied": _(
            "The browser did not allow the map to use your position. Allow it in the"
            " browser's site settings and try again."
        ),
        "nearUnavailable": _("Your position could not be found. Please try again in a moment."),
        "nearUnsupported": _("This browser cannot tell the map your position."),
        "nearHere": _("You are here"),
    }
