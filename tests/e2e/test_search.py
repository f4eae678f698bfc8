"""Search in a real browser, English and Chinese, at 375 px and 1280 px: the box in the header of
every page (inside the Menu on a phone, which opens without JavaScript) leads to the results;
results fit the screen; axe-core finds no serious or critical violation
on the search page (empty, results, no results, too long). Screenshots are kept as artefacts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import axe_violations, require_axe
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_phones import DESKTOP, OVERFLOW_JS, PHONE_375
from tests.e2e.world import HTML_LANG, LANGS, set_anonymous_language

QUERY = {"en": "early warning", "zh": "海绵城市"}
EXPECTED = {"en": "Risk scenarios and early warning", "zh": "海绵城市建设"}
LABEL = {"en": "Search lessons, glossary and case studies", "zh": "搜索课时、术语表和案例"}


@pytest.mark.parametrize("lang", LANGS)
def test_searching_from_the_header_at_phone_and_desktop_width(page: Page, lang: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    set_anonymous_language(page, lang)
    for label, size in (("phone-375", PHONE_375), ("desktop-1280", DESKTOP)):
        page.set_viewport_size(size)
        page.goto("/learn/")
        box = page.locator('header [role="search"].site-search input[name="q"]')
        menu = page.locator("header details.nav-menu > summary")
        if label.startswith("phone"):
            expect(box).to_be_hidden()
            menu.click()
        else:
            expect(menu).to_be_hidden()
        expect(box).to_be_visible()
        expect(page.get_by_role("search").get_by_label(LABEL[lang])).to_be_visible()
        box.fill(QUERY[lang])
        box.press("Enter")
        expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
        results = page.locator("ol.search-results > li")
        expect(results.first).to_be_visible()
        titles = page.locator("h2.search-title a").all_inner_texts()
        assert EXPECTED[lang] in titles[:5], titles
        expect(page.locator("ol.search-results mark").first).to_be_visible()
        found = page.evaluate(OVERFLOW_JS)
        assert found["scrollWidth"] <= found["clientWidth"], (label, found["culprits"])
        assert not found["spilling"], (label, found["spilling"])
        page.screenshot(path=str(SCREENSHOTS / f"{lang}-{label}-search.png"), full_page=True)
        page.get_by_role("link", name=EXPECTED[lang]).first.click()
        expect(page.locator("h1")).to_contain_text(EXPECTED[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_the_search_page_has_no_serious_accessibility_violation(page: Page, lang: str):
    require_axe()
    set_anonymous_language(page, lang)
    found = {}
    states = {
        "empty": "/search",
        "results": f"/search?q={QUERY[lang]}",
        "page 2": "/search?q=城市&page=2",
        "no results": "/search?q=qqzzxxyy",
        "too long": "/search?q=" + "x" * 201,
    }
    for name, path in states.items():
        for size in (PHONE_375, DESKTOP):
            page.set_viewport_size(size)
            page.goto(path)
            problems = axe_violations(page)
            if problems:
                found[f"{name} at {size['width']}px"] = problems
    assert not found, found
