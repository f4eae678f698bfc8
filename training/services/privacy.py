"""Personal data (China's PIPL, the EU's GDPR): a person's copy of their data, and deleting an account.

Export
    Everything the platform holds about a person, as plain JSON-ready data: the profile, cohort
    memberships (and cohorts they train), lessons completed, quiz attempts with the answers given,
    certificates, attendance, the scorecard answers they changed (with old and new values), the
    notifications and emails they were sent with their email preferences, and —
    found through the schema, so a table added later is never forgotten — every other row that
    refers to them (scorecard ratings, answers they last updated or agreed, cohorts they created…).

Deletion
    The account is anonymised, not deleted: the user row stays, so quiz attempts, lesson
    completions, cohort memberships and scorecard ratings keep their foreign keys and still count
    in cohort and city statistics, but nothing in it names the person any more — the name becomes
    "Deleted user", the email a unique placeholder at `deleted.invalid`, the password unusable,
    the organisation and city empty, the account inactive (every session of it ends). Rows that
    only make sense for a living account are removed: certificates (they carry the name), trainer
    roles in cohorts, notifications and the emails to them (queued ones are never sent).
    Scorecard answers and comments are the city's record and stay, attributed to "Deleted user".
    The log records the user id only.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select

from training.extensions import db
from training.models import (
    AnswerChange,
    AssessmentAnswer,
    Attendance,
    Certificate,
    City,
    Cohort,
    CohortMember,
    CohortSession,
    CohortTrainer,
    Lesson,
    LessonCompletion,
    Module,
    Quiz,
    QuizAttempt,
    Role,
    User,
)
from training.models.base import utcnow
from training.services import city_access, notifications

log = logging.getLogger(__name__)

EXPORT_FORMAT = "resilient-cities-academy/personal-data/1"
DELETED_NAME = "Deleted user"
DELETED_DOMAIN = "deleted.invalid"
# Tables the export lists in their own section (by table name and user column).
_CURATED = {
    ("user", "id"),
    ("cohort_member", "user_id"),
    ("cohort_trainer", "user_id"),
    ("lesson_completion", "user_id"),
    ("quiz_attempt", "user_id"),
    ("certificate", "user_id"),
    ("attendance", "user_id"),
    ("answer_change", "user_id"),
    ("notification", "user_id"),
    ("outbound_email", "user_id"),
}


class LastAdmin(Exception):
    """The only active administrator cannot delete their account: nobody could manage users."""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return None
    return value


def _city(city: City | None) -> dict[str, str] | None:
    return {"en": city.name_en, "zh": city.name_zh} if city is not None else None


def _profile(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "city": _city(user.city),
        "organisation": user.organisation,
        "preferred_language": user.locale,
        "active": user.active,
        "registered_at": _plain(user.created_at),
    }


def _memberships(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Cohort, CohortMember.joined_at)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user.id)
        .order_by(CohortMember.joined_at)
    ).all()
    return [
        {"cohort_id": c.id, "cohort": c.name, "city": _city(c.city), "joined_at": _plain(joined)}
        for c, joined in rows
    ]


def _trainer_of(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Cohort)
        .join(CohortTrainer, CohortTrainer.cohort_id == Cohort.id)
        .where(CohortTrainer.user_id == user.id)
        .order_by(Cohort.id)
    )
    return [{"cohort_id": c.id, "cohort": c.name, "city": _city(c.city)} for c in rows]


def _lessons(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(LessonCompletion.completed_at, Lesson.slug, Lesson.title_en, Lesson.title_zh, Module.slug)
        .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(LessonCompletion.user_id == user.id)
        .order_by(LessonCompletion.completed_at, LessonCompletion.id)
    ).all()
    return [
        {"module": module, "lesson": slug, "title": {"en": en, "zh": zh}, "completed_at": _plain(at)}
        for at, slug, en, zh, module in rows
    ]


def _attempts(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(QuizAttempt, Module.slug)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(Module, Module.id == Quiz.module_id)
        .where(QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
    ).all()
    attempts = []
    for attempt, module in rows:
        questions = []
        for key in attempt.question_keys:
            body = (attempt.snapshot.get(key) or {}).get("body") or {}
            questions.append(
                {
                    "id": key,
                    "question": body.get("text"),
                    "your_answer": attempt.answers.get(key),
                    "correct": attempt.results.get(key),
                }
            )
        attempts.append(
            {
                "module": module,
                "kind": attempt.kind,
                "number": attempt.number,
                "content_version": attempt.content_version,
                "submitted_at": _plain(attempt.submitted_at),
                "correct": attempt.correct,
                "total": attempt.total,
                "percent": attempt.percent,
                "passed": attempt.passed,
                "questions": questions,
            }
        )
    return attempts


def _certificates(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at)
    )
    return [
        {
            "code": c.code,
            "cohort_id": c.cohort_id,
            "issued_at": _plain(c.issued_at),
            "says": c.snapshot,
        }
        for c in rows
    ]


def _attendance(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(CohortSession, Attendance.present)
        .join(Attendance, Attendance.session_id == CohortSession.id)
        .where(Attendance.user_id == user.id)
        .order_by(CohortSession.held_on)
    ).all()
    return [
        {
            "cohort_id": s.cohort_id,
            "session": s.title,
            "held_on": _plain(s.held_on),
            "place": s.place,
            "present": present,
        }
        for s, present in rows
    ]


def _scorecard_changes(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(AnswerChange, AssessmentAnswer.question_id, AssessmentAnswer.assessment_id)
        .join(AssessmentAnswer, AssessmentAnswer.id == AnswerChange.answer_id)
        .where(AnswerChange.user_id == user.id)
        .order_by(AnswerChange.changed_at, AnswerChange.id)
    ).all()
    return [
        {
            "assessment_id": assessment_id,
            "question": question_id,
            "changed_at": _plain(change.changed_at),
            "changes": {name: [_plain(old), _plain(new)] for name, (old, new) in change.changes.items()},
        }
        for change, question_id, assessment_id in rows
    ]


def _user_columns() -> list[tuple[sa.Table, sa.Column]]:
    """Every (table, column) of the schema that refers to a user, found from the foreign keys."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "user" for fk in column.foreign_keys):
                found.append((table, column))
    return found


