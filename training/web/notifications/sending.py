"""Emails written in advance by a page (a password reset, a registration, an invitation: each
carries a link whose secret is kept nowhere else), sent through the same queue and job as
every notification (training/jobs.py)."""

from __future__ import annotations

from flask import after_this_request, current_app, has_request_context

from training.extensions import db
from training.services import notifications


def send_written_email(
    to: str,
    subject: str,
    text: str,
    kind: str = notifications.ACCOUNT,
    user_id: int | None = None,
    locale: str = "en",
    after_response: bool = False,
) -> None:
    """Record the email and queue its job. `after_response`: only once the response has gone
    out — a page whose answer must not tell whether an account exists (registration, password
    reset) then takes the same time whether or not it sends one. Without a mail server and
    without Redis (development) at once: the email is only written to the log."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def _record() -> None:
        notifications.queue_email(to, kind, subject, text, user_id=user_id, locale=locale)
        db.session.commit()
        notifications.send_pending()

    config = app.config
    deferred = after_response and (config.get("MAIL_SERVER") or config.get("REDIS_URL"))
    if not (deferred and has_request_context()):
        _record()
        return

    def _later() -> None:
        with app.app_context():
            try:
                _record()
            except Exception:  # noqa: BLE001 - the response is gone; the log is the only witness
                db.session.rollback()
                app.logger.exception("email not queued")

    @after_this_request
    def _after(response):
        response.call_on_close(_later)
        return response
