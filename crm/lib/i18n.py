"""The translation catalogs: compiled with Babel (no GNU gettext needed), and our messages
extracted.

``python -m crm.lib.i18n`` compiles every ``locale/*/LC_MESSAGES/*.po`` into its ``.mo`` (the set-up
runs it: ``make run``, ``make test``, the Dockerfile; the test run does it again). The ``.mo`` files
are build output and not committed. ``make messages`` (GNU gettext's makemessages) adds new strings
to the ``.po`` files; ``tests/crm/test_translations.py`` fails on any message of our code that is
missing, untranslated or fuzzy there, extracting with :func:`extract_messages` (Babel and Django's
template lexer, so that test needs no GNU gettext either).

Imports nothing from Django at module level: the Dockerfile runs it before any settings exist.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LOCALE_DIR = BASE_DIR / "locale"
# The folders with our code and templates (what makemessages reads, see the Makefile).
SOURCE_DIRS = (
    "crm",
    "tenants",
    "customfields",
    "customers",
    "sales",
    "activity",
    "mapview",
    "templates",
)
LOAD_I18N = re.compile(r"{%\s*load\s[^%]*\bi18n\b")
PY_KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write a ``.mo`` beside every ``.po`` that is newer than it; returns the files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        tmp.replace(mo_path)
        written.append(mo_path)
    return written


def _source_files(base_dir: Path) -> Iterator[Path]:
    for folder in SOURCE_DIRS:
        for path in sorted((base_dir / folder).rglob("*")):
            if "migrations" in path.parts or "__pycache__" in path.parts:
                continue
            if path.suffix in {".py", ".html", ".txt"} and path.is_file():
                yield path


def extract_messages(base_dir: Path = BASE_DIR) -> dict[tuple[str | None, str], str]:
    """Every message our code marks: {(context, msgid): "file:line"} (plural forms by singular)."""
    import io

    from babel.messages.extract import extract_javascript, extract_python
    from django.utils.translation.template import templatize

    found: dict[tuple[str | None, str], str] = {}
    for path in _source_files(base_dir):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            if "gettext" not in text and "_(" not in text:
                continue
            source, extractor = text, extract_python
        else:
            if not LOAD_I18N.search(text):
                continue
            # templatize() gives what makemessages hands xgettext: gettext('...') calls amid
            # filler that is not Python, which Babel's tolerant JavaScript lexer reads fine.
            source, extractor = templatize(text, origin=str(path)), extract_javascript
        options = {"encoding": "utf-8"}
        for lineno, _func, message, _comments in _extract(
            extractor, io.BytesIO(source.encode("utf-8")), options
        ):
            context = None
            if isinstance(message, tuple) and _func in {"pgettext", "pgettext_lazy"}:
                context, message = message[0], message[1]
            elif isinstance(message, tuple) and _func in {"npgettext", "npgettext_lazy"}:
                context, message = message[0], message[1]
            elif isinstance(message, tuple):
                message = message[0]
            if not message:
                continue
            found.setdefault((context, message), f"{path.relative_to(base_dir)}:{lineno}")
    return found


def _extract(extractor, fileobj, options):
    for lineno, funcname, messages, comments in extractor(fileobj, PY_KEYWORDS, (), options):
        if funcname not in PY_KEYWORDS:
            continue
        if isinstance(messages, tuple | list):
            messages = tuple(m for m in messages if m is not None)
            if not messages or any(not isinstance(m, str) for m in messages):
                continue
        elif not isinstance(messages, str):
            continue
        yield lineno, funcname, messages, comments


if __name__ == "__main__":
    for mo in compile_catalogs():
        print(f"compiled {mo.relative_to(BASE_DIR)}", file=sys.stderr)
