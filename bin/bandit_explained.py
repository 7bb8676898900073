#!/usr/bin/env python3
"""bandit over our code, where every finding left must be explained in SECURITY.md.

SECURITY.md's "bandit" table has one row per place: the file, the function (or class.method,
or <module>) the finding is in, the bandit test ids and why it is safe. A finding is explained
when a row names its file, its innermost enclosing function and its test id, so moving code
within a function keeps the explanation and new code in another function needs its own row.
Rows that match no finding any more are reported as stale, so the table stays true.

Used by bin/audit (make audit) and tests/crm/test_security_bandit.py. Offline; no Django.
Exit status: 0 when every finding is explained and no row is stale, 1 otherwise.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("crm", "tenants", "customfields", "customers", "sales", "activity", "mapview")
# | `sales/selectors.py` `_conflict_pairs` | B608 | why ... |
ROW = re.compile(
    r"^\|\s*`(?P<file>[^`]+)`\s+`(?P<where>[^`]+)`\s*\|\s*(?P<tests>B\d{3}(?:\s*,\s*B\d{3})*)\s*\|"
)


@dataclass(frozen=True)
class Finding:
    file: str
    where: str
    test_id: str
    severity: str
    line: int
    text: str


def run_bandit(root: Path = ROOT) -> list[dict]:
    """bandit's JSON results for our apps, with the [tool.bandit] settings of pyproject.toml."""
    result = subprocess.run(  # noqa: S603 - bandit from this interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "bandit",
            "-r",
            *TARGETS,
            "-c",
            "pyproject.toml",
            "-f",
            "json",
            "-q",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise RuntimeError(f"bandit failed (exit {result.returncode}): {result.stderr.strip()}")
    report = json.loads(result.stdout)
    if report.get("errors"):
        raise RuntimeError(f"bandit could not scan: {report['errors']}")
    return report["results"]


def enclosing(source: str, line: int) -> str:
    """The innermost function (with its classes, dotted) around ``line``, or <module>."""
    best: list[str] = []

    def visit(node: ast.AST, path: list[str]) -> None:
        nonlocal best
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                start = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                if start <= line <= (child.end_lineno or child.lineno):
                    best = [*path, child.name]
                    visit(child, best)
                    return
            visit(child, path)

    visit(ast.parse(source), [])
    return ".".join(best) or "<module>"


def findings(results: list[dict], root: Path = ROOT) -> list[Finding]:
    out = []
    for r in results:
        source = (root / r["filename"]).read_text(encoding="utf-8")
        out.append(
            Finding(
                file=r["filename"],
                where=enclosing(source, r["line_number"]),
                test_id=r["test_id"],
                severity=r["issue_severity"],
                line=r["line_number"],
                text=r["issue_text"],
            )
        )
    return out


def explanations(markdown: str) -> set[tuple[str, str, str]]:
    """(file, where, test id) of every row of SECURITY.md's bandit table."""
    rows = set()
    for line in markdown.splitlines():
        match = ROW.match(line.strip())
        if match:
            for test_id in re.split(r"\s*,\s*", match["tests"].strip()):
                rows.add((match["file"], match["where"], test_id))
    return rows


def verdict(
    found: list[Finding], explained: set[tuple[str, str, str]]
) -> tuple[list[Finding], list[tuple]]:
    """The findings nobody explained, and the explanations no finding needs any more."""
    keys = {(f.file, f.where, f.test_id) for f in found}
    unexplained = [f for f in found if (f.file, f.where, f.test_id) not in explained]
    stale = sorted(explained - keys)
    return unexplained, stale


def main() -> int:
    found = findings(run_bandit())
    unexplained, stale = verdict(
        found, explanations((ROOT / "SECURITY.md").read_text(encoding="utf-8"))
    )
    print(
        f"bandit: {len(found)} finding(s) in {', '.join(TARGETS)}; "
        f"{len(found) - len(unexplained)} explained in SECURITY.md, {len(unexplained)} not."
    )
    for f in unexplained:
        print(
            f"  UNEXPLAINED {f.test_id} ({f.severity.lower()}) {f.file}:{f.line} in {f.where}: "
            f"{f.text}"
        )
    for file, where, test_id in stale:
        print(
            f"  STALE row in SECURITY.md: `{file}` `{where}` {test_id} matches no finding any more"
        )
    if unexplained:
        print(
            "Fix the code, or add a row | `file` `function` | Bxxx | why it is safe | to "
            "SECURITY.md."
        )
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    sys.exit(main())
