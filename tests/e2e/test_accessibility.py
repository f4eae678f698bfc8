"""axe-core finds no serious or critical violation on any page type, in English and in Chinese,
for each role that sees the page — error states included (a refused login, a quiz sent with a
blank question, a scorecard answer that is too long, 403 and 404 pages)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import axe_violations, require_axe
from tests.e2e.steps import MODULE
from tests.e2e.world import HTML_LANG, LANGS, get_world, log_in_as, set_anonymous_language

ROLES = ("anonymous", "trainee", "trainer", "admin")


def _check(page: Page, lang: str, name: str, found: dict[str, list[str]]) -> None:
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    problems = axe_violations(page)
    if problems:
        found[name] = problems


def _error_states(page: Page, role: str, lang: str, world, found: dict[str, list[str]]) -> None:
    if role == "anonymous":
        page.goto("/auth/login")
        page.locator('main input[name="email"]').fill("nobody@example.org")
        page.locator('main input[name="password"]').fill("not-the-right-password")
        page.locator('main form button[type="submit"]').click()
        expect(page.get_by_role("alert")).to_be_visible()
        _check(page, lang, "login (refused)", found)
        page.goto("/auth/register")
        page.locator('main input[name="email"]').fill("not-an-email")
        page.locator('main form button[type="submit"]').click()
        expect(page.locator('main [aria-invalid="true"]').first).to_be_visible()
        _check(page, lang, "register (errors)", found)
        _registration_pages(page, lang, found)
    elif role == "trainee":
        page.goto(f"/quizzes/{MODULE}/final")
        page.locator('form.quiz button[type="submit"]').click()
        expect(page.get_by_role("alert").first).to_be_visible()
        _check(page, lang, "quiz (blank questions)", found)
        page.goto(f"/scorecard/city/{world.city_id}/essential/3")
        details = page.locator('section[id="P3.1"] details')
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        page.locator('input[name="P3.1-timescale"]').fill("x" * 201)
        page.locator('main button[name="after"][value="stay"]').click()
        expect(page.locator('input[name="P3.1-timescale"]')).to_have_attribute("aria-invalid", "true")
        _check(page, lang, "answer sheet (too long)", found)
    elif role == "trainer":
        page.goto("/cohorts/new")
        page.locator('main form button[type="submit"]').click()
        expect(page.locator('main [aria-invalid="true"]').first).to_be_visible()
        _check(page, lang, "cohort new (errors)", found)


def _registration_pages(page: Page, lang: str, found: dict[str, list[str]]) -> None:
    """The registration's "check your email" page, the confirmation link's page and a refused link."""
    from tests.e2e.steps import PASSWORD, unique_email

    email = unique_email(f"axe-{lang}")
    page.goto("/auth/register")
    form = page.locator("main form")
    form.locator('input[name="name"]').fill("Axe Checker")
    form.locator('input[name="email"]').fill(email)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.locator('input[name="confirm"]').fill(PASSWORD)
    city = form.locator('select[name="city"] option').nth(1).get_attribute("value")
    form.locator('select[name="city"]').select_option(value=city)
    form.locator('button[type="submit"]').click()
    expect(page.locator("main")).to_contain_text(email)
    _check(page, lang, "register (check your email)", found)
    from tests.conftest import confirmation_path
    from tests.e2e.conftest import LIVE

    page.goto(confirmation_path(LIVE["app"], email))
    expect(page.locator('main form button[type="submit"]')).to_be_visible()
    _check(page, lang, "registration confirmation", found)
    page.goto("/auth/confirm/not-a-real-token")
    expect(page.locator('main a[href="/auth/register"]')).to_be_visible()
    _check(page, lang, "registration confirmation (refused)", found)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
def test_no_serious_accessibility_violation(page: Page, live_app, console, role: str, lang: str):
    require_axe()
    world = get_world(live_app)
    # Error pages and refused forms answer 4xx; Chromium logs each as a console error.
    console.allow(r"status of 4(00|01|03|04|22)\b")
    if role == "anonymous":
        set_anonymous_language(page, lang)
        pages = world.anonymous_pages()
    else:
        log_in_as(page, world.email(role, lang))
        pages = {
            "trainee": world.trainee_pages,
            "trainer": lambda _lang: world.trainer_pages(),
            # The cohort pages look the same to an admin as to a trainer: checked there.
            "admin": lambda _lang: {**world.admin_pages(), "cohort list": "/cohorts/"},
        }[role](lang)
    found: dict[str, list[str]] = {}
    for name, path in pages.items():
        page.goto(path)
        _check(page, lang, name, found)
    _error_states(page, role, lang, world, found)
    report = "\n".join(f"{name}: {line}" for name, lines in found.items() for line in lines)
    assert not found, f"axe: serious or critical violations ({role}, {lang}):\n{report}"


def test_axe_sees_a_violation(page: Page, live_app):
    """The check can fail: an image without a text alternative is reported."""
    require_axe()
    page.goto("/")
    page.evaluate(
        """() => { const img = document.createElement('img'); img.src = '/static/favicon.svg';
                   document.querySelector('main').append(img); }"""
    )
    assert any(re.match(r"critical image-alt\b", line) for line in axe_violations(page))
