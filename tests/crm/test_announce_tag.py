"""The live region's texts (crm/templatetags/crm_announce.py): the noun declined by count, the
number in the user's format."""

from types import SimpleNamespace

from django.utils import translation

from crm.templatetags.crm_announce import import_announce, row_count_announce


def test_row_counts_in_english_and_german():
    with translation.override("en"):
        assert row_count_announce("customers", 1) == "1 customer"
        assert row_count_announce("customers", 1234) == "1,234 customers"
        assert row_count_announce("contacts", 2) == "2 contact persons"
        assert row_count_announce("activities", 1000, more=True) == "more than 1,000 activities"
        assert row_count_announce("customers", 1001, True) == "about 1,001 rows"
    with translation.override("de"):
        assert row_count_announce("customers", 1) == "1 Kunde"
        assert row_count_announce("customers", 1234) == "1.234 Kunden"
        assert row_count_announce("projects", 3) == "3 Verkaufsprojekte"
        assert row_count_announce("leads", 1) == "1 Interessent"
        assert row_count_announce("activities", 0) == "0 Aktivitäten"


def test_the_import_is_announced_in_steps_of_ten_per_cent():
    job = SimpleNamespace(is_active=True, get_state_display=lambda: "Importing")
    with translation.override("en"):
        assert import_announce(job, {"percent": 57}) == "Importing: 50 %"
        assert import_announce(job, {"percent": 9}) == "Importing: 0 %"
        done = SimpleNamespace(is_active=False, get_state_display=lambda: "Imported")
        assert import_announce(done, {"percent": 100}) == "Imported"
