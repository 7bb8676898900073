"""The structure the house style asks for, checked on the source: no two product modules import
each other (directly or round a longer circle), no product module over 500 lines, signals
connected only in receivers.py, runtime code never imports a migration, and no template hides a
missing URL behind ``{% url ... as x %}{% if x %}`` (the fallback of the days apps landed one by
one: every app is installed, so a broken link must fail loudly)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("crm", "tenants", "customfields", "customers", "sales", "activity", "mapview")
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The product modules ``name`` imports anywhere in its body (inside functions too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in modules:
                    targets.add(full)
                elif base in modules:
                    targets.add(base)
    targets.discard(name)
    return targets


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    circles.append(sorted(group))
    return circles


def test_the_circle_finder_finds_a_circle():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_no_two_product_modules_import_each_other():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert "crm.models" in graph and graph["crm.selectors"] >= {"crm.models"}
    assert _circles(graph) == []


def test_no_product_module_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in _modules().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_signals_are_connected_only_in_receivers_modules():
    connecting = re.compile(r"@receiver\b|\.connect\(\s*(receiver=)?[a-z_]+\s*[,)]")
    elsewhere = [
        str(path.relative_to(ROOT))
        for path in _modules().values()
        if path.name != "receivers.py"
        and connecting.search(path.read_text(encoding="utf-8"))
        and "django.dispatch" in path.read_text(encoding="utf-8")
    ]
    assert elsewhere == []


def test_runtime_code_never_imports_a_migration():
    apps = "|".join(APPS)
    importing = re.compile(
        rf"import_module\([^)]*\b({apps})\.migrations|\b({apps})\.migrations\.\d"
    )
    assert [
        str(path.relative_to(ROOT))
        for path in _modules().values()
        if importing.search(path.read_text(encoding="utf-8"))
    ] == []


def test_no_template_hides_a_missing_url_behind_a_fallback():
    hiding = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"{%\s*url\s[^%]*\sas\s+(\w+)\s*%}", text):
            if re.search(r"{%\s*if\s+" + name + r"\s*%}", text):
                hiding.append(f"{path.relative_to(ROOT)}: {name}")
    assert hiding == []
