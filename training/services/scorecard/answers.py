"""Answering a city's scorecard: an answer checked and saved with its history, a colleague's
save found first (before or at flush) told as a conflict, and the recent changes."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from training.extensions import db
from training.models import (
    AnswerChange,
    Assessment,
    AssessmentAnswer,
    ScorecardQuestion,
    User,
)
from training.models.base import utcnow
from training.services.scorecard.reading import MAX_SCORE, TEXT_LIMITS


class InvalidAnswer(ValueError):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(errors)


def clean_answer(values: dict[str, object]) -> dict[str, object]:
    """Check submitted values; raise InvalidAnswer naming each bad field."""
    errors: dict[str, str] = {}
    cleaned: dict[str, object] = {}
    score = values.get("score")
    if score in (None, ""):
        cleaned["score"] = None
    else:
        try:
            number = int(score)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = -1
        if not 0 <= number <= MAX_SCORE:
            errors["score"] = "score"
        cleaned["score"] = number
    for name, limit in TEXT_LIMITS.items():
        text = str(values.get(name) or "").strip()
        if len(text) > limit:
            errors[name] = f"max:{limit}"
        cleaned[name] = text
    if errors:
        raise InvalidAnswer(errors)
    return cleaned


def answer_matches(answer: AssessmentAnswer, values: dict[str, object]) -> bool:
    """True when `values` (as submitted) say what the stored answer already says."""
    try:
        cleaned = clean_answer(values)
    except InvalidAnswer:
        return False
    if answer.score != cleaned.pop("score"):
        return False
    return all((getattr(answer, name) or "") == value for name, value in cleaned.items())


class StaleAnswer(Exception):
    """The answer changed since the form was loaded: nothing was saved. `answer` is the current one."""

    def __init__(self, answer: AssessmentAnswer):
        self.answer = answer
        super().__init__(answer.question_id)


class AnswerLocked(Exception):
    """The city's answer was agreed in a workshop; only a trainer or the delegation lead changes it."""


class AssessmentClosed(Exception):
    """A closed assessment is a snapshot: it is read, never changed."""


def get_or_add_answer(assessment: Assessment, question: ScorecardQuestion) -> tuple[AssessmentAnswer, bool]:
    """The answer row, and whether this call created it."""
    query = select(AssessmentAnswer).where(
        AssessmentAnswer.assessment_id == assessment.id,
        AssessmentAnswer.question_id == question.id,
    )
    answer = db.session.scalar(query)
    if answer is not None:
        return answer, False
    answer = AssessmentAnswer(assessment_id=assessment.id, question_id=question.id)
    try:
        with db.session.begin_nested():
            db.session.add(answer)
    except IntegrityError:  # a colleague created it at the same moment: use theirs
        return db.session.scalar(query), False
    return answer, True


def apply_changes(user: User, answer: AssessmentAnswer, cleaned: dict[str, object]) -> dict:
    """Write changed fields and log who changed what (the version is bumped by the UPDATE).

    Nothing here reads the database between the first change and the flush (no autoflush: the
    user may be expired by an earlier commit of the request), so a colleague's UPDATE that won
    the race is met at the flush, inside `_write`, and answered as StaleAnswer."""
    user_id = user.id
    changes = {}
    with db.session.no_autoflush:
        for name, value in cleaned.items():
            old = getattr(answer, name)
            if old != value and not (old is None and value == ""):
                changes[name] = [old, value]
                setattr(answer, name, value)
    if changes:
        answer.updated_by_id = user_id
        answer.updated_at = utcnow()
        _write(answer, db.session.flush)
        db.session.add(AnswerChange(answer_id=answer.id, user_id=user_id, changes=changes))
    return changes


def _write(answer: AssessmentAnswer, step) -> None:
    """Flush or commit; if a colleague's UPDATE won the race, roll back and raise StaleAnswer
    with the answer as it now stands."""
    with stale_as_conflict(answer):
        step()


@contextmanager
def stale_as_conflict(answer: AssessmentAnswer):
    """A version conflict met at a flush — wherever it happens inside the block, an explicit
    flush, a commit or an autoflush — is the same conflict as one found before: the session is
    rolled back and StaleAnswer carries the answer as a colleague left it."""
    answer_id = answer.id
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        current = db.session.get(AssessmentAnswer, answer_id, populate_existing=True)
        raise StaleAnswer(current) from None


def commit_or_stale(answer: AssessmentAnswer) -> None:
    _write(answer, db.session.commit)


def save_answer(
    user: User,
    assessment: Assessment,
    question: ScorecardQuestion,
    values: dict[str, object],
    expected_version: int | None = None,
) -> AssessmentAnswer:
    """Save the city's working answer to one question and record who changed what.

    Raises InvalidAnswer on bad values, StaleAnswer when `expected_version` is given and a
    colleague changed the answer since (0 = the form saw no answer yet), AnswerLocked when the
    answer was agreed in a workshop, and AssessmentClosed for a snapshot."""
    if not assessment.is_open:
        raise AssessmentClosed()
    cleaned = clean_answer(values)
    answer, created = get_or_add_answer(assessment, question)
    if answer.agreed:
        current = {name: getattr(answer, name) for name in cleaned}
        if any(current[n] != v and not (current[n] is None and v == "") for n, v in cleaned.items()):
            db.session.rollback()
            raise AnswerLocked()
    if expected_version is not None and not created and answer.version != expected_version:
        db.session.rollback()
        raise StaleAnswer(answer)
    with stale_as_conflict(answer):
        apply_changes(user, answer, cleaned)
        db.session.commit()
    return answer


def list_changes(assessment: Assessment, limit: int = 50) -> list[tuple[AnswerChange, str, str]]:
    """Recent changes: (change, question id, who) — newest first."""
    rows = db.session.execute(_CHANGES, {"assessment_id": assessment.id, "limit": limit}).all()
    return [(change, qid, name or "—") for change, qid, name in rows]


_CHANGES = (
    select(AnswerChange, AssessmentAnswer.question_id, User.name)
    .join(AssessmentAnswer, AssessmentAnswer.id == AnswerChange.answer_id)
    .outerjoin(User, User.id == AnswerChange.user_id)
    .where(AssessmentAnswer.assessment_id == bindparam("assessment_id"))
    .order_by(AnswerChange.changed_at.desc(), AnswerChange.id.desc())
    .limit(bindparam("limit"))
)
