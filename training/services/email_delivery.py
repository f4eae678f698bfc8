"""The job's side of queued emails (training/jobs.py): claim a row before sending it, mark it
sent or failed, queue again the emails whose job was lost or whose worker died, retry the failed
ones, and count them for the admins. Recording them is training/services/notifications.py."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy import select

from training.extensions import db
from training.models import OutboundEmail
from training.models.base import utcnow
from training.services.notifications import pending_ids

log = logging.getLogger(__name__)


def claim_email(email_id: int, lease_seconds: int, now: datetime | None = None) -> sa.Row | None:
    """Take the email for sending: its columns (a read-only row), or None when it is sent,
    cancelled, failed, or being sent by another job whose claim has not expired. One UPDATE
    decides, so two jobs for one email cannot both win; it returns the row (one round trip).

    Core statements, built once (a worker runs them for every email): the ORM's UPDATE …
    RETURNING and unit of work cost a worker more CPU than the rest of an email's database work."""
    now = now or utcnow()
    claimed = db.session.execute(
        _statements().claim,
        {"email_id": email_id, "now": now, "lease_until": now + timedelta(seconds=lease_seconds)},
    ).one_or_none()
    db.session.commit()
    return claimed


def mark_sent(email: sa.Row) -> None:
    db.session.execute(
        _statements().update,
        # the secret links of account emails go with the text
        {"email_id": email.id, "status": OutboundEmail.SENT, "sent_at": utcnow(), "last_error": "",
         "body_text": "", "body_html": ""},
    )  # fmt: skip
    db.session.commit()


def record_failure(email: sa.Row, error: str, final: bool, requeue_after: int) -> None:
    """A try failed: queued again for the next retry, or failed for good (the admin's retry)."""
    db.session.execute(
        _statements().update,
        {"email_id": email.id, "last_error": error[:500],
         "status": OutboundEmail.FAILED if final else OutboundEmail.QUEUED,
         "lease_until": utcnow() + timedelta(seconds=requeue_after)},
    )  # fmt: skip
    db.session.commit()


class _Statements(NamedTuple):
    claim: sa.Update
    update: sa.Update


@lru_cache(maxsize=1)
def _statements() -> _Statements:
    table = OutboundEmail.__table__
    c = table.c
    claim = (
        sa.update(table)
        .where(
            c.id == sa.bindparam("email_id"),
            sa.or_(
                c.status == OutboundEmail.QUEUED,
                sa.and_(c.status == OutboundEmail.SENDING, c.lease_until < sa.bindparam("now")),
            ),
        )
        .values(
            status=OutboundEmail.SENDING, lease_until=sa.bindparam("lease_until"), attempts=c.attempts + 1
        )
        .returning(*table.c)  # SQLite >= 3.35, PostgreSQL
    )
    # SET: the columns named in each call's parameters (Core takes them from there).
    update = sa.update(table).where(c.id == sa.bindparam("email_id"))
    return _Statements(claim, update)


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
