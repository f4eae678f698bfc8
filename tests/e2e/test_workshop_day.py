"""A whole workshop day in a browser (issue 16, "Done when"), in English and Chinese, with
screenshots at 375 and 1280 px at each key step:

the trainer imports 20 officials from an Excel list (two rows with problems, shown and fixed); a
new official accepts the invitation from their email and lands in the cohort; the delegates see
the session in their city's time zone and download its .ics; three of them rate the same
Essential at the same moment (three browser contexts, real concurrent requests to the e2e server)
and none is told it failed; the trainer's home lists the locked-out trainee and the
disagreement; the trainer records the agreed score, issues certificates and sees their holders
(code, date, a public check link that works)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import time_ns

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP
from tests.e2e.steps import PASSWORD, log_in, log_out, unique_email
from tests.e2e.test_enrolment import _setup, accept_the_invitation, import_the_list
from tests.e2e.test_workshop import _agree

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SIZES = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 900}}
# Each language rates its own Essential: the two runs share Wuhan's assessment.
ESSENTIAL = {"en": 2, "zh": 3}
SCORES = (0, 3, 1)
SAVE_AT = """at => setTimeout(
    () => document.querySelector('main button[name="after"][value="stay"]').click(),
    Math.max(0, at - Date.now()))"""  # the three delegates disagree
TEXT = {
    "en": {
        "zone": "09:30–11:00 (China Standard Time, UTC+8)",
        "saved": re.compile(r"Your (ratings|answers) are saved"),
        "not_saved": "It was not saved",
        "issued": "1 new certificate issued; 1 in all",
    },
    "zh": {
        "zone": "09:30–11:00（北京时间，UTC+8）",
        "saved": re.compile(r"(您的评分|答案)已保存"),
        "not_saved": "未保存",
        "issued": "新颁发1份证书，共1份",
    },
}


def _shoot(page: Page, name: str, lang: str) -> None:
    """Both widths, and nothing sticks out sideways on the phone."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SCREENSHOTS / f"workshop-day-{name}-{lang}-{width}.png"), full_page=True)
        if width == "375":
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} ({lang}): {overflow}px wider than a phone"
    page.set_viewport_size(DESKTOP)


def _delegates_and_session(app, cohort_id: int, lang: str) -> dict:
    """Two members who already have accounts: one locked out of the final quiz, one who completed
    the module (no certificate yet); and the day's session, 09:30–11:00 in Wuhan tomorrow."""
    from tests.services.test_quizzes import _wrong
    from tests.web.test_cohort_reports import _complete_module
    from training.models import QuizAttempt
    from training.services import accounts, cohort_sessions, cohorts, learning, quizzes

    with app.app_context():
        cohort = cohorts.get_cohort(cohort_id)
        people = {}
        for key, name in (("locked", "Locked Liu" if lang == "en" else "刘锁"), ("done", "Done Deng")):
            people[key] = accounts.register_user(
                name=name, email=unique_email(key), password=PASSWORD, city=cohort.city, locale=lang
            )
            cohorts.add_member(cohort, people[key])
        quiz = quizzes.get_quiz(learning.get_module("climate-adaptation"))
        for _ in range(quiz.max_attempts):
            drawn = quizzes.list_questions(quiz, QuizAttempt.FINAL, people["locked"])
            quizzes.submit_attempt(
                people["locked"], quiz, QuizAttempt.FINAL, drawn, {q.key: _wrong(q) for q in drawn}
            )
        _complete_module(people["done"])
        day = date.today() + timedelta(days=1)
        cohort_sessions.add_session(
            cohort,
            cohort_sessions.SessionValues(
                "Scorecard workshop", day, time(9, 30), time(11, 0), place="Wuhan city hall"
            ),
        )
        return {
            "day": day,
            "city_id": cohort.city_id,
            "locked": (people["locked"].email, people["locked"].name),
            "done": (people["done"].email, people["done"].name),
        }


def _context(browser, live_server, lang: str, errors: list[str]):
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(f"{m.text} @ {page.url}"))
    page.on("pageerror", lambda e: errors.append(f"uncaught page error: {e}"))
    return context, page


