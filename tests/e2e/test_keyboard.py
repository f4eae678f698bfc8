"""The keyboard alone: the first Tab reaches the skip link, which moves focus to the content;
every element that takes focus shows it (an outline from :focus-visible); form errors are
announced (role=alert, focus on the summary) and tied to their field (aria-describedby); and a
trainee logs in, marks a lesson done, answers a quiz question and opens the scorecard's details
without a mouse."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import MODULE, PASSWORD, lesson_titles, unique_email
from tests.e2e.world import HTML_LANG, LANGS, get_world, log_in_as, set_anonymous_language

ACTIVE_JS = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
        text: (el.innerText || el.value || "").trim().slice(0, 40),
        inMain: !!el.closest("main"), focusVisible: el.matches(":focus-visible"),
        outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth), boxShadow: style.boxShadow,
        visible: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0,
    };
}"""


def _active(page: Page) -> dict:
    return page.evaluate(ACTIVE_JS)


def _shows_focus(active: dict) -> bool:
    return (active["outline"] != "none" and active["outlineWidth"] >= 2) or active["boxShadow"] != "none"


@pytest.mark.parametrize("lang", LANGS)
def test_the_first_tab_reaches_the_skip_link_which_leads_to_the_content(page: Page, live_app, lang: str):
    world = get_world(live_app)
    log_in_as(page, world.email("trainee", lang))
    for path in ("/", "/learn/my", world.anonymous_pages()["lesson"], f"/quizzes/{MODULE}/final"):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
        page.keyboard.press("Tab")
        first = _active(page)
        assert "skip-link" in first["cls"], f"{path}: the first Tab reaches {first}"
        assert first["visible"] and first["focusVisible"] and _shows_focus(first), f"{path}: {first}"
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"#main$"))
        assert _active(page)["id"] == "main", f"{path}: the skip link does not move focus to main"
        page.keyboard.press("Tab")
        after = _active(page)
        assert after["inMain"], f"{path}: after the skip link, Tab goes to {after} instead of the content"


def test_every_focusable_element_shows_its_focus(page: Page, live_app):
    """Tab through whole pages: every stop is visible and outlined (or has a focus shadow)."""
    world = get_world(live_app)
    log_in_as(page, world.email("trainee", "en"))
    city = f"/scorecard/city/{world.city_id}"
    problems = []
    for path in ("/", world.anonymous_pages()["lesson"], f"/quizzes/{MODULE}/final", f"{city}/essential/1"):
        page.goto(path)
        page.locator("body").focus()
        stops = 0
        for _ in range(120):
            page.keyboard.press("Tab")
            active = _active(page)
            if active["tag"] == "body" or (stops and "skip-link" in active["cls"]):
                break  # round the page
            stops += 1
            if not (active["visible"] and _shows_focus(active)):
                problems.append(f"{path}: {active}")
        assert stops > 5, f"{path}: only {stops} focus stops"
    assert not problems, "focus not shown:\n" + "\n".join(problems)


def _expect_errors_tied_to_fields(page: Page, where: str) -> None:
    """Each invalid field names its error with aria-describedby; the error text is visible."""
    invalid = page.locator('main [aria-invalid="true"], main fieldset.has-error')
    assert invalid.count() > 0, f"{where}: no field is marked invalid"
    for i in range(invalid.count()):
        field = invalid.nth(i)
        described = field.get_attribute("aria-describedby") or ""
        assert described, (
            f"{where}: {field.evaluate('e => e.outerHTML.slice(0, 120)')} has no aria-describedby"
        )
        texts = [page.locator(f'[id="{ident}"]').inner_text().strip() for ident in described.split()]
        assert any(texts), f"{where}: aria-describedby={described!r} points at no error text"


def test_form_errors_are_announced_and_tied_to_their_fields(page: Page, live_app, console):
    world = get_world(live_app)
    console.allow(r"status of 4(01|22)\b")  # refused forms
    # A refused login: one alert, which names neither the email nor the password.
    page.goto("/auth/login")
    page.locator('main input[name="email"]').fill("nobody@example.org")
    page.locator('main input[name="password"]').fill("not-the-right-password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()

    # Registration with every field wrong: a summary with focus, and errors next to the fields.
    page.goto("/auth/register")
    page.locator('main input[name="email"]').fill("not-an-email")
    page.locator('main input[name="password"]').fill("short")
    page.locator('main form button[type="submit"]').click()
    summary = page.locator("main .error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    _expect_errors_tied_to_fields(page, "register")

    # A quiz with blank questions: the summary links to each one; each says what is missing.
    log_in_as(page, world.email("trainee", "zh"))
    page.goto(f"/quizzes/{MODULE}/final")
    page.locator('form.quiz button[type="submit"]').click()
    summary = page.locator("#missing-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    _expect_errors_tied_to_fields(page, "quiz")
    page.keyboard.press("Tab")  # the first link of the summary
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#q-[\w.-]+$"))

    # A scorecard answer that is too long.
    page.goto(f"/scorecard/city/{world.city_id}/essential/3")
    details = page.locator('section[id="P3.1"] details')
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    page.locator('input[name="P3.1-responsible"]').fill("x" * 301)
    page.locator('main button[name="after"][value="stay"]').click()
    expect(page.locator("main .error-summary")).to_be_focused()
    _expect_errors_tied_to_fields(page, "answer sheet")


def test_a_trainee_uses_the_site_with_the_keyboard_alone(page: Page, live_app):
    from training.extensions import db
    from training.models import City, Role
    from training.services import accounts, city_access

    world = get_world(live_app)
    email = unique_email("keyboard")
    with live_app.app_context():
        city = db.session.get(City, world.city_id)
        user = accounts.register_user(
            name="Jian Keys", email=email, password=PASSWORD, city=city, role=Role.TRAINEE
        )
        admin = accounts.get_user_by_email(world.email("admin", "en"))
        city_access.grant_membership(city, user, admin, "admin")  # a member of the city's delegation
        db.session.remove()

    # Log in: Tab to the fields, type, Enter.
    set_anonymous_language(page, "en")
    page.goto("/auth/login")
    page.locator("body").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if _active(page)["id"] == "email":
            break
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/learn/my$"))

    # A lesson: mark it done with the keyboard.
    first, second = list(lesson_titles("en"))[:2]
    page.goto(f"/learn/{MODULE}/{first}")
    page.get_by_role("button", name="Mark as done and continue").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/learn/{MODULE}/{second}$"))

    # A quiz question: Space checks a radio button, arrows move within the group.
    page.goto(f"/quizzes/{MODULE}/final")
    first_question = page.locator("form.quiz fieldset.question").first
    first_question.locator("input").first.focus()
    page.keyboard.press("Space")
    expect(first_question.locator("input").first).to_be_checked()

    # The scorecard's details open from the keyboard.
    page.goto(f"/scorecard/city/{world.city_id}/essential/4")
    details = page.locator('section[id="P4.1"] details')
    expect(details).not_to_have_attribute("open", "")
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(page.locator('textarea[name="P4.1-comments"]')).to_be_visible()

    # The language switcher.
    page.locator('header button[name="lang"][value="zh"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
