"""crm.lib.csvsafe: cells a spreadsheet would evaluate are neutralised; the response streams UTF-8
with BOM."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from crm.lib.csvsafe import csv_response, csv_safe


@pytest.mark.parametrize(
    "dangerous",
    ["=1+1", "+49 30 1234", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "  =cmd|' /C calc'!A0"],
)
def test_cells_starting_with_formula_characters_get_a_leading_quote(dangerous):
    assert csv_safe(dangerous) == "'" + dangerous


@pytest.mark.parametrize(
    "value, text",
    [
        ("Müller GmbH", "Müller GmbH"),
        ("a=b", "a=b"),
        (None, ""),
        (-5, "-5"),
        (Decimal("-1.50"), "-1.50"),
        (True, "1"),
        (dt.date(2026, 1, 2), "2026-01-02"),
    ],
)
def test_ordinary_values_and_our_own_numbers_stay_as_they_are(value, text):
    assert csv_safe(value) == text


def test_csv_response_streams_escaped_rows_that_parse_back():
    response = csv_response(
        filename="../evil name.csv", header=["a", "b"], rows=iter([["=1", 'x,"y"'], [None, 2]])
    )
    assert response["Content-Disposition"] == 'attachment; filename="..evilname.csv"'
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows == [["a", "b"], ["'=1", 'x,"y"'], ["", "2"]]
