"""Quizzes that measure learning (issue 13), in a real browser, in English and in Chinese: a
trainee fails, sees what was wrong without the key, retakes with the options in a new order,
passes and sees the key; a trainer grants an extra attempt to a locked-out trainee."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.e2e.axe import axe_violations, require_axe
from tests.e2e.steps import (
    MODULE,
    PASSWORD,
    answer,
    correct_answers,
    displayed_options,
    log_in,
    log_out,
    quiz_questions,
    unique_email,
)

pytestmark = pytest.mark.e2e

TEXT = {
    "en": {"html": "en", "not_passed": "Not passed yet.", "review": "Review:", "passed": "Passed."},
    "zh": {"html": "zh-Hans", "not_passed": "未及格", "review": "请复习：", "passed": "已及格。"},
}


def _setup(app, lang: str):
    """A trainer's cohort with two trainees in `lang`; the second has used every attempt."""
    from sqlalchemy import select

    from training.extensions import db
    from training.models import City, Role
    from training.services import accounts, cohorts, learning, quizzes

    with app.app_context():
        city = db.session.scalar(select(City).order_by(City.id).limit(1))
        trainer = accounts.register_user(
            name="Trainer Tang", email=unique_email("tang"), password=PASSWORD, city=None, role=Role.TRAINER
        )
        module = learning.get_module(MODULE)
        factories.assign(trainer, city.name_en)  # trainers act in the cities an admin assigned
        cohort = cohorts.create_cohort(
            trainer,
            cohorts.CohortValues(
                name=f"Journey {lang}",
                city=city,
                starts_on=None,
                ends_on=None,
                module_ids=[module.id],
                trainer_ids=[trainer.id],
            ),
        )
        people = []
        for name in ("Trainee Tian", "Trainee Locked"):
            user = accounts.register_user(
                name=name, email=unique_email("t"), password=PASSWORD, city=city, locale=lang
            )
            cohorts.add_member(cohort, user)
            people.append(user)
        quiz = quizzes.get_quiz(module)
        locked = people[1]
        for _ in range(quiz.max_attempts):
            layout = quizzes.plan_attempt(locked, quiz, "final")
            wrong = {q.key: _wrong_value(q) for q in layout.questions}
            quizzes.submit_attempt(locked, quiz, "final", layout.questions, wrong, layout)
        db.session.expire_all()
        return trainer.email, people[0].email, locked.email, locked.id, cohort.id


def _wrong_value(q):
    if q.type == "true_false":
        return not q.body["answer"]
    wrong = next(o["id"] for o in q.body["options"] if not o["correct"])
    return wrong if q.type == "single" else [wrong]


def _displayed(page: Page) -> dict[str, list[str]]:
    """Question id -> option ids (or true/false) in the order the form shows them."""
    return {key: [oid for _value, oid in displayed_options(page, key)] for key in quiz_questions(page)}


def _answer_all(page: Page, answers: dict[str, list[str]]) -> None:
    for key, values in answers.items():
        answer(page, key, values)
    page.locator('form.quiz button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/quizzes/attempts/\d+$"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_fail_retake_pass_and_a_trainer_grants_an_attempt(page: Page, live_app, console, lang):
    require_axe()
    text = TEXT[lang]
    trainer_email, trainee_email, locked_email, locked_id, cohort_id = _setup(live_app, lang)
    right = correct_answers()

    page.goto("/auth/login")
    log_in(page, trainee_email)

    # The pre-test: "I don't know" everywhere is accepted; the result gives strengths, no key.
    page.goto(f"/quizzes/{MODULE}/pretest")
    dont_know = page.locator('form.quiz input[value="dont-know"]')
    for i in range(dont_know.count()):
        dont_know.nth(i).check()
    page.locator('form.quiz button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/quizzes/attempts/\d+$"))
    expect(page.locator(".result-summary .big-number")).to_have_text(re.compile(r"^0 / \d+"))
    expect(page.locator("table.strengths tbody tr").first).to_be_visible()
    expect(page.locator("[data-correct]")).to_have_count(0)
    expect(page.locator(".explanation")).to_have_count(0)
    assert axe_violations(page) == []

    # Attempt 1: every answer wrong. The page says what was wrong, names lessons, gives no key.
    page.goto(f"/quizzes/{MODULE}/final")
    expect(page.locator("html")).to_have_attribute("lang", text["html"])
    first = _displayed(page)
    wrong = {}
    for key, values in first.items():
        bad = [v for v in values if v not in right[key]]
        wrong[key] = [bad[0]]
    _answer_all(page, wrong)
    summary = page.locator(".result-summary")
    expect(summary).to_have_class(re.compile(r"\bfail\b"))
    expect(summary).to_contain_text(text["not_passed"])
    expect(page.locator("[data-correct]")).to_have_count(0)
    expect(page.locator(".explanation")).to_have_count(0)
    expect(page.locator(".review-lesson")).to_have_count(len(first))
    expect(page.locator(".review-lesson").first).to_contain_text(text["review"])
    expect(page.locator(f'.review-lesson a[href^="/learn/{MODULE}/"]').first).to_be_visible()
    assert axe_violations(page) == []

    # Attempt 2: the options come in a new order; all right this time, and the key is shown.
    page.locator(f'main .actions a[href="/quizzes/{MODULE}/final"]').click()
    second = _displayed(page)
    assert second.keys() == first.keys()
    assert any(second[k] != first[k] for k in first if first[k] != ["true", "false"])
    _answer_all(page, {key: right[key] for key in second})
    expect(page.locator(".result-summary")).to_contain_text(text["passed"])
    expect(page.locator("[data-correct]").first).to_be_visible()
    expect(page.locator(".explanation")).to_have_count(len(second))
    log_out(page)

    # The locked-out trainee is told what to do.
    page.goto("/auth/login")
    log_in(page, locked_email)
    page.goto(f"/quizzes/{MODULE}/final")
    expect(page).to_have_url(re.compile(rf"/quizzes/{MODULE}/out-of-attempts$"))
    expect(page.locator("[data-out-of-attempts]")).to_be_visible()
    assert axe_violations(page) == []
    log_out(page)

    # The trainer sees the flag in the matrix and grants one attempt, with a reason.
    page.goto("/auth/login")
    log_in(page, trainer_email)
    page.goto(f"/cohorts/{cohort_id}/")
    grant = page.locator(f'a.locked-out[href="/quizzes/{MODULE}/grant/{locked_id}"]')
    expect(grant).to_be_visible()
    grant.click()
    assert axe_violations(page) == []
    page.locator('textarea[name="reason"]').fill("Was called to a flood emergency during the workshop")
    page.locator('main form button[type="submit"]').click()
    expect(page.locator("table.grants")).to_contain_text("Was called to a flood emergency")
    expect(page.locator("table.grants")).to_contain_text("Trainer Tang")
    page.goto(f"/cohorts/{cohort_id}/")
    expect(page.locator("a.locked-out")).to_have_count(0)
    log_out(page)

    # The trainee can take the quiz again.
    page.goto("/auth/login")
    log_in(page, locked_email)
    page.goto(f"/quizzes/{MODULE}/final")
    expect(page).to_have_url(re.compile(rf"/quizzes/{MODULE}/final$"))
    expect(page.locator("form.quiz fieldset.question").first).to_be_visible()
