"""The jobs the queue runs (training/queue.py), by name: a worker imports them from here.

`deliver_emails([id, …])` sends a batch of emails of the outbound_email table, each by
`deliver_email(id)`: it claims the row (so a job run twice, or queued again after its worker
died, sends nothing twice), writes the message in
the recipient's language, hands it to the mail server, and records the outcome. An SMTP error
is raised again after being recorded, so that the queue retries it; after the last try the
email stays "failed" for the admin's retry button (/admin/).
"""

from __future__ import annotations

import smtplib

from flask import current_app

from training import queue
from training.extensions import db
from training.mail import deliver
from training.models import Notification
from training.services import email_delivery


def deliver_emails(email_ids: list[int]) -> int:
    """Send each of these emails (a batch: one job, one connection to the mail server). Every
    one is tried; when the mail server refused some, the last error is raised at the end, so
    that the queue retries the job — the ones sent meanwhile are not sent again (claimed).
    Returns how many this call sent."""
    sent, error = 0, None
    for email_id in email_ids:
        try:
            sent += deliver_email(email_id)
        except (OSError, smtplib.SMTPException) as exc:
            error = exc
    if error is not None:
        raise error
    return sent


def deliver_email(email_id: int) -> bool:
    """True when this call sent it."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context():  # a session of its own, removed at the end (a worker runs many jobs)
        email = email_delivery.claim_email(email_id, app.config["EMAIL_LEASE_SECONDS"])
        if email is None:
            return False  # sent already, cancelled (account deleted, unsubscribed) or being sent
        from training.web.notifications.emails import build_email

        notification = db.session.get(Notification, email.notification_id) if email.notification_id else None
        try:
            message = build_email(email, notification)
        except Exception as exc:  # a bug, not the mail server: retrying would not help
            email_delivery.record_failure(email, f"{type(exc).__name__}: {exc}", True, 0)
            raise
        try:
            deliver(app, message, keep_open=True)
        except (OSError, smtplib.SMTPException) as exc:
            final = queue.is_final_attempt()
            email_delivery.record_failure(
                email, f"{type(exc).__name__}: {exc}", final, app.config["EMAIL_REQUEUE_AFTER"]
            )
            app.logger.warning(
                "email %d not sent (%s)%s", email_id, type(exc).__name__, "" if not final else ": failed"
            )
            raise
        email_delivery.mark_sent(email)
        return True
