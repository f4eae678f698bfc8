"""Taking a quiz: the posted answers read, graded and stored once; a trainee's attempts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training.content.question_types import get_question_type
from training.extensions import db
from training.models import Module, Question, Quiz, QuizAttempt, User
from training.services.quizzes.layout import Layout, displayed_options, plan_attempt
from training.services.quizzes.status import NoAttemptsLeft, PretestClosed, Unanswered, get_status


def parse_responses(
    questions: list[Question], form: dict[str, list[str]], layout: Layout | None = None
) -> dict[str, Any]:
    """Form values (name `q-<key>`) to responses by question key; unanswered ones are None.

    With the attempt's layout (what the web form always passes), an option is posted as the
    letter displayed next to it (A, B, C … in this attempt's order), never as its id: option ids
    do not change when a key is rebalanced, so an id in the page would give the key away. A
    value that is not a displayed letter counts as no answer. Without a layout (service-level
    callers and tests), the values are option ids."""
    responses = {}
    for q in questions:
        values = form.get(f"q-{q.key}", [])
        if layout is not None and q.body.get("options"):
            by_letter = {o["letter"]: o["id"] for o in displayed_options(q.body, layout.options.get(q.key))}
            values = [by_letter[v] for v in values if v in by_letter]
        responses[q.key] = get_question_type(q.type).parse_response(values, q.body)
    return responses


def submit_attempt(
    user: User,
    quiz: Quiz,
    kind: str,
    questions: list[Question],
    responses: dict[str, Any],
    layout: Layout | None = None,
) -> QuizAttempt | Unanswered:
    """Grade and store an attempt; or, when final-quiz questions are blank, say which and store
    nothing. In the pre-test a blank (or "I don't know") is stored as None: not correct."""
    missing = [q.key for q in questions if responses.get(q.key) is None]
    if missing and kind == QuizAttempt.FINAL:
        return Unanswered(missing=missing, responses=responses)
    status = get_status(user, quiz)
    if kind == QuizAttempt.PRETEST and not status.pretest_available:
        raise PretestClosed()
    if kind == QuizAttempt.FINAL and not status.can_attempt:
        raise NoAttemptsLeft()
    planned = layout or plan_attempt(user, quiz, kind, status)
    options = {
        q.key: planned.options.get(q.key) or [o["id"] for o in q.body.get("options", [])]
        for q in questions
        if q.body.get("options")
    }

    results = {
        q.key: responses.get(q.key) is not None and get_question_type(q.type).grade(q.body, responses[q.key])
        for q in questions
    }
    correct = sum(results.values())
    total = len(questions)
    percent = round(100 * correct / total) if total else 0
    number = (status.attempts_used if kind == QuizAttempt.FINAL else 0) + 1
    attempt = QuizAttempt(
        user_id=user.id,
        quiz_id=quiz.id,
        kind=kind,
        number=number,
        content_version=quiz.version,
        question_keys=[q.key for q in questions],
        answers={q.key: responses.get(q.key) for q in questions},
        results=results,
        snapshot={
            q.key: {"type": q.type, "essential": q.essential, "lesson": q.lesson_slug, "body": q.body}
            for q in questions
        },
        layout={"seed": planned.seed, "questions": [q.key for q in questions], "options": options},
        correct=correct,
        total=total,
        percent=percent,
        passed=kind == QuizAttempt.FINAL and percent >= quiz.pass_mark,
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:
        # The same attempt submitted twice (double click, two tabs): keep the first one.
        db.session.rollback()
        existing = db.session.scalar(
            select(QuizAttempt).where(
                QuizAttempt.user_id == user.id,
                QuizAttempt.quiz_id == quiz.id,
                QuizAttempt.kind == kind,
                QuizAttempt.number == number,
            )
        )
        if existing is None:
            raise
        return existing
    return attempt


def get_attempt(user: User, attempt_id: int) -> QuizAttempt | None:
    """An attempt, only if it belongs to this user (object-level permission)."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        return None
    return attempt


def list_attempts(user: User, quiz: Quiz) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id)
            .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
        )
    )


def passing_attempt(user: User, quiz: Quiz) -> QuizAttempt | None:
    """The trainee's best passing final attempt (the latest of equal scores)."""
    return db.session.scalar(
        select(QuizAttempt)
        .where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.kind == QuizAttempt.FINAL,
            QuizAttempt.passed,
        )
        .order_by(QuizAttempt.percent.desc(), QuizAttempt.number.desc())
        .limit(1)
    )


def get_attempt_module(attempt: QuizAttempt) -> tuple[Module, Quiz]:
    quiz = db.session.get(Quiz, attempt.quiz_id)
    module = db.session.get(Module, quiz.module_id)
    return module, quiz
