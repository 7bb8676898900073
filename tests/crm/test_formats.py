"""German formats wherever German is on: dates 02.12.2026, amounts 116.600 € in the tenant's
currency, thousands separators, inputs that take 1.234,56 and 2.12.2026, and the CSV export in the
format of German Excel (semicolon) or plain CSV (comma), the default by language."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal, InvalidOperation

import pytest
from django.urls import reverse
from django.utils import translation

from crm.lib.csvsafe import csv_safe
from crm.lib.l10n import money_format, number_parse
from customers.models import Customer
from tests.builders.customers import make_customer
from tests.builders.sales import make_process, make_project

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
NBSP = "\u00a0"


def test_amounts_read_german_in_german_and_stay_as_they_were_in_english():
    with translation.override("de"):
        assert money_format(Decimal("116600"), "EUR") == f"116.600{NBSP}€"
        assert money_format(Decimal("116600"), "EUR", decimals=2) == f"116.600,00{NBSP}€"
        assert money_format(Decimal("1234567.5"), "CHF") == f"1.234.568{NBSP}CHF"
        assert money_format(None, "EUR") == f"0{NBSP}€"
    with translation.override("en"):
        assert money_format(Decimal("116600"), "EUR") == "116,600 EUR"
        assert money_format(Decimal("116600"), "EUR", decimals=2) == "116,600.00 EUR"


@pytest.mark.parametrize(
    "language, text, number",
    [
        ("de", "1.234,56", "1234.56"),
        ("de", "1234,56", "1234.56"),
        ("de", "1.234", "1234"),
        ("de", "1.234.567", "1234567"),
        ("de", "116.600 €", "116600"),
        ("de", "0,5", "0.5"),
        ("de", "1,234.56", "1234.56"),
        ("en", "1,234.56", "1234.56"),
        ("en", "1,234", "1234"),
        ("en", "1.5", "1.5"),
        ("en", "1.234,56", "1234.56"),
        ("en", "1'234.50", "1234.50"),
        ("de", "-3", "-3"),
    ],
)
def test_typed_numbers_are_read_in_either_language(language, text, number):
    with translation.override(language):
        assert number_parse(text) == Decimal(number)


@pytest.mark.parametrize("text", ["abc", "1,2,3.4.5x", "", "1e5", "NaN", "--1"])
def test_garbage_is_not_a_number(text):
    with translation.override("de"), pytest.raises(InvalidOperation):
        number_parse(text)


def test_project_pages_show_german_dates_amounts_and_counts(client_for, alice):
    process = make_process()
    project = make_project(
        process=process,
        owner=alice,
        title="Großauftrag",
        volume=Decimal("116600"),
        expected_order_date=dt.date(2026, 12, 2),
    )
    client = client_for(alice)
    detail = client.get(
        reverse("sales:project_detail", args=[project.pk]), **GERMAN
    ).content.decode()
    assert f"116.600,00{NBSP}€" in detail
    listing = client.get(
        reverse("sales:project_list") + f"?process={process.pk}", **GERMAN
    ).content.decode()
    assert re.search(rf'data-testid="total-volume">116\.600{NBSP}€<', listing)
    assert "02.12.2026" in listing
    board = client.get(
        reverse("sales:project_kanban") + f"?process={process.pk}", **GERMAN
    ).content.decode()
    assert f"116.600{NBSP}€" in board
    english = client.get(
        reverse("sales:project_list") + f"?process={process.pk}", **ENGLISH
    ).content.decode()
    assert (
        re.search(r'data-testid="total-volume">116,600 EUR<', english) and "12/02/2026" in english
    )


def test_the_customer_pages_show_german_amounts(client_for, alice):
    customer = make_customer(name="Bäckerei Ähren", owner=alice, annual_revenue=Decimal("2500000"))
    make_project(customer=customer, owner=alice, volume=Decimal("12345"))
    client = client_for(alice)
    detail = client.get(
        reverse("customers:customer_detail", args=[customer.pk]), **GERMAN
    ).content.decode()
    assert f"2.500.000{NBSP}€" in detail and f"12.345{NBSP}€" in detail


def test_the_date_field_of_a_german_form_keeps_the_iso_value_its_date_input_needs(
    client_for, alice
):
    project = make_project(owner=alice, expected_order_date=dt.date(2026, 12, 2))
    page = (
        client_for(alice)
        .get(reverse("sales:project_update", args=[project.pk]), **GERMAN)
        .content.decode()
    )
    # "02.12.2026" in an <input type="date"> shows an empty field and loses the date on save
    assert re.search(r'type="date" name="expected_order_date" value="2026-12-02"', page), page


def test_german_amounts_and_dates_typed_into_the_project_form_are_saved(client_for, alice):
    project = make_project(owner=alice)
    client = client_for(alice)
    url = reverse("sales:project_update", args=[project.pk])
    response = client.post(
        url,
        {
            "title": "Neu",
            "volume": "1.234,56",
            "expected_order_date": "2.12.2026",
            "version": project.version,
        },
        **GERMAN,
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert project.volume == Decimal("1234.56") and project.expected_order_date == dt.date(
        2026, 12, 2
    )
    form = client.get(url, **GERMAN).content.decode()
    assert 'value="1234,56"' in form and 'inputmode="decimal"' in form


def test_a_bad_amount_is_refused_in_german_keeping_the_input(client_for, alice):
    project = make_project(owner=alice, volume=Decimal("10"))
    response = client_for(alice).post(
        reverse("sales:project_update", args=[project.pk]),
        {"title": "Neu", "volume": "zwölf", "version": project.version},
        **GERMAN,
    )
    page = response.content.decode()
    assert (
        response.status_code == 200
        and "Geben Sie eine Zahl ein." in page
        and 'value="zwölf"' in page
    )
    project.refresh_from_db()
    assert project.volume == Decimal("10")


def test_english_amounts_with_thousands_separators_are_saved_too(client_for, alice):
    project = make_project(owner=alice)
    client_for(alice).post(
        reverse("sales:project_update", args=[project.pk]),
        {"title": "New", "volume": "1,234.56", "version": project.version},
        **ENGLISH,
    )
    project.refresh_from_db()
    assert project.volume == Decimal("1234.56")


def test_the_customer_form_takes_revenue_and_employees_with_german_separators(client_for, alice):
    data = {
        "kind": "company",
        "status": "customer",
        "name": "Zahlen GmbH",
        "street": "",
        "postal_code": "",
        "city": "",
        "country": "DE",
        "phone": "",
        "email": "",
        "website": "",
        "industry": "",
        "owner": alice.pk,
        "annual_revenue": "1.200.000,50",
        "employees": "1.200",
        "size_class": "D",
    }
    response = client_for(alice).post("/customers/new/", data, **GERMAN)
    assert response.status_code == 302, response.content.decode()[:3000]
    customer = Customer.objects.get(name="Zahlen GmbH")
    assert customer.annual_revenue == Decimal("1200000.50") and customer.employees == 1200


# --- CSV export ---------------------------------------------------------------------------------


def _csv(response) -> tuple[str, list[list[str]]]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # UTF-8 with BOM: Excel reads the umlauts
    delimiter = ";" if body.split("\r\n", 1)[0].count(";") else ","
    return delimiter, list(csv.reader(io.StringIO(body[1:]), delimiter=delimiter))


def test_excel_cells_are_german_numbers_and_dates_and_ids_stay_bare():
    assert csv_safe(Decimal("116600.5"), "excel") == "116.600,5"
    assert csv_safe(dt.date(2026, 12, 2), "excel") == "02.12.2026"
    assert csv_safe(12345, "excel") == "12345"
    assert csv_safe("=1+1", "excel") == "'=1+1"
    assert (
        csv_safe(Decimal("116600.5")) == "116600.5"
        and csv_safe(dt.date(2026, 12, 2)) == "2026-12-02"
    )


def test_the_project_export_is_german_excel_for_german_users_and_csv_for_english(client_for, alice):
    process = make_process()
    make_project(
        process=process,
        owner=alice,
        title="Großauftrag",
        volume=Decimal("116600.50"),
        expected_order_date=dt.date(2026, 12, 2),
    )
    client = client_for(alice)
    url = reverse("sales:project_export") + f"?process={process.pk}"
    delimiter, rows = _csv(client.get(url, **GERMAN))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (
        delimiter == ";"
        and row["Volumen"] == "116.600,50"
        and row["Erwartetes Auftragsdatum"] == "02.12.2026"
    )
    assert (
        row["Titel"] == "Großauftrag"
    )  # German headings (tests/customers/test_export_headings.py)
    delimiter, rows = _csv(client.get(url, **ENGLISH))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (
        delimiter == ","
        and row["volume"] == "116600.50"
        and row["expected_order_date"] == "2026-12-02"
    )
    # the choice wins over the language, both ways
    assert _csv(client.get(url + "&format=csv", **GERMAN))[0] == ","
    assert _csv(client.get(url + "&format=excel", **ENGLISH))[0] == ";"


def test_every_export_offers_both_formats_with_the_languages_default_first(client_for, alice):
    client = client_for(alice)
    page = client.get("/customers/", **GERMAN).content.decode()
    assert "Excel (Semikolon, für deutsches Excel)" in page and "CSV (Komma)" in page
    assert page.index("export-excel") < page.index("export-csv")
    english = client.get("/customers/", **ENGLISH).content.decode()
    assert english.index('value="csv"') < english.index('value="excel"')  # the bulk form's choice
    for url in ("/customers/contacts/", reverse("sales:project_list")):
        assert "format=excel" in client.get(url, **GERMAN).content.decode(), url


def test_the_customer_bulk_export_follows_the_chosen_format(client_for, alice):
    customer = make_customer(name="Müller & Söhne", owner=alice, annual_revenue=Decimal("1000000"))
    client = client_for(alice)
    data = {"action": "export", "scope": "selected", "ids": [customer.pk]}
    delimiter, rows = _csv(
        client.post(reverse("customers:customer_bulk"), {**data, "format": "excel"}, **ENGLISH)
    )
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (
        delimiter == ";"
        and row["annual_revenue"] == "1.000.000,00"
        and row["name"] == "Müller & Söhne"
    )
    assert (
        _csv(client.post(reverse("customers:customer_bulk"), {**data, "format": "csv"}, **GERMAN))[
            0
        ]
        == ","
    )
