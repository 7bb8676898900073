"""English formats (FORMAT_MODULE_PATH): Django's own, and a dotted date typed by a German-trained
hand (2.12.2026, never read as a month first) is understood too."""

from django.conf.locale.en.formats import *  # noqa: F403 - Django's English formats, extended below
from django.conf.locale.en.formats import DATE_INPUT_FORMATS as _DATE_INPUT_FORMATS

DATE_INPUT_FORMATS = [*_DATE_INPUT_FORMATS, "%d.%m.%Y"]
