"""Normalisation of names, e-mail domains and phones, and the duplicate check."""

import pytest

from customers import normalize
from customers.selectors import customer_duplicates
from tests.builders.customers import make_customer


@pytest.mark.parametrize(
    "a, b",
    [
        ("Müller GmbH", "Mueller GmbH"),
        ("Müller GmbH", "MÜLLER G.m.b.H."),
        ("Müller GmbH & Co. KG", "Mueller"),
        ("Bäckerei Weiß e.K.", "Baeckerei Weiss"),
        ("Straßenbau Süd UG (haftungsbeschränkt)", "Strassenbau Sued"),
        ("ACME Ltd.", "Acme Inc"),
        ("Société Générale SARL", "Societe Generale"),
        ("Huber Ges.m.b.H.", "Huber GmbH"),
        ("Firma Schulz KG", "Schulz AG"),
    ],
)
def test_names_that_differ_in_umlauts_punctuation_and_legal_form_have_the_same_key(a, b):
    assert normalize.name_key(a) == normalize.name_key(b)


def test_a_legal_form_alone_is_kept_as_the_name():
    assert normalize.name_key("AG") == "ag"


def test_similar_names_tolerate_a_typo_but_not_a_different_company():
    assert normalize.names_similar("mueller maschinenbau", "muller maschinenbau")
    assert normalize.names_similar("mueller", "mueller maschinenbau")
    assert not normalize.names_similar("mueller", "schmidt")
    assert not normalize.names_similar("abc", "abc bau")  # too short for a prefix match


def test_phone_numbers_are_compared_as_international_digits():
    assert (
        normalize.phone_digits("+49 (0)30 123-45")
        == normalize.phone_digits("030 12345", "DE")
        == "493012345"
    )
    assert normalize.phone_digits("0043 1 234567", "AT") == normalize.phone_digits(
        "01 234567", "AT"
    )
    assert normalize.phone_digits("", "DE") == ""


def test_email_domain_comes_from_the_address_or_the_website():
    assert normalize.email_domain("Info@Example.DE") == "example.de"
    assert normalize.email_domain("", "https://www.example.at/kontakt") == "example.at"
    assert normalize.is_freemail("gmx.de") and not normalize.is_freemail("example.de")


def test_similar_name_in_the_same_postal_code_is_a_duplicate(tenant):
    existing = make_customer(name="Müller Maschinenbau GmbH", postal_code="80331", city="München")
    found = customer_duplicates(name="Mueller Maschinenbau AG", postal_code="80331", city="")
    assert [c.customer for c in found] == [existing]
    assert "postal code" in found[0].reasons[0]


def test_similar_name_in_the_same_city_is_a_duplicate_even_with_another_postal_code(tenant):
    existing = make_customer(name="Bäckerei Weiß e.K.", postal_code="10115", city="Berlin")
    found = customer_duplicates(name="Baeckerei Weiss", postal_code="10178", city="berlin")
    assert [c.customer for c in found] == [existing]
    assert "city" in found[0].reasons[0]


def test_same_name_in_another_city_is_a_duplicate_but_a_similar_one_is_not(tenant):
    # issue 14: a second "Huber Logistik GmbH" in another city is most likely the same company
    existing = make_customer(name="Huber Logistik GmbH", postal_code="10115", city="Berlin")
    make_customer(name="Huber Logistik Nord GmbH", postal_code="10115", city="Berlin")
    found = customer_duplicates(name="Huber Logistik GmbH", postal_code="80331", city="München")
    assert [c.customer for c in found] == [existing] and found[0].reasons == ["same name"]


def test_same_email_domain_is_a_duplicate_but_freemail_is_not(tenant):
    existing = make_customer(
        name="Alpha Werk GmbH", email="info@alphawerk.de", postal_code="20095", city="Hamburg"
    )
    make_customer(name="Someone", email="someone@gmail.com", postal_code="20095", city="Hamburg")
    found = customer_duplicates(name="Totally Different", email="sales@alphawerk.de", city="Köln")
    assert [c.customer for c in found] == [existing]
    assert customer_duplicates(name="Another", email="x@gmail.com", city="Köln") == []


def test_same_phone_in_another_notation_is_a_duplicate(tenant):
    existing = make_customer(name="Phone GmbH", phone="+49 30 1234567", city="Berlin")
    found = customer_duplicates(
        name="Unrelated AG", phone="030 / 123 45 67", country="DE", city="Leipzig"
    )
    assert [c.customer for c in found] == [existing]
    assert found[0].reasons == ["same phone number"]


def test_a_candidate_with_several_reasons_comes_first(tenant):
    one = make_customer(
        name="Schulz Bau GmbH", postal_code="50667", city="Köln", phone="+49 221 999999"
    )
    two = make_customer(name="Schulz Bau KG", postal_code="50667", city="Köln")
    found = customer_duplicates(
        name="Schulz Bau", postal_code="50667", city="Köln", phone="0221 999999"
    )
    assert [c.customer for c in found] == [one, two]
