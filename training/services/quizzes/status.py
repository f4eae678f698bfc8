"""The trainee's standing on a quiz: attempts used and left, best score, pass, the pre-test,
extra attempts granted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, String, bindparam, cast, func, literal, null, select, union_all

from training.database import read_columns
from training.extensions import db
from training.models import (
    AttemptGrant,
    ContentRevision,
    Lesson,
    LessonCompletion,
    Module,
    Quiz,
    QuizAttempt,
    User,
)

GRANTED = "granted"  # not a kind of attempt: the row of get_status's query that sums the grants
DONE = "done"  # not a kind either: a row of get_status_and_done's query naming a lesson done
REVISION = "revision"  # nor this: the row of get_status_and_done's query with the case studies' revision


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
    return _status(quiz, db.session.execute(_STATUS, {"user_id": user.id, "quiz_id": quiz.id}).all())


def get_status_and_done(user: User, quiz, module_id: int) -> tuple[QuizStatus, set[int], int]:
    """`get_status`, the ids of the module's active lessons `user` has done, and the case
    studies' revision (`content_revision.case_studies`, under which the module page keeps its
    cards), in one query: the module page shows all three."""
    rows = read_columns(
        _STATUS_AND_DONE, {"user_id": user.id, "quiz_id": quiz.id, "module_id": module_id}
    ).all()
    done = {lesson_id for kind, lesson_id, _best, _passed in rows if kind == DONE}
    revision = next((number for kind, number, _best, _passed in rows if kind == REVISION), 0)
    return _status(quiz, [row for row in rows if row[0] not in (DONE, REVISION)]), done, revision


def _status(quiz, rows) -> QuizStatus:
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
_ATTEMPTS_BY_KIND = (
    select(
        QuizAttempt.kind,
        func.count(QuizAttempt.id),
        func.max(QuizAttempt.percent),
        func.max(QuizAttempt.passed.cast(db.Integer)),
    )
    .where(QuizAttempt.user_id == bindparam("user_id"), QuizAttempt.quiz_id == bindparam("quiz_id"))
    .group_by(QuizAttempt.kind)
)
_GRANTS = select(
    literal(GRANTED, String(10)),
    func.coalesce(func.sum(AttemptGrant.extra), 0),
    cast(null(), Integer),
    cast(null(), Integer),
).where(AttemptGrant.user_id == bindparam("user_id"), AttemptGrant.quiz_id == bindparam("quiz_id"))
_STATUS = union_all(_ATTEMPTS_BY_KIND, _GRANTS)
# The module page's: the same rows, a row of kind DONE for each of the module's lessons done, and
# one of kind REVISION with the case studies' revision.
_STATUS_AND_DONE = union_all(
    _ATTEMPTS_BY_KIND,
    _GRANTS,
    select(
        literal(DONE, String(10)), LessonCompletion.lesson_id, cast(null(), Integer), cast(null(), Integer)
    )
    .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
    .where(
        LessonCompletion.user_id == bindparam("user_id"),
        Lesson.module_id == bindparam("module_id"),
        Lesson.active,
    ),
    select(
        literal(REVISION, String(10)),
        ContentRevision.case_studies,
        cast(null(), Integer),
        cast(null(), Integer),
    ).where(ContentRevision.id == 1),
)
