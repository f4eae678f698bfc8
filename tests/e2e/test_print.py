"""Print: a lesson, the scorecard results, the report with its action plan, the action plan and a
certificate print cleanly — with the print media emulated, the site's header, navigation,
footer and every button are hidden, the content is there, nothing is wider than an A4 page, and
no text is left white on a background the printer leaves out. A PDF of each page is written to
test-artifacts/print/ to look at (headless Chromium prints with the same print stylesheet)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.world import ARTIFACTS, LANGS, get_world, log_in_as

A4 = {"width": 794, "height": 1123}  # an A4 sheet at 96 dpi

CHROME = (
    "header.site-header",
    "footer.site-footer",
    ".skip-link",
    ".lang-switch",
    "main nav",
    "main button",
    "main a.button",
    ".lesson-actions",
    ".flashes",
)

# White text (the .qid badges, the matrix's darkest cells) whose background is not printed.
WHITE_TEXT_JS = """() => [...document.querySelectorAll("main *")]
    .filter(el => el.offsetParent !== null && el.childElementCount === 0 && el.textContent.trim())
    .filter(el => getComputedStyle(el).color === "rgb(255, 255, 255)")
    .map(el => el.tagName.toLowerCase() + "." + el.className + ": " + el.textContent.trim().slice(0, 20))"""


def _expect_printable(page: Page, name: str, content: list[str]) -> None:
    page.emulate_media(media="print")
    for selector in CHROME:
        locator = page.locator(selector)
        for i in range(locator.count()):
            expect(locator.nth(i), f"{name}: {selector} is printed").to_be_hidden()
    for selector in content:
        expect(page.locator(selector).first, f"{name}: {selector} is not printed").to_be_visible()
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{name}: wider than an A4 page in print ({width[0]}px > {width[1]}px)"
    assert page.evaluate(WHITE_TEXT_JS) == [], f"{name}: white text that would not print"


@pytest.mark.parametrize("lang", LANGS)
def test_lessons_results_report_and_certificates_print_cleanly(page: Page, live_app, lang: str):
    world = get_world(live_app)
    page.set_viewport_size(A4)
    log_in_as(page, world.email("trainee", lang))
    city = f"/scorecard/city/{world.city_id}"
    lesson = world.anonymous_pages()["lesson"]
    pages = {
        "lesson": (lesson, ["main h1", ".prose p", ".sources li"]),
        "results": (
            f"{city}/results",
            ["main h1", "#total-score", "svg.radar", "table.bars tbody tr", "table.bars svg"],
        ),
        "report": (
            f"{city}/report",
            ["main h1", ".big-number", "svg.radar", "table.bars", "main table >> nth=2"],
        ),
        "action plan": (f"{city}/action-plan", ["main h1", "main table tbody tr"]),
        "certificate": (
            f"/certificates/{world.certificate_code}",
            [".cert-name", ".qr svg", ".cert-verify code"],
        ),
    }
    out = ARTIFACTS / "print"
    out.mkdir(parents=True, exist_ok=True)
    for name, (path, content) in pages.items():
        page.goto(path)
        # On screen the print buttons are there (shown by the script), on paper they are not.
        if name in ("results", "report", "action plan", "certificate"):
            expect(page.locator("button[data-print]")).to_be_visible()
        _expect_printable(page, name, content)
        if name in ("report", "action plan"):
            # The action plan's actions are printed in full.
            expect(page.locator("main table").last).to_contain_text("Update the flood maps")
        page.pdf(path=str(out / f"{lang}-{name.replace(' ', '-')}.pdf"), format="A4", print_background=False)
        page.emulate_media(media="screen")
