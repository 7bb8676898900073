"""German name order (ä with a, ß as ss) from the ICU collation crm_de, kept fast by the indexes."""

import pytest
from django.db import connection

from crm.lib.collation import NAME_COLLATION, name_collation_is_german
from customers.models import ContactPerson, Customer
from tests.builders.customers import make_contact, make_customer


@pytest.fixture
def german_collation(tenant):
    with connection.cursor() as cursor:
        if not name_collation_is_german(cursor):
            pytest.skip(
                "this PostgreSQL has no ICU and no de_DE locale (the embedded pgserver): C order"
            )


def test_every_sorted_name_column_uses_the_german_collation(tenant):
    columns = [
        ("customers_customer", "name"),
        ("customers_customer", "city"),
        ("customers_contactperson", "last_name"),
        ("customers_contactperson", "first_name"),
        ("sales_salesproject", "title"),
        ("sales_projectgroup", "name"),
        ("mapview_selection", "name"),
        ("crm_user", "first_name"),
        ("crm_user", "last_name"),
        ("crm_team", "name"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ANY(%s)",
            [sorted({t for t, _c in columns})],
        )
        found = {(t, c): coll for t, c, coll in cursor.fetchall() if (t, c) in columns}
    assert found == {column: NAME_COLLATION for column in columns}


def test_overview_sorted_by_name_puts_baeckerei_before_brueckner(
    german_collation, client_for, dave
):
    for name in (
        "Brückner Metallbau",
        "Bäckerei Ähren",
        "Bauer KG",
        "Öztürk Logistik",
        "Ohm GmbH",
        "Zander",
    ):
        make_customer(name=name)
    response = client_for(dave).get("/customers/", {"sort": "name", "q": ""})
    names = [row.record.name for row in response.context["table"].paginated_rows]
    wanted = [
        "Bäckerei Ähren",
        "Bauer KG",
        "Brückner Metallbau",
        "Ohm GmbH",
        "Öztürk Logistik",
        "Zander",
    ]
    assert [n for n in names if n in wanted] == wanted


def test_sharp_s_sorts_as_ss_and_umlauts_with_their_vowel(german_collation):
    for last in ("Strauß", "Strasse", "Müller", "Mueller", "Muller", "Zimmer"):
        make_contact(last_name=last)
    names = list(
        ContactPerson.objects.filter(
            last_name__in=["Strauß", "Strasse", "Müller", "Muller", "Zimmer"]
        )
        .order_by("last_name")
        .values_list("last_name", flat=True)
    )
    assert names.index("Müller") < names.index("Strasse") < names.index("Zimmer")
    assert abs(names.index("Muller") - names.index("Müller")) == 1
    assert abs(names.index("Strasse") - names.index("Strauß")) == 1


def test_the_name_sort_reads_the_name_index(german_collation):
    make_customer(name="Index AG")
    with connection.cursor() as cursor:
        for switch in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {switch} = off")  # only a matching index avoids a sort
        cursor.execute(
            "EXPLAIN "
            + str(Customer.objects.order_by("name", "id").values("id", "name")[:25].query)
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "customer_name_idx" in plan and "Sort" not in plan.split("customer_name_idx")[0], plan
