"""Place names reduced to comparable keys: case, umlauts, accents, punctuation, qualifiers."""

from __future__ import annotations

import re
import unicodedata

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ø": "oe"})
# Letters that Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i", "þ": "th", "ð": "d"}
)
_PUNCT = re.compile(r"[\s.,;:/\\()\[\]'’`\"_+&-]+")
_PAREN = re.compile(r"\(.*?\)|\[.*?\]")
_LEADING_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[- ]?)?\d{3,6}\s+", re.IGNORECASE)
# Words after which a place name only qualifies itself: "Frankfurt am Main", "Freiburg i. Br."
_QUALIFIERS = {
    "am",
    "an",
    "a",
    "im",
    "i",
    "in",
    "bei",
    "b",
    "ob",
    "auf",
    "vor",
    "unter",
    "upon",
    "on",
    "sur",
    "sous",
    "ad",
    "bij",
    "aan",
    "op",
    "near",
}
_SAINT = {"st": ("sankt", "saint"), "ste": ("sainte",), "sankt": ("st",), "saint": ("st",)}


def _strip_marks(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in text if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return [w for w in _PUNCT.split(text) if w]


def name_keys(name: str) -> set[str]:
    """The keys under which a gazetteer stores a name: German transliteration and plain."""
    lowered = name.casefold().strip()
    keys = set()
    for variant in (lowered.translate(_GERMAN), lowered):
        key = " ".join(_words(_strip_marks(variant)))
        if key:
            keys.add(key)
    return keys


def is_latin(name: str) -> bool:
    """True for names written in Latin letters (others never match a typed address)."""
    plain = _strip_marks(name.translate(_GERMAN))
    return bool(plain) and all(c.isascii() or not c.isalpha() for c in plain)


def query_keys(city: str) -> list[str]:
    """Keys to try for a typed city, best first: as typed, then with qualifiers removed."""
    city = _LEADING_POSTCODE.sub("", city.strip())
    candidates: list[str] = []

    def add(text: str) -> None:
        for key in sorted(name_keys(text)):
            if key not in candidates:
                candidates.append(key)

    add(city)
    for key in list(candidates):
        words = key.split()
        for i, word in enumerate(words):
            for alt in _SAINT.get(word, ()):
                candidates.append(" ".join(words[:i] + [alt] + words[i + 1 :]))
    without_paren = _PAREN.sub(" ", city)
    if without_paren != city:
        add(without_paren)
    for key in list(candidates):
        words = key.split()
        for i, word in enumerate(words[1:], start=1):
            if word in _QUALIFIERS:
                cut = " ".join(words[:i])
                if cut not in candidates:
                    candidates.append(cut)
                break
    # "Berlin-Mitte", "Wien/Favoriten", "Köln, Ehrenfeld": the part before the separator
    head = re.split(r"[-/,]", without_paren, maxsplit=1)[0]
    if head.strip() and head != without_paren:
        add(head)
    return [c for c in candidates if c]
