"""Our code never translates at import time: a module- or class-level ``gettext`` (not
``gettext_lazy``) freezes the message in the language active when the module was imported, so a
German user read "Age in phase" on the board (the sort labels of the kanban)."""

import ast
from pathlib import Path

from crm.lib.i18n import BASE_DIR, SOURCE_DIRS

EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def _eager_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            names.update(alias.asname or alias.name for alias in node.names if alias.name in EAGER)
    return names


def _import_time_calls(body: list[ast.stmt], eager: set[str]):
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # decorators and defaults run at import time, the body does not
            nodes = [
                *statement.decorator_list,
                *statement.args.defaults,
                *statement.args.kw_defaults,
            ]
        elif isinstance(statement, ast.ClassDef):
            yield from _import_time_calls(statement.body, eager)
            nodes = [*statement.decorator_list, *statement.bases]
        else:
            nodes = [statement]
        for top in nodes:
            if top is None:
                continue
            for node in ast.walk(top):
                if isinstance(node, ast.Lambda):
                    continue
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in eager
                ):
                    if not _inside_lambda(top, node):
                        yield node.lineno


def _inside_lambda(top: ast.AST, target: ast.AST) -> bool:
    for node in ast.walk(top):
        if isinstance(node, ast.Lambda) and any(child is target for child in ast.walk(node)):
            return True
    return False


def test_no_message_is_translated_at_import_time():
    found = []
    for folder in SOURCE_DIRS:
        for path in sorted((BASE_DIR / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(Path(path).read_text(encoding="utf-8"))
            eager = _eager_names(tree)
            if eager:
                found += [
                    f"{path.relative_to(BASE_DIR)}:{line}"
                    for line in _import_time_calls(tree.body, eager)
                ]
    assert found == [], "use gettext_lazy at module and class level: " + ", ".join(found)
