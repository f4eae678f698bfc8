"""Quizzes: which questions an attempt shows, grading, retakes and the pre-test."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from training.content.question_types import get_question_type
from training.extensions import db
from training.models import Module, Question, Quiz, QuizAttempt, User


@dataclass
class QuizStatus:
    quiz: Quiz
    attempts_used: int
    best_percent: int | None
    passed: bool
    pretest_taken: bool

    @property
    def attempts_left(self) -> int | None:
        """None when retakes are unlimited."""
        if not self.quiz.max_attempts:
            return None
        return max(self.quiz.max_attempts - self.attempts_used, 0)

    @property
    def can_attempt(self) -> bool:
        return self.attempts_left is None or self.attempts_left > 0

    @property
    def pretest_available(self) -> bool:
        """The pre-test is offered once, before any final attempt."""
        return self.quiz.pretest_questions > 0 and not self.pretest_taken and self.attempts_used == 0


@dataclass
class Unanswered:
    """A submission with questions left blank: which ones, and the answers already given."""

    missing: list[str]
    responses: dict[str, Any] = field(default_factory=dict)


class NoAttemptsLeft(Exception):
    pass


class PretestClosed(Exception):
    pass


def get_quiz(module: Module) -> Quiz | None:
    return db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))


def get_status(user: User, quiz: Quiz) -> QuizStatus:
    rows = db.session.execute(
        select(
            QuizAttempt.kind,
            func.count(QuizAttempt.id),
            func.max(QuizAttempt.percent),
            func.max(QuizAttempt.passed.cast(db.Integer)),
        )
        .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id)
        .group_by(QuizAttempt.kind)
    ).all()
    by_kind = {kind: (count, best, bool(passed)) for kind, count, best, passed in rows}
    used, best, passed = by_kind.get(QuizAttempt.FINAL, (0, None, False))
    return QuizStatus(
        quiz=quiz,
        attempts_used=used,
        best_percent=best,
        passed=passed,
        pretest_taken=QuizAttempt.PRETEST in by_kind,
    )


def list_questions(quiz: Quiz, kind: str, user: User) -> list[Question]:
    """The final quiz shows every active question; the pre-test draws a stable subset per user."""
    questions = list(
        db.session.scalars(
            select(Question).where(Question.quiz_id == quiz.id, Question.active).order_by(Question.position)
        )
    )
    if kind == QuizAttempt.PRETEST:
        count = min(quiz.pretest_questions, len(questions))
        # Seeded by user and quiz: the same draw on every page load, different across trainees.
        rng = random.Random(f"{user.id}:{quiz.id}:{quiz.version}")  # noqa: S311 - not security
        chosen = {q.id for q in rng.sample(questions, count)}
        questions = [q for q in questions if q.id in chosen]
    return questions


def parse_responses(questions: list[Question], form: dict[str, list[str]]) -> dict[str, Any]:
    """Form values (name `q-<key>`) to responses by question key; unanswered ones are None."""
    return {
        q.key: get_question_type(q.type).parse_response(form.get(f"q-{q.key}", []), q.body) for q in questions
    }


def submit_attempt(
    user: User, quiz: Quiz, kind: str, questions: list[Question], responses: dict[str, Any]
) -> QuizAttempt | Unanswered:
    """Grade and store an attempt; or, when questions are blank, say which and store nothing."""
    missing = [q.key for q in questions if responses.get(q.key) is None]
    if missing:
        return Unanswered(missing=missing, responses=responses)
    status = get_status(user, quiz)
    if kind == QuizAttempt.PRETEST and not status.pretest_available:
        raise PretestClosed()
    if kind == QuizAttempt.FINAL and not status.can_attempt:
        raise NoAttemptsLeft()

    results = {q.key: get_question_type(q.type).grade(q.body, responses[q.key]) for q in questions}
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
        answers={q.key: responses[q.key] for q in questions},
        results=results,
        snapshot={q.key: {"type": q.type, "essential": q.essential, "body": q.body} for q in questions},
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


@dataclass
class ReviewItem:
    key: str
    type: str
    body: dict[str, Any]
    response: Any
    correct: bool
    your_answer: str
    right_answer: str


def review_attempt(attempt: QuizAttempt, locale: str) -> list[ReviewItem]:
    """Each question as it was when taken, with the answer given and whether it was right."""
    items = []
    for key in attempt.question_keys:
        snap = attempt.snapshot.get(key, {})
        qtype = get_question_type(snap.get("type", "single"))
        body = snap.get("body", {})
        response = attempt.answers.get(key)
        items.append(
            ReviewItem(
                key=key,
                type=qtype.name,
                body=body,
                response=response,
                correct=bool(attempt.results.get(key)),
                your_answer=qtype.summarise(body, response, locale),
                right_answer=qtype.correct_summary(body, locale),
            )
        )
    return items


def list_attempts(user: User, quiz: Quiz) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id)
            .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
        )
    )


def get_attempt_module(attempt: QuizAttempt) -> tuple[Module, Quiz]:
    quiz = db.session.get(Quiz, attempt.quiz_id)
    module = db.session.get(Module, quiz.module_id)
    return module, quiz
