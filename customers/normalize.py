"""Pure functions that fold names, e-mail addresses and phone numbers into comparable keys.

They feed the duplicate check and the search column; no database access here.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

_TRANSLITERATE = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "œ": "oe", "&": " "}
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Legal forms as folded token sequences, longest first so "gmbh co kg" wins over "kg".
LEGAL_FORMS: list[tuple[str, ...]] = sorted(
    (
        tuple(form.split())
        for form in [
            "gmbh co kgaa",
            "gmbh co kg",
            "gmbh co ohg",
            "gmbh cie kg",
            "ag co kg",
            "ag co ohg",
            "se co kg",
            "se co kgaa",
            "ug haftungsbeschraenkt co kg",
            "ug haftungsbeschraenkt",
            "ug co kg",
            "ltd co kg",
            "ges mbh",
            "gesmbh",
            "gmbh",
            "mbh",
            "ag",
            "kg",
            "kgaa",
            "ohg",
            "og",
            "keg",
            "gbr",
            "ug",
            "ek",
            "ekfm",
            "ekfr",
            "ev",
            "eg",
            "se",
            "ltd",
            "limited",
            "inc",
            "incorporated",
            "llc",
            "llp",
            "plc",
            "corp",
            "corporation",
            "co",
            "cie",
            "sarl",
            "sa",
            "sas",
            "sagl",
            "srl",
            "spa",
            "bv",
            "nv",
            "ab",
            "as",
            "oy",
            "aps",
            "kft",
            "sro",
            "spzoo",
            "sp zoo",
            "partg",
            "partgmbb",
            "mbb",
            "stiftung",
        ]
    ),
    key=len,
    reverse=True,
)

# Legal forms by their last token, so name_key only tries the few that can match.
_FORMS_BY_LAST: dict[str, list[tuple[str, ...]]] = {}
for _form in LEGAL_FORMS:
    _FORMS_BY_LAST.setdefault(_form[-1], []).append(_form)

FREEMAIL_DOMAINS = frozenset(
    """gmail.com googlemail.com gmx.de gmx.net gmx.at gmx.ch gmx.com web.de t-online.de freenet.de
    yahoo.com yahoo.de yahoo.co.uk ymail.com hotmail.com hotmail.de outlook.com outlook.de live.com
    live.de msn.com icloud.com me.com mac.com aol.com aol.de posteo.de posteo.net mailbox.org
    protonmail.com proton.me arcor.de online.de bluewin.ch hispeed.ch aon.at chello.at a1.net
    mail.de email.de mail.com gmx.li tutanota.com tuta.io""".split()
)

COUNTRY_CALLING_CODES = {
    "DE": "49",
    "AT": "43",
    "CH": "41",
    "LI": "423",
    "LU": "352",
    "NL": "31",
    "BE": "32",
    "FR": "33",
    "IT": "39",
    "DK": "45",
    "PL": "48",
    "CZ": "420",
    "GB": "44",
    "ES": "34",
    "SE": "46",
    "NO": "47",
    "US": "1",
}


@lru_cache(maxsize=100_000)
def text_fold(value: str | None) -> str:
    """Lower case, umlauts spelt out (ä -> ae, ß -> ss), accents dropped, punctuation to spaces."""
    if not value:
        return ""
    text = value.lower().translate(_TRANSLITERATE)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_ALNUM.sub(" ", text).split())


def _join_initials(tokens: list[str]) -> list[str]:
    # "e. K." and "G.m.b.H." fold to single letters; join runs of them ("e k" -> "ek").
    out: list[str] = []
    run: list[str] = []
    for token in tokens + [""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if run:
            out.append("".join(run))
            run = []
        if token:
            out.append(token)
    return out


@lru_cache(maxsize=20_000)
def name_key(name: str | None) -> str:
    """A company name without legal form and punctuation: "Müller GmbH & Co. KG" -> "mueller"."""
    tokens = _join_initials(text_fold(name).split())
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for form in _FORMS_BY_LAST.get(tokens[-1], ()):
            n = len(form)
            if len(tokens) > n and tuple(tokens[-n:]) == form:
                tokens = tokens[:-n]
                changed = True
                break
    if len(tokens) > 1 and tokens[0] in ("firma", "fa"):
        tokens = tokens[1:]
    return " ".join(tokens)


def names_similar(a: str, b: str) -> bool:
    """True for two name keys that probably mean the same company."""
    if not a or not b:
        return False
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 5 and long_.startswith(short + " "):
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.85


def email_domain(email: str | None, website: str | None = None) -> str:
    """The domain of the e-mail address, else of the web address; lower case, without www."""
    domain = ""
    if email and "@" in email:
        domain = email.rsplit("@", 1)[1]
    elif website:
        domain = (
            re.sub(r"^[a-z]+://", "", website.strip().lower()).split("/", 1)[0].split(":", 1)[0]
        )
    domain = domain.strip().lower().rstrip(".")
    return domain[4:] if domain.startswith("www.") else domain


def is_freemail(domain: str) -> bool:
    return domain in FREEMAIL_DOMAINS


def phone_digits(phone: str | None, country: str | None = "DE") -> str:
    """The phone number as international digits: "+49 (0)30 123-45" and "030 12345" ->
    "493012345"."""
    if not phone:
        return ""
    text = phone.replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if not digits:
        return ""
    if text.strip().startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        return COUNTRY_CALLING_CODES.get((country or "DE").upper(), "49") + digits[1:]
    return digits


def customer_search_text(
    *, name: str, city: str = "", postal_code: str = "", contact_names: list[str] = ()
) -> str:
    """The folded text the overview's free-text search runs over."""
    parts = [text_fold(name), text_fold(city), postal_code.strip().lower()]
    parts.extend(text_fold(n) for n in contact_names)
    return " ".join(p for p in parts if p)


def contact_search_text(
    *, first_name: str, last_name: str, email: str = "", position: str = "", customer_name: str = ""
) -> str:
    """The folded text the contact list's free-text search runs over."""
    parts = [
        text_fold(first_name),
        text_fold(last_name),
        (email or "").lower(),
        text_fold(position),
        text_fold(customer_name),
    ]
    return " ".join(p for p in parts if p)
