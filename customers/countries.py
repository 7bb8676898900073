"""Country codes offered in forms and filters (the model stores any ISO 3166 alpha-2 code)."""

from django.utils.translation import gettext_lazy as _

COUNTRY_CHOICES = [
    ("DE", _("Germany")),
    ("AT", _("Austria")),
    ("CH", _("Switzerland")),
    ("LI", _("Liechtenstein")),
    ("LU", _("Luxembourg")),
    ("NL", _("Netherlands")),
    ("BE", _("Belgium")),
    ("FR", _("France")),
    ("IT", _("Italy")),
    ("ES", _("Spain")),
    ("PT", _("Portugal")),
    ("DK", _("Denmark")),
    ("SE", _("Sweden")),
    ("NO", _("Norway")),
    ("FI", _("Finland")),
    ("PL", _("Poland")),
    ("CZ", _("Czechia")),
    ("SK", _("Slovakia")),
    ("HU", _("Hungary")),
    ("SI", _("Slovenia")),
    ("HR", _("Croatia")),
    ("IE", _("Ireland")),
    ("GB", _("United Kingdom")),
    ("US", _("United States")),
    ("CA", _("Canada")),
    ("CN", _("China")),
    ("JP", _("Japan")),
    ("TR", _("Turkey")),
]
COUNTRY_NAMES = dict(COUNTRY_CHOICES)


def country_choices_with(current: str | None) -> list[tuple[str, str]]:
    """The choices, plus the current value if it is an unusual code."""
    if current and current not in COUNTRY_NAMES:
        return [(current, current), *COUNTRY_CHOICES]
    return list(COUNTRY_CHOICES)
