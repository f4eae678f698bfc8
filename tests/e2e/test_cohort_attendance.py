"""In a browser, en and zh, at 375 and 1280 px, a cohort of 30 (found by the trainer and trainee
reviews): the trainer marks everyone present, unticks the absent, saves and reads "24 of 30
present"; names are listed by pinyin in Chinese; "Remove" asks first; the mean gain has its unit;
a trainee out of quiz attempts is sent to the lessons their last result named, not to all."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.axe import axe_violations, require_axe
from tests.e2e.steps import (
    PASSWORD,
    SIZES,
    click_log_out,
    log_in,
    shoot_at_both_sizes,
    switch_language,
    trainer_of_a_cohort,
    unique_email,
)

CITY = "Taiyuan"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"  # 30; by pinyin 陈 first, 朱 last
GIVEN = "伟芳娜敏静丽强磊军洋"


def _world(app) -> dict:
    from tests.services.test_learning import _right
    from tests.services.test_quizzes import _wrong
    from training.models import QuizAttempt
    from training.services import (
        accounts,
        city_access,
        cohort_sessions,
        cohorts,
        quizzes,
    )

    with app.app_context():
        city = city_access.get_city_by_name(CITY)
        admin, trainer, module, cohort = trainer_of_a_cohort(city, "Trainer Tian", "Taiyuan delegation")
        people = []
        for i, surname in enumerate(SURNAMES):
            user = accounts.register_user(
                name=surname + GIVEN[i % len(GIVEN)],
                email=unique_email(f"t{i}"),
                password=PASSWORD,
                city=city,
                locale="zh",
            )
            cohorts.add_member(cohort, user)
            people.append(user)
        held = cohort_sessions.add_session(
            cohort, cohort_sessions.SessionValues("Opening plenary", date.today() - timedelta(days=3))
        )
        cohort_sessions.add_session(
            cohort, cohort_sessions.SessionValues("Closing plenary", date.today() + timedelta(days=30))
        )
        quiz = quizzes.get_quiz(module)
        # One trainee: a pre-test with two right, then a perfect final (the mean gain).
        learner = people[1]
        drawn = quizzes.list_questions(quiz, QuizAttempt.PRETEST, learner)
        pre = {q.key: (_right(q) if i < 2 else _wrong(q)) for i, q in enumerate(drawn)}
        quizzes.submit_attempt(learner, quiz, QuizAttempt.PRETEST, drawn, pre)
        final = quizzes.list_questions(quiz, QuizAttempt.FINAL, learner)
        quizzes.submit_attempt(learner, quiz, QuizAttempt.FINAL, final, {q.key: _right(q) for q in final})
        # Another: out of attempts; the last one right on the questions of one lesson only.
        locked = people[2]
        for n in range(quiz.max_attempts):
            questions = quizzes.list_questions(quiz, QuizAttempt.FINAL, locked)
            kept = questions[0].lesson_slug
            answers = {
                q.key: (_right(q) if n == quiz.max_attempts - 1 and q.lesson_slug == kept else _wrong(q))
                for q in questions
            }
            last = quizzes.submit_attempt(locked, quiz, QuizAttempt.FINAL, questions, answers)
        missed = {last.snapshot[k]["lesson"] for k in last.question_keys if not last.results[k]}
        return {
            "cohort": cohort.id,
            "session": held.id,
            "trainer": trainer.email,
            "people": [(u.id, u.name) for u in people],
            "locked": locked.email,
            "kept": kept,
            "missed": missed,
        }


def _shoot(page: Page, name: str) -> None:
    shoot_at_both_sizes(page, f"h4-{name}")


def test_a_cohort_of_thirty_in_both_languages(page: Page, live_app, console):
    require_axe()
    world = _world(live_app)
    cohort, session = world["cohort"], world["session"]
    names = dict(world["people"])
    page.goto("/auth/login")
    log_in(page, world["trainer"])

    # Attendance at the held session, on a phone: everyone ticked, six unticked, saved.
    page.set_viewport_size(SIZES["phone"])
    page.goto(f"/cohorts/{cohort}/sessions")
    section = page.locator(f"#session-{session}")
    expect(section.locator("[data-attendance-count]")).to_contain_text("Attendance not recorded yet.")
    section.get_by_role("button", name="Mark all present").click()
    section = page.locator(f"#session-{session}")
    expect(section.locator('input[name="present"]:checked')).to_have_count(30)
    expect(section.locator(".notice")).to_contain_text("nothing is saved yet")
    assert axe_violations(page) == []
    absent = list(names)[-6:]
    for user_id in absent:
        section.locator(f'input[name="present"][value="{user_id}"]').uncheck()
    section.get_by_role("button", name="Save attendance").click()
    expect(page).to_have_url(re.compile(rf"/sessions#session-{session}$"))
    section = page.locator(f"#session-{session}")
    expect(section.locator("[data-attendance-count]")).to_have_text("24 of 30 present")
    expect(section.locator('input[name="present"]:checked')).to_have_count(24)
    _shoot(page, "attendance-en")
    switch_language(page, "zh")
    section = page.locator(f"#session-{session}")
    expect(section.locator("[data-attendance-count]")).to_have_text("出勤 24 / 30 人")
    labels = [t.strip() for t in section.locator("label.choice").all_inner_texts()]
    assert labels[0].startswith("陈") and labels[-1].startswith("朱"), labels  # chen … zhu
    _shoot(page, "attendance-zh")

    # The cohort page, in Chinese: names by pinyin; Remove asks first.
    page.goto(f"/cohorts/{cohort}/")
    rows = page.locator("table.matrix tbody th a").all_inner_texts()
    assert rows[0].startswith("陈") and rows[-1].startswith("朱"), rows
    member_id, name = world["people"][0]
    page.locator("ul.members li", has_text=name).get_by_role("button").click()
    expect(page.locator("h1")).to_have_text(f"将{name}移出培训班？")
    expect(page.locator("[data-confirm-removal]")).to_contain_text("可以重新将其加入培训班")
    _shoot(page, "remove-confirm-zh")
    assert axe_violations(page) == []
    switch_language(page, "en")
    expect(page.locator("h1")).to_have_text(f"Remove {name} from the cohort?")
    _shoot(page, "remove-confirm-en")
    page.get_by_role("button", name="Remove from the cohort").click()
    expect(page).to_have_url(re.compile(rf"/cohorts/{cohort}/#members$"))
    expect(page.locator(".flashes")).to_contain_text(f"{name} was removed from the cohort")
    expect(page.locator("ul.members")).not_to_contain_text(name)

    # The evaluation: the mean gain with its unit.
    page.goto(f"/cohorts/{cohort}/evaluation")
    gain = page.locator("#gain-modules").locator("xpath=ancestor::table").locator("tbody tr").first
    expect(gain).to_contain_text(re.compile(r"\+\d+ points"))
    _shoot(page, "evaluation-en")
    switch_language(page, "zh")
    expect(gain).to_contain_text(re.compile(r"\+\d+ 个百分点"))
    _shoot(page, "evaluation-zh")
    click_log_out(page)

    # The trainee out of attempts: only the lessons their last result named.
    page.goto("/auth/login")
    log_in(page, world["locked"])
    page.goto("/quizzes/climate-adaptation/out-of-attempts")
    listed = page.locator("[data-review-lessons] a")
    hrefs = {h.rsplit("/", 1)[1] for h in (a.get_attribute("href") for a in listed.all())}
    assert hrefs == world["missed"] and world["kept"] not in hrefs
    expect(page.locator("[data-out-of-attempts]")).to_contain_text("请复习以下课时")
    _shoot(page, "out-of-attempts-zh")
    assert axe_violations(page) == []
    switch_language(page, "en")
    expect(page.locator("[data-out-of-attempts]")).to_contain_text("your last attempt missed questions")
    _shoot(page, "out-of-attempts-en")
