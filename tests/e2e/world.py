"""One populated world per test worker for the page-wide browser checks (accessibility, phones,
page weight, print): people of every role in both languages, a cohort with a session, a trainee
who completed the module and holds a certificate, a city scorecard with answers, actions and a
second assessment — so every page type has something real to show.

It is built once per worker directly in the app the browser talks to (`live_app`), through the
services, and memoised: the test modules that use it share it. Its city (Hangzhou) is used by no
journey, so the journeys' scorecard totals are not disturbed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.steps import MODULE, PASSWORD, correct_answers, lesson_titles

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CITY = "Hangzhou"
CASE_STUDY = "rotterdam-water-square"
LANGS = ("en", "zh")
HTML_LANG = {"en": "en", "zh": "zh-Hans"}


@dataclass
class World:
    city_id: int
    cohort_id: int
    session_id: int
    join_code: str
    trainee_ids: dict[str, int]
    certificate_code: str
    attempt_ids: dict[str, int]  # lang -> the trainee's passed final attempt
    emails: dict[str, dict[str, str]] = field(default_factory=dict)  # role -> lang -> email

    def email(self, role: str, lang: str) -> str:
        return self.emails[role][lang]

    # --- the page types, by who can see them ----------------------------------------------

    def anonymous_pages(self) -> dict[str, str]:
        return {
            "home": "/",
            "login": "/auth/login",
            "register": "/auth/register",
            "forgot": "/auth/forgot",
            "catalogue": "/learn/",
            "start here": "/learn/start",
            "module": f"/learn/{MODULE}/",
            "lesson": f"/learn/{MODULE}/{next(iter(lesson_titles('en')))}",
            "glossary": "/learn/glossary/",
            "case studies": "/case-studies/",
            "case study": f"/case-studies/{CASE_STUDY}",
            "certificate": f"/certificates/{self.certificate_code}",
            "404": "/no-such-page",
        }

    def trainee_pages(self, lang: str) -> dict[str, str]:
        city = f"/scorecard/city/{self.city_id}"
        return {
            "quiz": f"/quizzes/{MODULE}/final",
            "quiz result": f"/quizzes/attempts/{self.attempt_ids[lang]}",
            "my learning": "/learn/my",
            "profile": "/auth/profile",
            "scorecard overview": f"{city}/",
            "answer sheet": f"{city}/essential/3",
            "answer sheet (module)": f"{city}/module/{MODULE}",
            "results": f"{city}/results",
            "action plan": f"{city}/action-plan",
            "history": f"{city}/history",
            "compare": f"{city}/compare",
            "report": f"{city}/report",
            "join": "/cohorts/join",
            "403": f"/cohorts/{self.cohort_id}/",
        }

    def trainer_pages(self) -> dict[str, str]:
        cohort = f"/cohorts/{self.cohort_id}"
        return {
            "cohort list": "/cohorts/",
            "cohort new": "/cohorts/new",
            "cohort edit": f"{cohort}/edit",
            "matrix": f"{cohort}/",
            "evaluation": f"{cohort}/evaluation",
            "sessions": f"{cohort}/sessions",
            "session edit": f"{cohort}/sessions/{self.session_id}/edit",
            "trainee page": f"{cohort}/trainees/{self.trainee_ids['en']}",
            "workshop": f"/scorecard/cohort/{self.cohort_id}/",
        }

    def admin_pages(self) -> dict[str, str]:
        return {
            "admin users": "/admin/users",
            "admin cities": "/admin/cities",
            "admin city edit": f"/admin/cities/{self.city_id}/edit",
        }


_WORLDS: dict[int, World] = {}


def get_world(app) -> World:
    """The world of this worker's app, built on first use."""
    if id(app) not in _WORLDS:
        _WORLDS[id(app)] = _build(app)
    return _WORLDS[id(app)]


