"""Notifications: each event is recorded for the person (their list in the app) and, unless
they turned that kind off, an email is queued to them.

The email itself is written and sent by a job (training/jobs.py), on the queue of
training/queue.py. The rows are the truth: a job sends the email whose id it carries, once (it
claims the row first); an email whose job was lost or whose worker died is queued again by
`requeue_stale` (run by `flask notifications send-due`); the job's side of the rows is
training/services/email_delivery.py.

Callers add notifications inside their own transaction and call `send_pending()` after their
commit: the jobs must not run before the rows they name are visible.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training.extensions import db
from training.models import EmailOptOut, Notification, OutboundEmail, User
from training.models.base import utcnow

log = logging.getLogger(__name__)

INVITATION = "cohort_invitation"
REVIEW_REQUESTED = "review_requested"
SENT_BACK = "sent_back"
CERTIFICATE_ISSUED = "certificate_issued"
SESSION_REMINDER = "session_reminder"
INACTIVE_REMINDER = "inactive_reminder"
ACCOUNT = "account"  # password reset, registration: always sent, never in the list

# The kinds a person can turn off (profile page, unsubscribe link), in the order shown.
KINDS = (INVITATION, SESSION_REMINDER, INACTIVE_REMINDER, REVIEW_REQUESTED, SENT_BACK, CERTIFICATE_ISSUED)
EDITORIAL_KINDS = (REVIEW_REQUESTED, SENT_BACK)
JOB = "training.jobs.deliver_emails"
BATCH = 50
_PENDING = "pending_email_ids"
_UNSUBSCRIBE_SALT = "unsubscribe"


# --- preferences ---------------------------------------------------------------------------


def _address(address: str) -> str:
    return (address or "").strip().lower()


def wants_email(address: str, kind: str) -> bool:
    if kind not in KINDS:
        return True
    found = db.session.scalar(
        select(EmailOptOut.id).where(EmailOptOut.address == _address(address), EmailOptOut.kind == kind)
    )
    return found is None


def get_email_preferences(user: User) -> dict[str, bool]:
    off = set(db.session.scalars(select(EmailOptOut.kind).where(EmailOptOut.address == _address(user.email))))
    return {kind: kind not in off for kind in KINDS}


def offered_kinds(user: User) -> tuple[str, ...]:
    """The kinds a person can receive, so the profile offers only these: review requests and
    sent-back case studies go to editors and admins (who edit the library) only."""
    from training.services.case_studies.editing import EDITOR_ROLES

    if user.role in EDITOR_ROLES:
        return KINDS
    return tuple(kind for kind in KINDS if kind not in EDITORIAL_KINDS)


def set_email_preferences(user: User, wanted: set[str]) -> None:
    """Receive exactly the kinds in `wanted` of those offered to the person; a kind not offered
    (an editor's, for a trainee) keeps its choice, for the day the person becomes an editor."""
    address = _address(user.email)
    offered = offered_kinds(user)
    db.session.execute(
        sa.delete(EmailOptOut).where(EmailOptOut.address == address, EmailOptOut.kind.in_(offered))
    )
    for kind in offered:
        if kind not in wanted:
            db.session.add(EmailOptOut(address=address, kind=kind))
    db.session.commit()


def opt_out(address: str, kind: str) -> None:
    """Turn one kind off for an address (the unsubscribe link); twice is harmless."""
    if kind not in KINDS:
        raise ValueError(kind)
    address = _address(address)
    if wants_email(address, kind):
        try:
            with db.session.begin_nested():
                db.session.add(EmailOptOut(address=address, kind=kind))
        except IntegrityError:
            pass  # the other click of a double click
    db.session.execute(
        sa.delete(OutboundEmail).where(
            OutboundEmail.to_address == address,
            OutboundEmail.kind == kind,
            OutboundEmail.status == OutboundEmail.QUEUED,
        )
    )
    db.session.commit()


def make_unsubscribe_token(address: str, kind: str, secret: str) -> str:
    """A signed token naming an address and a kind; it does not expire (an old email's link
    must still work) and does nothing but turn that kind off."""
    return URLSafeSerializer(secret, salt=_UNSUBSCRIBE_SALT).dumps([_address(address), kind])


def read_unsubscribe_token(token: str, secret: str) -> tuple[str, str] | None:
    try:
        address, kind = URLSafeSerializer(secret, salt=_UNSUBSCRIBE_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if kind not in KINDS or not isinstance(address, str):
        return None
    return address, kind


# --- recording ------------------------------------------------------------------------------


def pending_ids() -> list[int]:
    return db.session.info.setdefault(_PENDING, [])


def notify(
    user: User, kind: str, params: dict[str, Any], dedupe_key: str | None = None, email: bool = True
) -> Notification | None:
    """Record the event for `user` and queue its email (when they want it). With `dedupe_key`,
    None when that key was recorded before: by an earlier run, or by another one right now.
    `email=False`: the list only (the caller sends an email written in advance)."""
    notification = Notification(user_id=user.id, kind=kind, params=params, dedupe_key=dedupe_key)
    if dedupe_key is None:
        db.session.add(notification)
        db.session.flush()
    else:
        try:
            with db.session.begin_nested():
                db.session.add(notification)
        except IntegrityError:
            return None
    if email and user.active and user.email and wants_email(user.email, kind):
        _add_email(
            OutboundEmail(
                user_id=user.id,
                notification_id=notification.id,
                kind=kind,
                to_address=user.email,
                locale=user.locale or "en",
            )
        )
    return notification


def notify_once(kind: str, items: list[tuple[User, dict[str, Any], str]], now: datetime | None = None) -> int:
    """Record many scheduled notifications at once, each under its `dedupe_key`, and queue
    the emails of the ones recorded now. One INSERT … ON CONFLICT DO NOTHING per batch: a key
    another run (at the same moment, or before) recorded is skipped, atomically. Returns how
    many were recorded now."""
    now = now or utcnow()
    users = {user.id: user for user, _params, _key in items}
    recorded: list[tuple[int, int]] = []  # (notification id, user id)
    insert = _insert_ignoring_duplicates()
    statement = (
        insert(Notification.__table__)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Notification.__table__.c.id, Notification.__table__.c.user_id)
    )
    rows = [
        {
            "user_id": user.id,
            "kind": kind,
            "params": params,
            "dedupe_key": key,
            "created_at": now,
            "read_at": None,
        }
        for user, params, key in items
    ]
    if rows:  # one statement, sent in batches ("insertmanyvalues"), compiled once
        recorded.extend((row.id, row.user_id) for row in db.session.connection().execute(statement, rows))
    if not recorded:
        return 0
    addresses = {_address(users[user_id].email) for _id, user_id in recorded}
    off = set()
    for chunk in _chunks(sorted(addresses), 500):
        off.update(
            db.session.scalars(
                select(EmailOptOut.address).where(EmailOptOut.kind == kind, EmailOptOut.address.in_(chunk))
            )
        )
    from flask import current_app

    lease = now + timedelta(seconds=current_app.config["EMAIL_REQUEUE_AFTER"])
    emails = []
    for notification_id, user_id in recorded:
        user = users[user_id]
        if user.active and user.email and _address(user.email) not in off:
            emails.append(
                {
                    "user_id": user_id,
                    "notification_id": notification_id,
                    "kind": kind,
                    "to_address": user.email,
                    "locale": user.locale or "en",
                    "lease_until": lease,
                    "created_at": now,
                }
            )
    if emails:
        ids = db.session.scalars(sa.insert(OutboundEmail).returning(OutboundEmail.id), emails).all()
        pending_ids().extend(ids)
    return len(recorded)


def _chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _insert_ignoring_duplicates():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def queue_email(
    to: str, kind: str, subject: str, text: str, user_id: int | None = None, locale: str = "en"
) -> OutboundEmail | None:
    """Queue an email written in advance (it carries a link whose secret is kept nowhere
    else). None when the address turned this kind off. Call `send_pending()` after commit."""
    if not wants_email(to, kind):
        return None
    email = OutboundEmail(
        user_id=user_id,
        kind=kind,
        to_address=_address(to),
        locale=locale,
        subject=subject[:300],
        body_text=text,
    )
    _add_email(email)
    return email


def _add_email(email: OutboundEmail) -> None:
    from flask import current_app

    email.lease_until = utcnow() + timedelta(seconds=current_app.config["EMAIL_REQUEUE_AFTER"])
    db.session.add(email)
    db.session.flush()
    pending_ids().append(email.id)


def send_pending() -> int:
    """Queue the jobs of the emails recorded in this session (call after the commit)."""
    from training import queue

    ids = db.session.info.pop(_PENDING, [])
    if ids:
        # No transaction left open: a job run here (no Redis) writes in a session of its own,
        # and on SQLite an open transaction would hold the write lock it needs.
        db.session.commit()
    # A job sends up to BATCH emails over one connection to the mail server: a queue's own
    # bookkeeping costs more than an email (make bench). Each email is still claimed alone.
    queue.enqueue_many(JOB, [(ids[start : start + BATCH],) for start in range(0, len(ids), BATCH)])
    return len(ids)


def discard_pending() -> None:
    db.session.info.pop(_PENDING, None)


# --- the person's list ----------------------------------------------------------------------


def list_notifications(user: User, limit: int = 100) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def count_unread(user: User) -> int:
    return db.session.scalar(
        select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def mark_all_read(user: User) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def get_notification(user: User, notification_id: int) -> Notification | None:
    """The user's own notification, else None (another person's is not found)."""
    found = db.session.get(Notification, notification_id)
    if found is None or found.user_id != user.id:
        return None
    return found


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()


# --- privacy --------------------------------------------------------------------------------


def export_history(user: User) -> dict[str, list[dict[str, Any]]]:
    """What the person was told and emailed (the export of training/services/privacy.py);
    email bodies are not kept after sending, and not exported."""
    notifications = [
        {
            "kind": n.kind,
            "details": n.params,
            "created_at": n.created_at.isoformat(),
            "read_at": n.read_at.isoformat() if n.read_at else None,
        }
        for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    ]
    emails = [
        {
            "kind": e.kind,
            "to": e.to_address,
            "status": e.status,
            "attempts": e.attempts,
            "created_at": e.created_at.isoformat(),
            "sent_at": e.sent_at.isoformat() if e.sent_at else None,
        }
        for e in db.session.scalars(
            select(OutboundEmail)
            .where(sa.or_(OutboundEmail.user_id == user.id, OutboundEmail.to_address == _address(user.email)))
            .order_by(OutboundEmail.id)
        )
    ]
    preferences = get_email_preferences(user)
    return {"notifications": notifications, "emails": emails, "email_preferences": preferences}


def forget_person(user: User) -> None:
    """Account deletion: the emails to them, queued or sent, are removed (a queued job then
    finds nothing to send), with their notifications and opt-outs (an address is personal
    data). In the caller's transaction."""
    address = _address(user.email)
    db.session.execute(
        sa.delete(OutboundEmail).where(
            sa.or_(OutboundEmail.user_id == user.id, OutboundEmail.to_address == address)
        )
    )
    db.session.execute(sa.delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(sa.delete(EmailOptOut).where(EmailOptOut.address == address))
