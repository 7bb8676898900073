"""Reading a CSV upload: size limit, encodings, delimiters, the fields a column can map to, and the
guess of a mapping from the header."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers import normalize

__all__ = [
    "DELIMITERS",
    "ENCODINGS",
    "IMPORT_FIELDS",
    "ImportFileError",
    "MAX_BYTES",
    "csv_reader",
    "decode_csv_bytes",
    "guess_mapping",
    "sniff_delimiter",
]


MAX_BYTES = getattr(settings, "CUSTOMER_IMPORT_MAX_BYTES", 50 * 1024 * 1024)


ENCODINGS = [
    ("utf-8", gettext_lazy("UTF-8 (also with BOM)")),
    ("cp1252", gettext_lazy("Windows-1252 (older Excel)")),
    ("latin-1", gettext_lazy("ISO-8859-1 (Latin-1)")),
]


DELIMITERS = [
    (";", gettext_lazy("Semicolon ;")),
    (",", gettext_lazy("Comma ,")),
    ("\t", gettext_lazy("Tab")),
]


# field name -> (label, header aliases as folded by normalize.text_fold)
IMPORT_FIELDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "name": (
        gettext_lazy("Name"),
        (
            "name",
            "firma",
            "company",
            "firmenname",
            "unternehmen",
            "kunde",
            "customer",
            "company name",
        ),
    ),
    "kind": (gettext_lazy("Kind (company / person)"), ("kind", "art", "typ", "type", "kundenart")),
    "status": (gettext_lazy("Status (lead / customer)"), ("status",)),
    "street": (gettext_lazy("Street"), ("street", "strasse", "adresse", "address", "anschrift")),
    "postal_code": (
        gettext_lazy("Postal code"),
        ("postal code", "plz", "postleitzahl", "zip", "zip code", "postcode"),
    ),
    "city": (gettext_lazy("City"), ("city", "ort", "stadt", "town")),
    "country": (gettext_lazy("Country"), ("country", "land", "laenderkennzeichen")),
    "phone": (gettext_lazy("Phone"), ("phone", "telefon", "tel", "telephone")),
    "email": (gettext_lazy("E-mail"), ("email", "e mail", "mail")),
    "website": (gettext_lazy("Web"), ("website", "web", "webseite", "homepage", "url", "internet")),
    "industry": (gettext_lazy("Industry"), ("industry", "branche")),
    "owner": (
        gettext_lazy("Owner (e-mail of a user)"),
        ("owner", "betreuer", "verantwortlich", "owner email", "owner e mail"),
    ),
    "annual_revenue": (
        gettext_lazy("Annual revenue"),
        ("annual revenue", "revenue", "umsatz", "jahresumsatz"),
    ),
    "employees": (
        gettext_lazy("Employees"),
        ("employees", "mitarbeiter", "mitarbeiterzahl", "beschaeftigte"),
    ),
    "size_class": (
        gettext_lazy("Size class (A-D)"),
        ("size class", "groessenklasse", "klasse", "size"),
    ),
    "contact_first_name": (
        gettext_lazy("Contact: first name"),
        ("contact first name", "vorname", "first name", "ansprechpartner vorname"),
    ),
    "contact_last_name": (
        gettext_lazy("Contact: last name"),
        (
            "contact last name",
            "nachname",
            "last name",
            "ansprechpartner",
            "ansprechpartner nachname",
            "contact",
        ),
    ),
    "contact_position": (
        gettext_lazy("Contact: position"),
        ("position", "contact position", "funktion", "rolle"),
    ),
    "contact_email": (
        gettext_lazy("Contact: e-mail"),
        ("contact email", "contact e mail", "ansprechpartner e mail", "ansprechpartner email"),
    ),
    "contact_phone": (
        gettext_lazy("Contact: phone"),
        ("contact phone", "ansprechpartner telefon", "durchwahl"),
    ),
    "contact_mobile": (
        gettext_lazy("Contact: mobile"),
        ("mobile", "mobil", "handy", "contact mobile"),
    ),
}


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, size, not a CSV)."""


def decode_csv_bytes(raw: bytes, *, encoding: str = "utf-8") -> str:
    """The file's text without BOM; a clear ImportFileError when it is not text in that encoding."""
    if raw.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _(
                'This is an Excel or other zip file, not CSV. Save it as "CSV UTF-8" and upload '
                "that."
            )
        )
    if b"\x00" in raw[:4096]:
        raise ImportFileError(
            _("This does not look like a CSV text file (it contains binary data or is UTF-16).")
        )
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not valid %(encoding)s: byte 0x%(byte)02X in line %(line)d cannot be "
                "read. "
                'Save it as "CSV UTF-8" or choose the encoding it was written in.'
            )
            % {"encoding": encoding.upper(), "byte": raw[exc.start], "line": line}
        ) from exc
    except LookupError as exc:
        raise ImportFileError(_("Unknown encoding %(encoding)s.") % {"encoding": encoding}) from exc


def sniff_delimiter(text: str) -> str:
    """; or , or tab, whichever the header line uses most (outside quotes)."""
    first = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def csv_reader(text: str, delimiter: str):
    return csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False
    )


def guess_mapping(header: list[str], *, fields: dict | None = None) -> dict[str, str]:
    """Column index (as str) -> field, from header names in English or German; ``fields``: the
    import fields with their aliases (``custom.import_fields``; the standard ones without)."""
    fields = IMPORT_FIELDS if fields is None else fields
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    folded = [normalize.text_fold(h) for h in header]
    for exact_pass in (True, False):
        for index, name in enumerate(folded):
            if str(index) in mapping or not name:
                continue
            for fname, (_label, aliases) in fields.items():
                if fname in taken:
                    continue
                if (
                    name in aliases
                    or name == fname.replace("_", " ")
                    or (not exact_pass and any(name.startswith(a + " ") for a in aliases))
                ):
                    mapping[str(index)] = fname
                    taken.add(fname)
                    break
    return mapping