def _build(app) -> World:
    from sqlalchemy import select

    from training.extensions import db
    from training.models import City, Module, Quiz, QuizAttempt, Role
    from training.services import (
        accounts,
        certificates,
        cohorts,
        learning,
        quizzes,
        scorecard,
        trainer_cities,
        workshop,
    )
    from training.services.scorecard.history import start_new_assessment

    with app.app_context():
        city = db.session.scalar(select(City).where(City.name_en == CITY))
        module = db.session.scalar(select(Module).where(Module.slug == MODULE))
        quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))

        emails: dict[str, dict[str, str]] = {}
        users: dict[str, dict[str, object]] = {}
        names = {
            "trainee": ("Wu Jing", "吴静"),
            "trainer": ("Tang Lin", "唐琳"),
            "admin": ("Admin Gao", "高管"),
        }
        for role, (name_en, name_zh) in names.items():
            for lang, name in (("en", name_en), ("zh", name_zh)):
                email = f"world-{role}-{lang}@example.org"
                user = accounts.register_user(
                    name=name,
                    email=email,
                    password=PASSWORD,
                    city=city if role == "trainee" else None,
                    organisation="Hangzhou Water Bureau" if role == "trainee" else "",
                    locale=lang,
                    role=Role(role),
                )
                emails.setdefault(role, {})[lang] = email
                users.setdefault(role, {})[lang] = user

        trainers = list(users["trainer"].values())
        for trainer in trainers:  # trainers act only in the cities an admin assigned them to
            trainer_cities.assign_trainer_city(trainer, city, users["admin"]["en"])
        cohort = cohorts.create_cohort(
            trainers[0],
            cohorts.CohortValues(
                name="Hangzhou delegation",
                city=city,
                starts_on=date(2026, 3, 2),
                ends_on=date(2026, 6, 30),
                module_ids=[module.id],
                trainer_ids=[t.id for t in trainers],
            ),
        )
        trainees = users["trainee"]
        for trainee in trainees.values():
            cohorts.add_member(cohort, trainee)
        session = cohorts.add_session(cohort, "Scorecard workshop", date(2026, 4, 14), "Hangzhou")
        cohorts.record_attendance(session, {trainees["en"].id}, [t.id for t in trainees.values()])

        # Both trainees: pre-test (first option of each), every lesson, the final quiz passed.
        answers = correct_answers()
        attempt_ids = {}
        for lang, trainee in trainees.items():
            pre = quizzes.list_questions(quiz, QuizAttempt.PRETEST, trainee)
            first = {f"q-{q.key}": [_first_option(q)] for q in pre}
            quizzes.submit_attempt(
                trainee, quiz, QuizAttempt.PRETEST, pre, quizzes.parse_responses(pre, first)
            )
            for lesson in learning.list_lessons(module):
                learning.record_lesson_done(trainee, lesson)
            final = quizzes.list_questions(quiz, QuizAttempt.FINAL, trainee)
            form = {f"q-{q.key}": answers[q.key] for q in final}
            attempt = quizzes.submit_attempt(
                trainee, quiz, QuizAttempt.FINAL, final, quizzes.parse_responses(final, form)
            )
            assert attempt.passed, "the world's trainee should pass the quiz"
            attempt_ids[lang] = attempt.id
        certificate = certificates.issue_if_complete(trainees["en"], cohort)
        certificates.issue_if_complete(trainees["zh"], cohort)
        assert certificate is not None

        # The city's scorecard: a first assessment with answers and actions, then a second one
        # (history and compare need two), with delegates' ratings for the workshop view.
        assessment = scorecard.get_or_create_assessment(city)
        for number, qid in enumerate(["P1.1", "P1.2", "P3.1", "P3.2", "P5.1", "P5.2", "P8.1"]):
            scorecard.save_answer(
                trainees["en"],
                assessment,
                scorecard.get_question(qid),
                {
                    "score": str(number % 4),
                    "comments": "Reviewed with the water bureau.",
                    "evidence": "City flood plan 2025",
                    "actions": "Update the flood maps with the 2021 rainfall." if number % 2 else "",
                    "responsible": "Water bureau" if number % 2 else "",
                    "timescale": "2027" if number % 2 else "",
                },
            )
        assessment = start_new_assessment(trainers[0], city)
        scorecard.save_answer(trainees["zh"], assessment, scorecard.get_question("P1.1"), {"score": "3"})
        for score, trainee in zip(("1", "3"), trainees.values()):
            workshop.save_rating(trainee, assessment, scorecard.get_question("P1.2"), score, "")

        world = World(
            city_id=city.id,
            cohort_id=cohort.id,
            session_id=session.id,
            join_code=cohort.join_code,
            trainee_ids={lang: t.id for lang, t in trainees.items()},
            certificate_code=certificate.code,
            attempt_ids=attempt_ids,
            emails=emails,
        )
        db.session.remove()
    return world


def _first_option(question) -> str:
    if question.type == "true_false":
        return "true"
    return question.body["options"][0]["id"]


# --- in the browser ------------------------------------------------------------------------


def log_in_as(page: Page, email: str) -> None:
    """Log in through the form (a real session cookie) and land on the role's home: My learning,
    the trainer's home, the editor's review queue, the admin overview (training/web/homes.py)."""
    page.goto("/auth/login")
    form = page.locator("main form")
    form.locator('input[name="email"]').fill(email)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(
        re.compile(r"/(learn/my|cohorts/|admin/(users)?|case-studies/editor/\?status=review)$")
    )


def set_anonymous_language(page: Page, lang: str) -> None:
    """Anonymous visitors choose with the switcher in the header (stored in the session)."""
    page.goto("/")
    if page.locator("html").get_attribute("lang") != HTML_LANG[lang]:
        page.locator(f'header button[name="lang"][value="{lang}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
