"""The German catalog is complete: every message of our code is translated, nothing is fuzzy.

The messages are extracted from the source here (Babel and Django's template lexer, no GNU
gettext), so a string added without running ``make messages`` fails too. The ``.mo`` is compiled
from the ``.po`` by this test run (tests/conftest.py), not committed.
"""

from babel.messages.pofile import read_po
from django.utils import translation

from crm.lib.i18n import LOCALE_DIR, compile_catalogs, extract_messages

PO = LOCALE_DIR / "de" / "LC_MESSAGES" / "django.po"


def _catalog():
    with PO.open("rb") as po_file:
        return read_po(po_file, locale="de")


def test_every_message_of_our_code_is_in_the_german_catalog_translated_and_not_fuzzy():
    catalog = _catalog()
    entries = {}
    for message in catalog:
        if message.id:
            singular = message.id if isinstance(message.id, str) else message.id[0]
            entries[(message.context, singular)] = message
    problems = []
    for (context, msgid), where in sorted(extract_messages().items(), key=lambda item: item[1]):
        message = entries.get((context, msgid))
        if message is None:
            problems.append(f"{where}: not in the catalog (run make messages): {msgid!r}")
        elif message.fuzzy:
            problems.append(f"{where}: fuzzy: {msgid!r}")
        elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            problems.append(f"{where}: not translated: {msgid!r}")
    assert not problems, f"{len(problems)} messages need a German translation:\n" + "\n".join(
        problems
    )


def test_the_catalog_has_no_fuzzy_entries_and_a_german_plural_rule():
    catalog = _catalog()
    assert not catalog.fuzzy
    assert [m.id for m in catalog if m.id and m.fuzzy] == []
    assert catalog.plural_expr == "(n != 1)" and catalog.num_plurals == 2


def test_the_compiled_catalog_is_what_django_reads():
    compile_catalogs()
    assert PO.with_suffix(".mo").exists()
    with translation.override("de"):
        assert translation.gettext("Sales projects") == "Verkaufsprojekte"
        assert translation.gettext("Customer overview") == "Kundenübersicht"
        assert translation.ngettext("%(n)d day", "%(n)d days", 3) % {"n": 3} == "3 Tage"
    with translation.override("en"):
        assert translation.gettext("Sales projects") == "Sales projects"
