"""Every module, quiz, case study and the glossary render in both languages in a real browser,
with no console error (the fixture fails the test on any)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import CJK_TEXT, register, unique_email

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p.name for p in (ROOT / "modules").iterdir() if (p / "module.yaml").exists())
CASES = sorted({p.name.split(".")[0] for p in (ROOT / "library" / "case-studies").glob("*.en.md")})


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_modules_quizzes_case_studies_and_glossary_render(page: Page, lang: str):
    register(page, name="Reader", email=unique_email(f"reader-{lang}"), city="Chengdu", lang=lang)
    html_lang = "zh-Hans" if lang == "zh" else "en"
    for slug in MODULES:
        page.goto(f"/learn/{slug}/")
        expect(page.locator("html")).to_have_attribute("lang", html_lang)
        expect(page.locator("h1")).to_have_count(1)
        if lang == "zh":
            expect(page.locator("h1")).to_have_text(CJK_TEXT)
        expect(page.locator('a[href^="/case-studies/"]').first).to_be_visible()
        first_lesson = page.locator("ol.lesson-list a").first
        first_lesson.click()
        expect(page.locator(".prose h2").first).to_be_visible()
        expect(page.locator(".notice[role=note]")).to_have_count(0)  # no missing translation
        expect(page.locator('.prose a[href^="/learn/glossary/#"]').first).to_be_attached()
        page.goto(f"/quizzes/{slug}/final")
        expect(page.locator("fieldset.question")).not_to_have_count(0)
        if lang == "zh":
            expect(page.locator("fieldset.question legend").first).to_have_text(CJK_TEXT)
    page.goto("/learn/glossary/")
    expect(page.locator(".glossary .term")).not_to_have_count(0)
    page.goto("/case-studies/")
    expect(page.locator("article.card")).to_have_count(len(CASES))
    for slug in CASES[:: max(1, len(CASES) // 6)]:
        page.goto(f"/case-studies/{slug}")
        expect(page.locator(".prose table").first).to_be_visible()
        if lang == "zh":
            expect(page.locator("h1")).to_have_text(CJK_TEXT)
    assert re.search(r"/case-studies/", page.url)
