"""axe-core (npm, pinned in package.json) run inside the page.

The app's Content-Security-Policy allows scripts from the site only, so Playwright's
`add_script_tag(path=...)` (an inline <script> element) is refused by the browser and logged as a
console error. `page.evaluate()` goes through the DevTools protocol, which the page's CSP does not
govern: the library's source is evaluated that way, the CSP stays on (a `bypass_csp` context would
hide the app's own CSP mistakes), and nothing is added to the page's DOM.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def require_axe() -> None:
    """Skip (or fail in CI) when `npm ci` has not installed axe-core (`make install` does)."""
    if not AXE_JS.exists():
        message = f"no {AXE_JS.relative_to(REPO_ROOT)}: run `make install` (npm ci)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def axe_violations(
    page: Page, impacts: tuple[str, ...] = BLOCKING, rules: list[str] | None = None
) -> list[str]:
    """The page's axe violations of these impacts, one readable line per rule (all of axe's
    default rules, or only `rules`)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source() + "\n;0")
    violations = page.evaluate(
        """async (rules) => {
            const options = {resultTypes: ["violations"]};
            if (rules) { options.runOnly = {type: "rule", values: rules}; }
            const result = await axe.run(document, options);
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 4).map(n => n.target.join(" ")),
                count: v.nodes.length,
            }));
        }""",
        rules,
    )
    return [
        f"{v['impact']} {v['id']} ({v['help']}) x{v['count']}: {'; '.join(v['targets'])}"
        for v in violations
        if v["impact"] in impacts
    ]
