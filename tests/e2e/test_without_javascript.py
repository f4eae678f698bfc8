"""Without JavaScript (beyond the lessons, quizzes and scorecard of test_journeys.py): the case
studies' search and filters, and a trainer creating a cohort — plain GET and POST forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.e2e.steps import log_in, unique_email
from tests.e2e.test_trainer import _make_trainer

ROOT = Path(__file__).resolve().parents[2]


def _library() -> dict[str, dict]:
    """Case-study slug -> its front matter (English file), as shipped in library/."""
    studies = {}
    for path in sorted((ROOT / "library" / "case-studies").glob("*.en.md")):
        studies[path.name[: -len(".en.md")]] = yaml.safe_load(
            path.read_text(encoding="utf-8").split("---", 2)[1]
        )
    return studies


def _listed(page: Page) -> set[str]:
    links = page.locator("main article.card .card-title a")
    return {links.nth(i).get_attribute("href").rsplit("/", 1)[-1] for i in range(links.count())}


@pytest.mark.no_js
def test_case_study_filters_work_without_javascript(page: Page):
    library = _library()
    page.goto("/case-studies/")
    everything = _listed(page)
    assert set(library) <= everything

    # Topic and hazard together: a GET form, the choices kept in the form and the address.
    form = page.locator('main form[role="search"]')
    form.locator('select[name="topic"]').select_option("nbs")
    form.locator('select[name="hazard"]').select_option("flood")
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/case-studies/\?.*topic=nbs.*hazard=flood|hazard=flood.*topic=nbs"))
    expect(form.locator('select[name="topic"]')).to_have_value("nbs")
    expect(form.locator('select[name="hazard"]')).to_have_value("flood")
    wanted = {s for s, m in library.items() if "nbs" in m["topics"] and "flood" in m["hazards"]}
    shown = _listed(page)
    assert wanted and wanted <= shown, f"missing: {wanted - shown}"
    assert not (shown & (set(library) - wanted)), (
        f"not matching the filters: {shown & (set(library) - wanted)}"
    )
    assert len(shown) < len(everything)
    expect(page.locator("main p[role=status]")).to_contain_text(str(len(shown)))

    # An Essential.
    page.locator('main a[href="/case-studies/"]').click()  # "Clear the filters"
    assert _listed(page) == everything
    form.locator('select[name="essential"]').select_option("3")
    form.locator('button[type="submit"]').click()
    wanted = {s for s, m in library.items() if 3 in m["essentials"]}
    shown = _listed(page)
    assert wanted <= shown and not (shown & (set(library) - wanted))

    # A search in Chinese, from the search box.
    page.goto("/case-studies/")
    form.locator('input[name="q"]').fill("海绵城市")
    form.locator('input[name="q"]').press("Enter")
    expect(page).to_have_url(re.compile(r"q=%E6%B5%B7%E7%BB%B5"))
    shown = _listed(page)
    assert "china-sponge-city-programme" in shown and len(shown) < len(everything)
    expect(form.locator('input[name="q"]')).to_have_value("海绵城市")


@pytest.mark.no_js
def test_a_trainer_creates_a_cohort_without_javascript(page: Page, live_app, console):
    email = unique_email("nojs-trainer")
    _make_trainer(live_app, email)
    page.goto("/auth/login")
    log_in(page, email)
    page.goto("/cohorts/new")

    # Sent empty: the server answers with the errors next to the fields, nothing is created.
    console.allow(r"status of 4(00|22)\b.*/cohorts/new")
    form = page.locator("main form")
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/cohorts/new$"))
    expect(page.locator("main .error-summary")).to_be_visible()
    expect(page.locator('main input[name="name"]')).to_have_attribute("aria-invalid", "true")

    form.locator('input[name="name"]').fill("Lhasa delegation (no JavaScript)")
    options = form.locator('select[name="city"] option')
    index = next(i for i, t in enumerate(options.all_inner_texts()) if t.startswith("Lhasa"))
    form.locator('select[name="city"]').select_option(value=options.nth(index).get_attribute("value"))
    form.locator('input[name="starts_on"]').fill("2026-09-01")
    form.locator('input[name="ends_on"]').fill("2026-12-15")
    for box in form.locator('input[name="modules"]').all():
        box.uncheck()
    form.locator('input[name="modules"]').first.check()
    form.locator('button[type="submit"]').click()

    expect(page).to_have_url(re.compile(r"/cohorts/\d+/$"))
    expect(page.locator("main h1")).to_have_text("Lhasa delegation (no JavaScript)")
    expect(page.locator("code.join-code")).to_have_text(re.compile(r"^[A-Z0-9]{6,}$"))
    page.goto("/cohorts/")
    expect(page.locator("main")).to_contain_text("Lhasa delegation (no JavaScript)")
