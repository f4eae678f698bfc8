"""Scheduled reminders, recorded by `flask notifications send-due` (run it every few minutes
from cron or a systemd timer; README "Emails and the job queue").

- Session reminder: to each member of the cohort, once a session with a start time
  (`CohortSession.starts_at`, UTC) is less than 24 hours away. Sessions with only a date (made
  before times existed) get none.
- Inactive reminder: to a member of a running cohort who has made no progress (lesson done,
  quiz answered) for the cohort's `inactive_days` since joining or since their last progress;
  at most one a week per member and cohort; none once they hold the cohort's certificate.

Each reminder is recorded under a unique key before its email is queued (services/notifications
`notify_once`), so two runs at once, or a run after a crash, never send one twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import select

from training.extensions import db
from training.models import (
    Certificate,
    City,
    Cohort,
    CohortMember,
    CohortSession,
    LessonCompletion,
    Notification,
    QuizAttempt,
    User,
)
from training.models.base import utcnow
from training.services import email_delivery, notifications

REMIND_BEFORE = timedelta(hours=24)
INACTIVE_EVERY = timedelta(days=7)


@dataclass
class DueReport:
    session_reminders: int = 0
    inactive_reminders: int = 0
    requeued: int = 0
    queued_jobs: int = 0


def send_due(now: datetime | None = None) -> DueReport:
    """Record every reminder due at `now`, queue their emails, and queue again the emails whose
    job was lost. Idempotent."""
    now = now or utcnow()
    report = DueReport()
    report.session_reminders = record_session_reminders(now)
    report.inactive_reminders = record_inactive_reminders(now)
    report.requeued = email_delivery.requeue_stale(now)
    db.session.commit()
    report.queued_jobs = notifications.send_pending()
    return report


def record_session_reminders(now: datetime) -> int:
    rows = db.session.execute(
        select(CohortSession, Cohort.name, City.timezone, User)
        .join(Cohort, Cohort.id == CohortSession.cohort_id)
        .join(City, City.id == Cohort.city_id)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .join(User, User.id == CohortMember.user_id)
        .where(
            CohortSession.starts_at.is_not(None),
            CohortSession.starts_at > now,
            CohortSession.starts_at <= now + REMIND_BEFORE,
            User.active,
        )
        .order_by(CohortSession.id, User.id)
    ).all()
    items = []
    for session, cohort_name, timezone, user in rows:
        params = {
            "session_id": session.id,
            "cohort_id": session.cohort_id,
            "cohort": cohort_name,
            "title": session.title,
            "starts_at": session.starts_at.isoformat(),
            "ends_at": session.ends_at.isoformat() if session.ends_at else None,
            "place": session.place,
            "online_url": session.online_url,
            "timezone": timezone,
        }
        # The start time is in the key: a session moved to another day is reminded again.
        key = f"session:{session.id}:{user.id}:{session.starts_at:%Y%m%dT%H%M}"
        items.append((user, params, key))
    return notifications.notify_once(notifications.SESSION_REMINDER, items, now)


def record_inactive_reminders(now: datetime) -> int:
    today = now.date()
    last_lesson = (
        select(LessonCompletion.user_id, sa.func.max(LessonCompletion.completed_at).label("at"))
        .group_by(LessonCompletion.user_id)
        .subquery()
    )
    last_quiz = (
        select(QuizAttempt.user_id, sa.func.max(QuizAttempt.submitted_at).label("at"))
        .group_by(QuizAttempt.user_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Cohort, CohortMember.joined_at, User, last_lesson.c.at, last_quiz.c.at)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .join(User, User.id == CohortMember.user_id)
        .outerjoin(last_lesson, last_lesson.c.user_id == User.id)
        .outerjoin(last_quiz, last_quiz.c.user_id == User.id)
        .outerjoin(Certificate, sa.and_(Certificate.cohort_id == Cohort.id, Certificate.user_id == User.id))
        .where(
            Cohort.inactive_days > 0,
            sa.or_(Cohort.ends_on.is_(None), Cohort.ends_on >= today),
            sa.or_(Cohort.starts_on.is_(None), Cohort.starts_on <= today),
            Certificate.id.is_(None),
            User.active,
        )
    ).all()
    recent = _recently_reminded(now)
    week = int(now.timestamp() // INACTIVE_EVERY.total_seconds())
    items = []
    for cohort, joined_at, user, lesson_at, quiz_at in rows:
        last = max(moment for moment in (joined_at, lesson_at, quiz_at) if moment is not None)
        if now - last < timedelta(days=cohort.inactive_days) or (cohort.id, user.id) in recent:
            continue
        params = {"cohort_id": cohort.id, "cohort": cohort.name, "days": (now - last).days}
        items.append((user, params, f"inactive:{cohort.id}:{user.id}:{week}"))
    return notifications.notify_once(notifications.INACTIVE_REMINDER, items, now)


def _recently_reminded(now: datetime) -> set[tuple[int, int]]:
    """(cohort id, user id) of the inactive reminders of the last seven days."""
    keys = db.session.scalars(
        select(Notification.dedupe_key).where(
            Notification.kind == notifications.INACTIVE_REMINDER,
            Notification.created_at > now - INACTIVE_EVERY,
        )
    )
    found = set()
    for key in keys:
        _, cohort_id, user_id, _week = (key or "::::").split(":")
        if cohort_id.isdigit() and user_id.isdigit():
            found.add((int(cohort_id), int(user_id)))
    return found
