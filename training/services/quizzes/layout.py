"""The layout of an attempt: the questions drawn (stratified, unseen and unrevealed first) and
each question's options in displayed order, derived from a keyed seed (see the package's doc)."""

from __future__ import annotations

import hashlib
import hmac
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from training.extensions import db
from training.models import AttemptGrant, Question, Quiz, QuizAttempt, User
from training.services.quizzes.status import QuizStatus, get_status

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class Layout:
    seed: str
    questions: list[Question]
    options: dict[str, list[str]]  # question key -> option ids in displayed order

    def as_json(self) -> dict[str, Any]:
        return {"seed": self.seed, "questions": [q.key for q in self.questions], "options": self.options}


def _seed(user: User, quiz: Quiz, kind: str, number: int) -> str:
    secret = str(current_app.config.get("SECRET_KEY") or "")
    message = f"{user.id}:{quiz.id}:{kind}:{number}:{quiz.version}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()[:32]


def _stratum(question: Question, stratify: str) -> str:
    return str(question.essential) if stratify == "essential" else question.lesson_slug


def _allocate(sizes: list[int], count: int, rng: random.Random) -> list[int]:
    """How many questions each stratum gives: one each, the rest in proportion to its size."""
    n = len(sizes)
    if count < n:  # fewer questions than strata (a short pre-test): a random subset of strata
        chosen = set(rng.sample(range(n), count))
        return [1 if i in chosen else 0 for i in range(n)]
    alloc = [1] * n
    total = sum(sizes)
    for _ in range(count - n):
        open_ = [i for i in range(n) if alloc[i] < sizes[i]]
        best = max(open_, key=lambda i: (sizes[i] * count / total - alloc[i], rng.random()))
        alloc[best] += 1
    return alloc


def draw_questions(
    pool: list[Question],
    count: int,
    stratify: str,
    seen: Counter,
    rng: random.Random,
    revealed: set[str] | frozenset[str] = frozenset(),
) -> list[Question]:
    """`count` questions stratified by lesson or Essential; within a stratum the questions whose
    key was not revealed to this trainee come first, then those they have seen least (parallel
    forms, a different retake), ties drawn at random. Returned in the pool's order."""
    if count >= len(pool):
        return list(pool)
    strata: dict[str, list[Question]] = {}
    for q in pool:
        strata.setdefault(_stratum(q, stratify), []).append(q)
    groups = list(strata.values())
    chosen: set[int] = set()
    for group, k in zip(groups, _allocate([len(g) for g in groups], count, rng)):
        ranked = sorted(group, key=lambda q: (q.key in revealed, seen[q.key], rng.random()))
        chosen.update(q.id for q in ranked[:k])
    return [q for q in pool if q.id in chosen]


def _seen_keys(user: User, quiz: Quiz) -> Counter:
    """How often this trainee was asked each question of the quiz (pre-test and final)."""
    seen: Counter = Counter()
    for keys in db.session.scalars(
        select(QuizAttempt.question_keys).where(
            QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id
        )
    ):
        seen.update(keys or [])
    return seen


def revealed_keys(user: User, quiz: Quiz) -> set[str]:
    """The questions whose correct answers a result page has shown this trainee (see `reveals`):
    with `always`, every question of a final attempt; with `pass_or_last`, every question of the
    final attempts taken up to a moment when the trainee had passed or had no attempt left. A
    grant given afterwards hides the key again, but what was shown stays seen."""
    setting = quiz.reveal or "pass_or_last"
    if setting == "never":
        return set()
    attempts = list(
        db.session.scalars(
            select(QuizAttempt)
            .where(
                QuizAttempt.user_id == user.id,
                QuizAttempt.quiz_id == quiz.id,
                QuizAttempt.kind == QuizAttempt.FINAL,
            )
            .order_by(QuizAttempt.number)
        )
    )
    if setting == "always" or not attempts:
        return {key for a in attempts for key in a.question_keys or []}
    grants = db.session.execute(
        select(AttemptGrant.granted_at, AttemptGrant.extra).where(
            AttemptGrant.user_id == user.id, AttemptGrant.quiz_id == quiz.id
        )
    ).all()
    shown_up_to = 0  # the key of attempts 1..shown_up_to was shown
    for i, attempt in enumerate(attempts, start=1):
        granted = sum(extra for at, extra in grants if at <= attempt.submitted_at)
        out = bool(quiz.max_attempts) and i >= quiz.max_attempts + granted
        if attempt.passed or out:
            shown_up_to = i
    return {key for a in attempts[:shown_up_to] for key in a.question_keys or []}


def plan_attempt(user: User, quiz: Quiz, kind: str, status: QuizStatus | None = None) -> Layout:
    """The layout of this trainee's next attempt of this kind: the same on every page load and
    on submission, different for the next attempt."""
    status = status or get_status(user, quiz)
    number = status.attempts_used + 1 if kind == QuizAttempt.FINAL else 1
    seed = _seed(user, quiz, kind, number)
    rng = random.Random(seed)  # noqa: S311 - an order, not a secret
    pool = list(
        db.session.scalars(
            select(Question).where(Question.quiz_id == quiz.id, Question.active).order_by(Question.position)
        )
    )
    if kind == QuizAttempt.PRETEST:
        count = min(quiz.pretest_questions, len(pool))
    else:
        count = min(quiz.draw or len(pool), len(pool))
    revealed = revealed_keys(user, quiz) if kind == QuizAttempt.FINAL else set()
    questions = draw_questions(pool, count, quiz.stratify or "lesson", _seen_keys(user, quiz), rng, revealed)
    options = {}
    for q in questions:
        ids = [o["id"] for o in q.body.get("options", [])]
        if ids and q.body.get("shuffle", True):
            rng.shuffle(ids)
        if ids:
            options[q.key] = ids
    return Layout(seed=seed, questions=questions, options=options)


def list_questions(quiz: Quiz, kind: str, user: User) -> list[Question]:
    """The questions of this trainee's next attempt, in the order shown."""
    return plan_attempt(user, quiz, kind).questions


def displayed_options(body: dict[str, Any], order: list[str] | None) -> list[dict[str, Any]]:
    """The options of a question body in the displayed order, each with its letter; options
    missing from `order` (none for attempts taken before shuffling) keep the file order."""
    options = list(body.get("options", []))
    if order:
        rank = {oid: i for i, oid in enumerate(order)}
        options.sort(key=lambda o: rank.get(o["id"], len(rank)))
    return [{**o, "letter": LETTERS[i % len(LETTERS)]} for i, o in enumerate(options)]


def letter_of(attempt: QuizAttempt, key: str, option_id: str) -> str:
    """The letter the trainee saw next to this option."""
    body = (attempt.snapshot or {}).get(key, {}).get("body", {})
    for option in displayed_options(body, attempt.option_order(key)):
        if option["id"] == option_id:
            return option["letter"]
    return ""
