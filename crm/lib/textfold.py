"""The search's folding of text, in Python and as the database function ``public.crm_fold``
(crm migration 0004), and the highlighting of what matched.

``crm_fold`` and ``fold`` fold the same way (a test compares them): lower case, ä -> a, ß -> ss,
accents dropped, and the spelt-out umlauts ae/oe/ue -> a/o/u, so "Mueller", "Müller" and "Muller"
are one word, as are "Gebäude" and "Gebaude".
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The characters crm_fold translates one to one (upper and lower case, so the result does not
# depend on the database's ctype); ß and the spelt-out umlauts are replaced afterwards.
_FROM = "ÄÖÜÀÁÂÃÅÇÈÉÊËÌÍÎÏİÑÒÓÔÕØÙÚÛÝäöüàáâãåçèéêëìíîïñòóôõøùúûýÿ"
_TO = "AOUAAAAACEEEEIIIIINOOOOOUUUYaouaaaaaceeeeiiiinooooouuuyy"
_TABLE = str.maketrans(_FROM, _TO)
_PAIRS = (("ae", "a"), ("oe", "o"), ("ue", "u"))

FOLD_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION public.crm_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT replace(replace(replace(
           lower(replace(replace(translate(value, '{_FROM}', '{_TO}'), 'ß', 'ss'), 'ẞ', 'ss')),
         'ae', 'a'), 'oe', 'o'), 'ue', 'u')
$$
"""


def fold(value: str | None) -> str:
    """Fold as ``public.crm_fold`` does (see the module's docstring)."""
    if not value:
        return ""
    text = value.translate(_TABLE).replace("ß", "ss").replace("ẞ", "ss").lower()
    for pair, single in _PAIRS:
        text = text.replace(pair, single)
    return text


def _fold_with_map(value: str) -> tuple[str, list[int]]:
    """``fold(value)`` and, for every folded character, the index of the source character."""
    chars: list[str] = []
    source: list[int] = []
    for i, ch in enumerate(value):
        part = ch.translate(_TABLE)
        part = "ss" if part in ("ß", "ẞ") else part.lower()
        for p in part:
            chars.append(p)
            source.append(i)
    # ae/oe/ue -> a/o/u, left to right like str.replace (one pair at a time, as crm_fold does)
    for pair, single in _PAIRS:
        out_c: list[str] = []
        out_s: list[int] = []
        i = 0
        while i < len(chars):
            if chars[i] == pair[0] and i + 1 < len(chars) and chars[i + 1] == pair[1]:
                out_c.append(single)
                out_s.append(source[i])
                i += 2
                continue
            out_c.append(chars[i])
            out_s.append(source[i])
            i += 1
        chars, source = out_c, out_s
    return "".join(chars), source


def highlight(text: str, query: str) -> SafeString:
    """``text`` escaped, each place where a word of the query occurs (folded) in <mark>."""
    text = str(text or "")
    words = [w for w in fold(query).split() if w]
    if not words or not text:
        return escape(text)
    folded, source = _fold_with_map(text)
    marked = [False] * len(text)
    for word in words:
        start = folded.find(word)
        while start != -1:
            end = start + len(word) - 1
            first, last = source[start], source[end]
            for i in range(first, last + 1):
                marked[i] = True
            start = folded.find(word, start + 1)
    out: list[str] = []
    open_ = False
    for ch, m in zip(text, marked, strict=True):
        if m and not open_:
            out.append("<mark>")
            open_ = True
        elif not m and open_:
            out.append("</mark>")
            open_ = False
        out.append(escape(ch))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every character escaped above
