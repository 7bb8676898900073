"""CSV export that spreadsheets cannot turn into formulas.

``csv_safe(value)`` neutralises cells beginning with = + - @ tab or carriage return (also after
leading spaces) by prefixing a single quote, the OWASP recommendation; numbers, dates and booleans
that we produce ourselves are written as they are. ``csv_response(...)`` streams rows, so exports of
100,000 rows never sit in memory, and starts with a UTF-8 BOM so spreadsheets detect the encoding.

Two formats (``CSV_FORMATS``): ``excel`` for German Excel (semicolon, decimal comma with thousands
separators, dates 02.12.2026, local times) and ``csv`` (comma, ISO dates, decimal point: for other
programs). ``csv_format_for(request)`` reads ``?format=`` and defaults by the user's language. Our
import reads both.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.numberformat import format as number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_FORMATS = {"excel": _("Excel (semicolon, for German Excel)"), "csv": _("CSV (comma)")}
DELIMITERS = {"excel": ";", "csv": ","}


def csv_format_for(request: HttpRequest) -> str:
    """The export format the user chose (``format`` in the query or form), else the one for their
    language: German Excel for German, plain CSV otherwise."""
    chosen = request.POST.get("format") or request.GET.get("format")
    if chosen in CSV_FORMATS:
        return chosen
    return "excel" if (get_language() or "").startswith("de") else "csv"


def _excel_cell(value) -> str | None:
    """German Excel's reading of our numbers and dates (None: not one of them)."""
    if isinstance(value, bool) or isinstance(value, int):
        return None  # ids and counts: no grouping, they read the same
    if isinstance(value, (float, Decimal)):
        return number_format(
            value, ",", decimal_pos=None, grouping=3, thousand_sep=".", force_grouping=True
        )
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return None


def csv_safe(value, fmt: str = "csv") -> str:
    """The cell text for ``value``; user-supplied text that a spreadsheet would evaluate gets a
    leading '."""
    if fmt == "excel" and (cell := _excel_cell(value)) is not None:
        return cell
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.lstrip(" ").startswith(DANGEROUS_PREFIXES) or text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(*, header: Sequence[str], rows: Iterable[Sequence], fmt: str = "csv") -> Iterator[str]:
    """The CSV text line by line (BOM first), every cell passed through csv_safe."""
    writer = csv.writer(_Echo(), delimiter=DELIMITERS[fmt], lineterminator="\r\n")
    yield "\ufeff"
    yield writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        yield writer.writerow([csv_safe(cell, fmt) for cell in row])


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence], fmt: str = "csv"
) -> StreamingHttpResponse:
    """A streaming download of the rows as ``filename`` (UTF-8 with BOM) in the format ``fmt``
    (a key of CSV_FORMATS, usually ``csv_format_for(request)``)."""
    if fmt not in CSV_FORMATS:
        fmt = "csv"
    safe_name = "".join(ch for ch in filename if ch.isalnum() or ch in "._-") or "export.csv"
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_rows(header=header, rows=rows, fmt=fmt)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
