"""The job's side of queued emails (training/jobs.py): claim a row before sending it, mark it
sent or failed, queue again the emails whose job was lost or whose worker died, retry the failed
ones, and count them for the admins. Recording them is training/services/notifications.py."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import select

from training.extensions import db
from training.models import OutboundEmail
from training.models.base import utcnow
from training.services.notifications import pending_ids

log = logging.getLogger(__name__)


def claim_email(email_id: int, lease_seconds: int, now: datetime | None = None) -> OutboundEmail | None:
    """Take the email for sending: None when it is sent, cancelled, failed, or being sent by
    another job whose claim has not expired. One UPDATE decides, so two jobs for one email
    cannot both win."""
    now = now or utcnow()
    claimed = db.session.execute(
        sa.update(OutboundEmail)
        .where(
            OutboundEmail.id == email_id,
            sa.or_(
                OutboundEmail.status == OutboundEmail.QUEUED,
                sa.and_(OutboundEmail.status == OutboundEmail.SENDING, OutboundEmail.lease_until < now),
            ),
        )
        .values(
            status=OutboundEmail.SENDING,
            lease_until=now + timedelta(seconds=lease_seconds),
            attempts=OutboundEmail.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    return db.session.get(OutboundEmail, email_id, populate_existing=True)


def mark_sent(email: OutboundEmail) -> None:
    email.status, email.sent_at, email.last_error = OutboundEmail.SENT, utcnow(), ""
    email.body_text = email.body_html = ""  # the secret links of account emails go with them
    db.session.commit()


def record_failure(email: OutboundEmail, error: str, final: bool, requeue_after: int) -> None:
    """A try failed: queued again for the next retry, or failed for good (the admin's retry)."""
    email.last_error = error[:500]
    email.status = OutboundEmail.FAILED if final else OutboundEmail.QUEUED
    email.lease_until = utcnow() + timedelta(seconds=requeue_after)
    db.session.commit()


def requeue_stale(now: datetime | None = None) -> int:
    """Queue again the emails whose job was lost (queued past their time) or whose worker died
    while sending (claim expired). A job sends nothing twice: the claim decides."""
    now = now or utcnow()
    ids = list(
        db.session.scalars(
            select(OutboundEmail.id).where(
                OutboundEmail.status.in_((OutboundEmail.QUEUED, OutboundEmail.SENDING)),
                OutboundEmail.lease_until < now,
            )
        )
    )
    if ids:
        log.warning("%d email(s) queued again (their job was lost or their worker died)", len(ids))
        pending_ids().extend(ids)
    return len(ids)


def retry_failed(requeue_after: int) -> int:
    """The admin's retry: every failed email is queued again, with its retries."""
    ids = list(
        db.session.scalars(select(OutboundEmail.id).where(OutboundEmail.status == OutboundEmail.FAILED))
    )
    if ids:
        db.session.execute(
            sa.update(OutboundEmail)
            .where(OutboundEmail.id.in_(ids))
            .values(status=OutboundEmail.QUEUED, lease_until=utcnow() + timedelta(seconds=requeue_after))
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        pending_ids().extend(ids)
    return len(ids)


def email_counts() -> dict[str, int]:
    rows = db.session.execute(select(OutboundEmail.status, sa.func.count()).group_by(OutboundEmail.status))
    counts = {
        OutboundEmail.QUEUED: 0,
        OutboundEmail.SENDING: 0,
        OutboundEmail.SENT: 0,
        OutboundEmail.FAILED: 0,
    }
    for status, count in rows:
        counts[status] = count
    return counts
