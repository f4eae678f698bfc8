"""Quizzes: which questions an attempt shows and in which order, grading, retakes, the pre-test,
what a result page may reveal, and extra attempts granted by a trainer (docs/quizzes.md).

An attempt's layout (the questions drawn and each question's options in displayed order) is
derived from a seed that depends on the trainee, the quiz, the kind, the attempt's number and the
content version, keyed with the app's secret: the page shown and the form submitted agree without
any state kept between them, a retake (next number) gets a new layout, and the layout is stored
with the attempt so its review, exports and item analysis show what the trainee saw.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import Integer, String, bindparam, cast, func, literal, null, select, union_all
from sqlalchemy.exc import IntegrityError

from training.content.question_types import get_question_type
from training.extensions import db
from training.models import AttemptGrant, Module, Question, Quiz, QuizAttempt, Role, User
from training.models.cohort import CohortMember, CohortTrainer

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
GRANTED = "granted"  # not a kind of attempt: the row of get_status's query that sums the grants


@dataclass
class QuizStatus:
    quiz: Quiz
    attempts_used: int
    best_percent: int | None
    passed: bool
    pretest_taken: bool
    granted: int = 0  # extra attempts granted by a trainer or an admin

    @property
    def max_attempts(self) -> int | None:
        """Attempts allowed in all, grants included; None when unlimited."""
        if not self.quiz.max_attempts:
            return None
        return self.quiz.max_attempts + self.granted

    @property
    def attempts_left(self) -> int | None:
        """None when retakes are unlimited."""
        if self.max_attempts is None:
            return None
        return max(self.max_attempts - self.attempts_used, 0)

    @property
    def locked_out(self) -> bool:
        """Out of attempts without having passed: only a grant lets the trainee go on."""
        return not self.passed and not self.can_attempt

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
    rows = db.session.execute(_STATUS, {"user_id": user.id, "quiz_id": quiz.id}).all()
    by_kind = {kind: (count, best, bool(passed)) for kind, count, best, passed in rows}
    used, best, passed = by_kind.get(QuizAttempt.FINAL, (0, None, False))
    granted = by_kind.get(GRANTED, (0, None, False))[0]
    return QuizStatus(
        quiz=quiz,
        attempts_used=used,
        best_percent=best,
        passed=passed,
        pretest_taken=QuizAttempt.PRETEST in by_kind,
        granted=int(granted or 0),
    )


# One query: attempts per kind, and the extra attempts granted as a row of kind GRANTED. Built
# once (every module page runs it): building it cost more than running it.
_STATUS = union_all(
    select(
        QuizAttempt.kind,
        func.count(QuizAttempt.id),
        func.max(QuizAttempt.percent),
        func.max(QuizAttempt.passed.cast(db.Integer)),
    )
    .where(QuizAttempt.user_id == bindparam("user_id"), QuizAttempt.quiz_id == bindparam("quiz_id"))
    .group_by(QuizAttempt.kind),
    select(
        literal(GRANTED, String(10)),
        func.coalesce(func.sum(AttemptGrant.extra), 0),
        cast(null(), Integer),
        cast(null(), Integer),
    ).where(AttemptGrant.user_id == bindparam("user_id"), AttemptGrant.quiz_id == bindparam("quiz_id")),
)


# --- the layout of an attempt: questions drawn, options in displayed order ------------------


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


@dataclass
class ReviewItem:
    key: str
    type: str
    body: dict[str, Any]
    response: Any
    correct: bool
    your_answer: str
    right_answer: str
    lesson: str = ""  # slug of the lesson that teaches it
    options: list[dict[str, Any]] = field(default_factory=list)  # displayed order, with letters
    dont_know: bool = False


def _lettered(body: dict[str, Any], order: list[str] | None, ids: list[str], locale: str) -> str:
    return "; ".join(
        f"{o['letter']}. {o['text'].get(locale) or o['text'].get('en', o['id'])}"
        for o in displayed_options(body, order)
        if o["id"] in ids
    )


def summarise_answer(attempt: QuizAttempt, key: str, locale: str) -> str:
    """The answer in words, with the letters the trainee saw ("B. …")."""
    snap = (attempt.snapshot or {}).get(key, {})
    body = snap.get("body", {})
    response = (attempt.answers or {}).get(key)
    qtype = get_question_type(snap.get("type", "single"))
    if response is None or not body.get("options"):
        return qtype.summarise(body, response, locale)
    ids = response if isinstance(response, list) else [response]
    return _lettered(body, attempt.option_order(key), ids, locale)


def review_attempt(attempt: QuizAttempt, locale: str, with_key: bool = True) -> list[ReviewItem]:
    """Each question as it was when taken, options in the order shown, with the answer given
    and whether it was right. `with_key=False` (see `reveals`) leaves out the right answers and
    the explanations altogether, so no page can show them by mistake."""
    items = []
    for key in attempt.question_keys:
        snap = attempt.snapshot.get(key, {})
        qtype = get_question_type(snap.get("type", "single"))
        body = snap.get("body", {})
        if not with_key:
            body = {
                "text": body.get("text", {}),
                "explanation": {},
                "options": [{**o, "correct": False} for o in body.get("options", [])],
            }
        response = attempt.answers.get(key)
        order = attempt.option_order(key)
        chosen = response if isinstance(response, list) else [response]
        right = ""
        if with_key:
            right = (
                _lettered(body, order, [o["id"] for o in body["options"] if o.get("correct")], locale)
                if body.get("options")
                else qtype.correct_summary(body, locale)
            )
        items.append(
            ReviewItem(
                key=key,
                type=qtype.name,
                body=body,
                response=response,
                correct=bool(attempt.results.get(key)),
                your_answer=summarise_answer(attempt, key, locale),
                right_answer=right,
                lesson=snap.get("lesson", ""),
                options=[{**o, "chosen": o["id"] in chosen} for o in displayed_options(body, order)],
                dont_know=response is None,
            )
        )
    return items


#: what a result page may reveal
REVEAL_KEY, REVEAL_WRONG, REVEAL_SCORE = "key", "wrong", "score"


def reveals(attempt: QuizAttempt, quiz: Quiz, status: QuizStatus) -> str:
    """REVEAL_KEY: right answers and explanations; REVEAL_WRONG: which questions were wrong and
    the lesson to review, no right answer; REVEAL_SCORE (pre-tests): the score and per-lesson
    strengths only. Per quiz (`reveal`): pass_or_last (default) shows the key once the trainee
    has passed or has no attempt left; always; never."""
    if attempt.kind != QuizAttempt.FINAL:
        return REVEAL_SCORE
    setting = quiz.reveal or "pass_or_last"
    if setting == "always":
        return REVEAL_KEY
    if setting == "never":
        return REVEAL_WRONG
    return REVEAL_KEY if status.passed or not status.can_attempt else REVEAL_WRONG


@dataclass
class LessonStrength:
    lesson: str
    right: int
    asked: int

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.asked) if self.asked else 0


def lesson_strengths(attempt: QuizAttempt) -> list[LessonStrength]:
    """Right / asked per lesson, in the order the questions were shown."""
    tally: dict[str, list[int]] = {}
    for key in attempt.question_keys:
        lesson = attempt.snapshot.get(key, {}).get("lesson", "")
        row = tally.setdefault(lesson, [0, 0])
        row[0] += bool(attempt.results.get(key))
        row[1] += 1
    return [LessonStrength(lesson, right, asked) for lesson, (right, asked) in tally.items()]


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


# --- extra attempts ----------------------------------------------------------------------


class GrantRefused(Exception):
    pass


def can_grant_attempts(actor: User, trainee: User) -> bool:
    """An admin, or a trainer of a cohort the trainee belongs to."""
    if not actor.is_authenticated:
        return False
    if actor.role == Role.ADMIN:
        return True
    if actor.role != Role.TRAINER:
        return False
    shared = (
        select(CohortTrainer.id)
        .join(CohortMember, CohortMember.cohort_id == CohortTrainer.cohort_id)
        .where(CohortTrainer.user_id == actor.id, CohortMember.user_id == trainee.id)
    )
    return db.session.scalar(shared.limit(1)) is not None


def grant_attempts(actor: User, trainee: User, quiz: Quiz, extra: int, reason: str) -> AttemptGrant:
    """Give `trainee` `extra` more final attempts, recorded with who and why."""
    reason = (reason or "").strip()
    if not can_grant_attempts(actor, trainee):
        raise PermissionError("not this trainee's trainer")
    if not reason:
        raise GrantRefused("a reason is required")
    if not 1 <= extra <= 10:
        raise GrantRefused("between 1 and 10 attempts")
    grant = AttemptGrant(
        user_id=trainee.id, quiz_id=quiz.id, extra=extra, reason=reason, granted_by_id=actor.id
    )
    db.session.add(grant)
    db.session.commit()
    return grant


def list_grants(trainee: User, quiz: Quiz) -> list[tuple[AttemptGrant, str]]:
    """The audit trail: each grant with the name of who granted it, oldest first."""
    rows = db.session.execute(
        select(AttemptGrant, User.name)
        .outerjoin(User, User.id == AttemptGrant.granted_by_id)
        .where(AttemptGrant.user_id == trainee.id, AttemptGrant.quiz_id == quiz.id)
        .order_by(AttemptGrant.granted_at, AttemptGrant.id)
    ).all()
    return [(grant, name or "") for grant, name in rows]


@dataclass
class RetakeOverlap:
    """The next attempt's questions whose correct answers this trainee has already been shown."""

    revealed: int  # how many of the next attempt's questions
    total: int  # questions in the next attempt


def retake_overlap(trainee: User, quiz: Quiz) -> RetakeOverlap | None:
    """For the grant form: None when the trainee has not been shown this quiz's key or when the
    pool can give the next attempt questions whose key they have not seen; otherwise how many
    of the questions the next attempt would draw had their key revealed to them."""
    revealed = revealed_keys(trainee, quiz)
    if not revealed:
        return None
    questions = plan_attempt(trainee, quiz, QuizAttempt.FINAL).questions
    overlap = sum(q.key in revealed for q in questions)
    return RetakeOverlap(revealed=overlap, total=len(questions)) if overlap else None