def _other_records(user: User) -> dict[str, list[dict[str, Any]]]:
    """Rows of every other table that refer to the user, all columns, keyed "table.column"."""
    records: dict[str, list[dict[str, Any]]] = {}
    for table, column in _user_columns():
        if (table.name, column.name) in _CURATED:
            continue
        pk = list(table.primary_key.columns)
        rows = db.session.execute(select(table).where(column == user.id).order_by(*pk)).mappings().all()
        if rows:
            records[f"{table.name}.{column.name}"] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return records


def export_user_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about `user`, ready for json.dumps."""
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _plain(utcnow()),
        "profile": _profile(user),
        "cohort_memberships": _memberships(user),
        "trainer_of_cohorts": _trainer_of(user),
        "lessons_completed": _lessons(user),
        "quiz_attempts": _attempts(user),
        "certificates": _certificates(user),
        "attendance": _attendance(user),
        "scorecard_changes": _scorecard_changes(user),
        "notification_history": notifications.export_history(user),
        "other_records": _other_records(user),
    }


# --- deletion ------------------------------------------------------------------------------


def is_deleted(user: User) -> bool:
    return user.email.endswith("@" + DELETED_DOMAIN)


def can_delete_account(user: User) -> bool:
    """Anyone may delete their own account, except the last active administrator."""
    if user.role != Role.ADMIN:
        return True
    others = db.session.scalar(
        select(sa.func.count(User.id)).where(User.role == Role.ADMIN.value, User.active, User.id != user.id)
    )
    return bool(others)


def delete_account(user: User) -> None:
    """Anonymise the account (see the module's docstring). Raises LastAdmin for the last admin."""
    if not can_delete_account(user):
        raise LastAdmin()
    user_id = user.id
    notifications.forget_person(user)  # before the address changes
    db.session.execute(sa.delete(Certificate).where(Certificate.user_id == user_id))
    db.session.execute(sa.delete(CohortTrainer).where(CohortTrainer.user_id == user_id))
    city_access.end_all_access(user)
    user.name = DELETED_NAME
    user.email = f"deleted-{user_id}-{secrets.token_hex(6)}@{DELETED_DOMAIN}"
    # Not a hash of anything: no password can ever match it.
    user.password_hash = "!deleted:" + secrets.token_hex(16)
    user.session_version = (user.session_version or 0) + 1  # every session of the account ends
    user.organisation = ""
    user.city = None
    user.role = Role.TRAINEE.value
    user.active = False
    db.session.commit()
    log.info("account %d deleted at its owner's request (anonymised)", user_id)
