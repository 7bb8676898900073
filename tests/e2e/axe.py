"""axe-core (npm, pinned in tests/e2e/js/package.json) run inside the page under test.

The script is injected with ``page.evaluate(source)``: that runs in the page through the DevTools
protocol, so the production Content-Security-Policy (script-src 'self') stays as it is and is not
loosened for the tests. ``make test`` and ``.ci/run`` install the package (``npm ci``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent / "js"
AXE_JS = JS_DIR / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA (axe's tags for exactly those success criteria)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# and one rule axe calls experimental (off by default) that Lighthouse runs: every data cell of a
# table of 3 by 3 or more has a header (WCAG 1.3.1)

RUN = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: "tag", values: tags },
    rules: { "td-has-header": { enabled: true } }, resultTypes: ["violations"] });
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 160),
                                            why: (n.failureSummary || "").slice(0, 300) })),
    count: v.nodes.length }));
}"""


@cache
def axe_source() -> str:
    if not AXE_JS.exists():
        raise RuntimeError(
            f"{AXE_JS} is missing: run `npm ci` in {JS_DIR} (make test and .ci/run do it)"
        )
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe-core finds in the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(RUN, WCAG_TAGS)


def assert_no_violations(page, label: str = "") -> None:
    found = axe_violations(page)
    assert found == [], (
        f"axe-core on {label or page.url}:\n{json.dumps(found, indent=1, ensure_ascii=False)}"
    )
