"""In a browser, en and zh, at 375 and 1280 px: the trainer lands on their home and sees what needs
attention (a locked-out trainee, a disagreement, the coming session), adds a session in the
city's local time; a delegate sees it on My learning in the city's zone and downloads its .ics."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from pathlib import Path

from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.e2e.steps import (
    PASSWORD,
    click_log_out,
    log_in,
    shoot_at_both_sizes,
    switch_language,
    trainer_of_a_cohort,
    unique_email,
)

CITY = "Harbin"


def _world(app) -> dict:
    """A trainer of a Harbin cohort with a locked-out delegate and a disagreement."""
    from tests.services.test_quizzes import _wrong
    from training.models import QuizAttempt
    from training.services import (
        accounts,
        city_access,
        cohort_sessions,
        cohorts,
        quizzes,
        workshop,
    )
    from training.services import scorecard as sc

    with app.app_context():
        city = city_access.get_city_by_name(CITY)
        admin, trainer, module, cohort = trainer_of_a_cohort(
            city, "Trainer Tao", "Harbin delegation", date.today(), date.today() + timedelta(days=2)
        )
        people = {}
        for key, name, locale in (("locked", "Li Lei", "zh"), ("other", "Han Meimei", "en")):
            user = accounts.register_user(
                name=name, email=unique_email(key), password=PASSWORD, city=city, locale=locale
            )
            cohorts.add_member(cohort, user)
            people[key] = user
        quiz = quizzes.get_quiz(module)
        for _ in range(quiz.max_attempts):
            questions = quizzes.list_questions(quiz, QuizAttempt.FINAL, people["locked"])
            quizzes.submit_attempt(
                people["locked"], quiz, QuizAttempt.FINAL, questions, {q.key: _wrong(q) for q in questions}
            )
        assessment = sc.get_or_create_assessment(city)
        workshop.save_rating(people["locked"], assessment, sc.get_question("P5.1"), 0)
        workshop.save_rating(people["other"], assessment, sc.get_question("P5.1"), 3)
        cohort_sessions.add_session(
            cohort,
            cohort_sessions.SessionValues(
                "Opening plenary",
                date.today() + timedelta(days=1),
                time(9, 0),
                time(11, 30),
                place="City hall",
            ),
        )
        return {
            "cohort": cohort.id,
            "trainer": trainer.email,
            "locked": people["locked"].email,
            "locked_name": people["locked"].name,
        }


def _shoot(page: Page, name: str) -> None:
    shoot_at_both_sizes(page, f"h16b-{name}")


def test_trainer_home_sessions_and_calendar_in_both_languages(page: Page, live_app, console):
    world = _world(live_app)
    cohort = world["cohort"]

    # The trainer lands on their home: the cohort with what needs attention, each a link.
    page.goto("/auth/login")
    log_in(page, world["trainer"])
    expect(page).to_have_url(re.compile(r"/cohorts/$"))
    item = page.locator(f"#attention-{cohort}")
    expect(item.locator(".att-locked")).to_contain_text(world["locked_name"])
    expect(item.locator(".att-disagree a")).to_have_attribute("href", re.compile(r"essential=5"))
    expect(item.locator(".att-session")).to_contain_text("Opening plenary")
    expect(item.locator(".att-session")).to_contain_text("09:00–11:30 (China Standard Time, UTC+8)")
    expect(page.locator("header a.brand")).to_have_attribute("href", "/cohorts/")
    _shoot(page, "trainer-home-en")
    switch_language(page, "zh")
    expect(item.locator(".att-session")).to_contain_text("09:00–11:30（北京时间，UTC+8）")
    _shoot(page, "trainer-home-zh")
    switch_language(page, "en")

    # The trainer adds a session in Harbin's local time, with an online link.
    page.goto(f"/cohorts/{cohort}/sessions")
    form = page.locator("main form.stack")
    form.locator('input[name="title"]').fill("Scorecard review")
    day = date.today() + timedelta(days=2)
    form.locator('input[name="held_on"]').fill(day.isoformat())
    form.locator('input[name="starts"]').fill("14:00")
    form.locator('input[name="ends"]').fill("16:30")
    form.locator('input[name="online_url"]').fill("javascript:alert(1)")
    form.locator('button[type="submit"]').click()
    console.allow(r"422")
    expect(page.locator("#online_url-error")).to_contain_text("https://")
    page.locator('input[name="online_url"]').fill("https://meet.example.org/harbin")
    page.locator("main form.stack button[type='submit']").click()
    expect(page.locator("main")).to_contain_text("14:00–16:30 (China Standard Time, UTC+8)")
    _shoot(page, "sessions-en")
    click_log_out(page)

    # A delegate (Chinese) sees the sessions on My learning and downloads the .ics.
    page.goto("/auth/login")
    log_in(page, world["locked"])
    expect(page).to_have_url(re.compile(r"/learn/my$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    schedules = page.locator(".cohort-schedules")
    expect(schedules).to_contain_text("14:00–16:30（北京时间，UTC+8）")
    expect(schedules.locator('a[href="https://meet.example.org/harbin"]')).to_be_visible()
    _shoot(page, "my-learning-zh")
    with page.expect_download() as download:
        schedules.locator('a[href$=".ics"]', has_text="全部").first.click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    summaries = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["Opening plenary — Harbin delegation", "Scorecard review — Harbin delegation"]
    switch_language(page, "en")
    expect(schedules).to_contain_text("14:00–16:30 (China Standard Time, UTC+8)")
    _shoot(page, "my-learning-en")
    page.goto(f"/scorecard/cohort/{cohort}/")
    expect(page.locator(".cohort-schedule")).to_contain_text("Scorecard review")
    _shoot(page, "workshop-en")
