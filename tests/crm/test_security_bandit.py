"""bandit over our code inside the suite (offline): every finding is fixed or explained in
SECURITY.md's bandit table, and the table names no finding that is gone
(bin/bandit_explained.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "bandit_explained", ROOT / "bin" / "bandit_explained.py"
)
bandit_explained = sys.modules["bandit_explained"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bandit_explained)


@pytest.fixture(scope="module")
def found():
    return bandit_explained.findings(bandit_explained.run_bandit())


def test_every_bandit_finding_is_explained_in_security_md(found):
    explained = bandit_explained.explanations((ROOT / "SECURITY.md").read_text(encoding="utf-8"))
    unexplained, stale = bandit_explained.verdict(found, explained)
    assert [f"{f.test_id} {f.file}:{f.line} in {f.where}: {f.text}" for f in unexplained] == []
    assert stale == [], "SECURITY.md explains findings that bandit no longer reports"


def test_bandit_scans_our_apps_with_the_project_settings(found):
    """The scan really runs: it reports the raw SQL we know about (explained, not absent), and
    pyproject's [tool.bandit] skips B311 (random for sample data)."""
    assert {"B608", "B611"} <= {f.test_id for f in found}
    assert "B311" not in {f.test_id for f in found}
    assert {f.file.split("/")[0] for f in found} <= set(bandit_explained.TARGETS)


def test_a_new_finding_or_a_moved_one_counts_as_unexplained():
    finding = bandit_explained.Finding(
        file="sales/selectors.py",
        where="new_report",
        test_id="B608",
        severity="MEDIUM",
        line=1,
        text="sql",
    )
    table = "| `sales/selectors.py` `_conflict_pairs` | B608, B611 | table names from _meta |"
    explained = bandit_explained.explanations(table)
    assert explained == {
        ("sales/selectors.py", "_conflict_pairs", "B608"),
        ("sales/selectors.py", "_conflict_pairs", "B611"),
    }
    unexplained, stale = bandit_explained.verdict([finding], explained)
    assert unexplained == [finding] and len(stale) == 2


def test_findings_are_placed_in_their_innermost_function():
    source = (
        "x = 1\nclass A:\n    @dec\n    def f(self):\n"
        "        def g():\n            return 2\n        return g\n"
    )
    assert bandit_explained.enclosing(source, 1) == "<module>"
    assert bandit_explained.enclosing(source, 3) == "A.f"  # the decorator line belongs to f
    assert bandit_explained.enclosing(source, 6) == "A.f.g"
    assert bandit_explained.enclosing(source, 7) == "A.f"
