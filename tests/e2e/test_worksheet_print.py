"""The risk-assessment module in a real browser, in both languages: its lessons print cleanly, and
its worksheet is reached from lesson 4, printed cleanly (no site chrome, nothing wider than the
page, the filled example on a new sheet) and downloaded as an Excel file. PDFs of the worksheet go
to test-artifacts/print/ (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_print import A4, _expect_printable
from tests.e2e.world import ARTIFACTS, LANGS, set_anonymous_language

ROOT = Path(__file__).resolve().parents[2]
SLUG = "urban-climate-risk-assessment"
TITLE = {"en": "Risk scenario worksheet: one hazard", "zh": "风险情景工作表：单一灾害"}
EXAMPLE = {"en": "Jiangbin", "zh": "江滨市"}


LESSONS = sorted(p.name.split(".")[0] for p in (ROOT / "modules" / SLUG).glob("[0-9]*.en.md"))


@pytest.mark.parametrize("lang", LANGS)
def test_the_lessons_print_cleanly(page: Page, live_app, lang: str):
    page.set_viewport_size(A4)
    set_anonymous_language(page, lang)
    assert len(LESSONS) >= 4
    for lesson in LESSONS:
        page.goto(f"/learn/{SLUG}/{lesson}")
        expect(page.locator(".notice[role=note]")).to_have_count(0)  # no missing translation
        _expect_printable(page, lesson, ["main h1", ".prose table", ".prose li", ".sources li"])
        page.emulate_media(media="screen")


@pytest.mark.parametrize("lang", LANGS)
def test_the_worksheet_renders_prints_and_downloads(page: Page, live_app, lang: str):
    page.set_viewport_size(A4)
    set_anonymous_language(page, lang)
    page.goto(f"/learn/{SLUG}/04-from-scenarios-to-essential-2-answers")
    page.locator(f'.prose a[href="/learn/{SLUG}/worksheet"]').click()
    expect(page.locator("main h1")).to_have_text(TITLE[lang])
    expect(page.locator("#example")).to_contain_text(EXAMPLE[lang])
    expect(page.locator("button[data-print]")).to_be_visible()
    _expect_printable(page, "worksheet", ["main h1", "#blank table", "#blank td.write", "#example table"])
    assert page.evaluate("getComputedStyle(document.querySelector('#example')).breakBefore") == "page"
    out = ARTIFACTS / "print"
    out.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(out / f"{lang}-risk-worksheet.pdf"), prefer_css_page_size=True, print_background=False)
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.locator(f'main a[href="/learn/{SLUG}/worksheet.xlsx"]').click()
    assert download.value.suggested_filename.startswith(f"{SLUG}-worksheet-")
    assert download.value.suggested_filename.endswith(".xlsx")