def _sees_the_session_and_its_calendar(page: Page, lang: str, day: date) -> None:
    page.goto("/learn/my")
    expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-Hans")
    schedule = page.locator(".cohort-schedules")
    expect(schedule).to_contain_text("Scorecard workshop")
    expect(schedule).to_contain_text(TEXT[lang]["zone"])  # the local time and the zone's name
    expect(schedule.locator(".schedule p.meta").first).to_have_text("Wuhan" if lang == "en" else "武汉")
    with page.expect_download() as download:
        schedule.locator('a[href$=".ics"]').first.click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    (event,) = [e for e in calendar.walk("VEVENT") if str(e["summary"]).startswith("Scorecard workshop")]
    start, end = event["dtstart"].dt, event["dtend"].dt
    assert str(start.tzinfo) == "Asia/Shanghai"
    assert (start.date(), start.time(), end.time()) == (day, time(9, 30), time(11, 0))
    assert start.astimezone(UTC) == datetime.combine(day, time(1, 30), tzinfo=UTC)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_workshop_day(page: Page, browser, live_server, live_app, console, lang: str):
    t = TEXT[lang]
    outbox = live_app.extensions.setdefault("outbox", [])
    trainer_email = unique_email("day-trainer")
    cohort_url, emails = _setup(live_app, trainer_email, lang, unique_email("day")[:12])
    cohort_id = int(cohort_url.strip("/").split("/")[-1])
    world = _delegates_and_session(live_app, cohort_id, lang)
    essential = ESSENTIAL[lang]
    sheet = f"/scorecard/city/{world['city_id']}/essential/{essential}"
    qid = f"P{essential}.1"

    # Morning: the trainer imports the list (two rows fixed in the box) and invites 20 officials.
    page.goto("/auth/login")
    log_in(page, trainer_email)
    import_the_list(page, cohort_url, emails, lang)
    _shoot(page, "invited", lang)
    log_out(page)

    # A new official follows the link of their email, sets a password and is in the cohort.
    accept_the_invitation(page, outbox, emails[5], lang)
    _sees_the_session_and_its_calendar(page, lang, world["day"])
    _shoot(page, "my-learning", lang)

    # Two delegates who already had accounts, each in their own browser.
    errors: list[str] = []
    others = [_context(browser, live_server, lang, errors) for _ in range(2)]
    for (_, other), (email, _name) in zip(others, (world["locked"], world["done"])):
        other.goto("/auth/login")
        log_in(other, email)
        _sees_the_session_and_its_calendar(other, lang, world["day"])

    # All three open the same Essential, then save their three opinions at the same moment.
    delegates = [page] + [p for _, p in others]
    for delegate, score in zip(delegates, SCORES):
        delegate.goto(sheet)
        delegate.locator(f'input[name="{qid}-score"][value="{score}"]').check()
    # The three browsers press Save at the same wall-clock instant; the threaded server takes
    # the three requests side by side.
    at = int(time_ns() / 1e6) + 700
    for delegate in delegates:
        delegate.evaluate(SAVE_AT, at)
    for delegate, score in zip(delegates, SCORES):
        delegate.wait_for_load_state()
        expect(delegate.locator("main")).to_contain_text(t["saved"])
        expect(delegate.locator(".error-summary")).to_have_count(0)
        expect(delegate.locator(".flash-error")).to_have_count(0)
        expect(delegate.locator("main")).not_to_contain_text(t["not_saved"])
        expect(delegate.locator(f'input[name="{qid}-score"][value="{score}"]')).to_be_checked()
    _shoot(page, "rated", lang)
    _shoot(delegates[-1], "rated-last", lang)  # whose save came last
    for context, _ in others:
        context.close()
    assert errors == [], "console errors in the delegates' browsers:\n" + "\n".join(errors)
    log_out(page)

    with live_app.app_context():  # all three ratings are stored
        from training.extensions import db
        from training.models import Rating, User

        rows = db.session.execute(
            db.select(User.email, Rating.score)
            .join(User, User.id == Rating.user_id)
            .where(
                Rating.question_id == qid, User.email.in_([emails[5], world["locked"][0], world["done"][0]])
            )
        )
        assert dict(rows.all()) == dict(zip([emails[5], world["locked"][0], world["done"][0]], SCORES))
        db.session.remove()

    # The trainer's home: the locked-out trainee and the disagreement, each a link.
    page.goto("/auth/login")
    log_in(page, trainer_email)
    expect(page).to_have_url(re.compile(r"/cohorts/$"))
    attention = page.locator(f"#attention-{cohort_id}")
    expect(attention.locator(".att-locked")).to_contain_text(world["locked"][1])
    disagreement = attention.locator(".att-disagree a")
    expect(disagreement).to_have_attribute("href", re.compile(rf"essential={essential}"))
    expect(attention.locator(".att-session")).to_contain_text(t["zone"])
    _shoot(page, "trainer-home", lang)

    # The trainer records the agreed score of the Essential the delegation disagreed on.
    disagreement.click()
    expect(page.locator(f'[id="w-{qid}"]')).to_be_visible()
    _shoot(page, "disagreement", lang)
    _agree(page, str(cohort_id), qid, "2")

    # Certificates: issued to the one who completed every module, listed with code and date.
    page.goto(cohort_url)
    panel = page.locator("#certificates")
    panel.locator('button[type="submit"]').click()
    expect(page.locator(".flash-success")).to_contain_text(t["issued"])
    panel = page.locator("#certificates")
    holder = panel.locator("table.certificate-holders tbody tr")
    expect(holder).to_have_count(1)
    expect(holder).to_contain_text(world["done"][1])
    expect(holder).to_contain_text(date.today().isoformat())
    code = holder.locator("code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{6,}", code), code
    _shoot(page, "certificates", lang)
    holder.locator(f'a[href="/certificates/{code}"]').click()
    expect(page).to_have_url(re.compile(rf"/certificates/{re.escape(code)}$"))
    expect(page.locator("main")).to_contain_text(world["done"][1])
    _shoot(page, "certificate-check", lang)
