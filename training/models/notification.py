"""Notifications: what a person is told in the app, the emails on their way, and the kinds of
email each address has turned off (training/services/notifications.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.models.base import utcnow


class Notification(db.Model):
    """One event told to one person, shown in their notification list. `params` holds the ids
    and names the text and the link are built from, in the reader's language at reading time.
    `dedupe_key` records a scheduled reminder before anything is sent: unique, so two
    schedulers running at once cannot both record (and send) the same one."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_notification_user_id_read_at", "user_id", "read_at"),)


class OutboundEmail(db.Model):
    """An email on its way, and its fate. The job (training/jobs.py) sends it by id, so a job
    run twice, or re-queued after a worker died, sends it at most once more: it claims the row
    first (status "sending" with a lease), marks it "sent" after the SMTP server took it.

    Either `notification_id` (the text is written when it is sent, in the recipient's language)
    or a text written in advance (`subject`/`body_text`/`body_html`: emails that carry a secret
    link, such as a password reset, whose token is kept nowhere else). Bodies are erased once
    sent."""

    __tablename__ = "outbound_email"

    QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8), default="en")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    # Queued: after this moment `flask notifications send-due` queues it again (its job was
    # lost). Sending: the claim of the job sending it expires then (the worker died).
    lease_until: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_outbound_email_status_lease_until", "status", "lease_until"),)


class EmailOptOut(db.Model):
    """An address that turned off one kind of email (profile page, or the unsubscribe link of
    an email). By address: an invitation reaches people without an account too."""

    __tablename__ = "email_opt_out"
    __table_args__ = (UniqueConstraint("address", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
