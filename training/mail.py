"""Sending email. With MAIL_SERVER unset (development) the message is written to the log.

`send_mail_after_response` hands the message to the SMTP server once the response has gone out:
a page whose answer must not tell whether an account exists (registration, a password reset)
takes the same time whether or not it sends an email.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import Flask, after_this_request, current_app, has_request_context


def _message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def _deliver(app: Flask, message: EmailMessage) -> None:
    config = app.config
    if not config.get("MAIL_SERVER"):
        if config.get("ENV_NAME") == "production":
            # The message holds an address and a reset link: never in a production log.
            app.logger.warning("Email not sent: MAIL_SERVER is not set")
            return
        # Decoded, so a long link (a registration's confirmation) is whole and can be opened.
        app.logger.warning(
            "Email not sent (MAIL_SERVER unset). To: %s; Subject: %s\n%s",
            message["To"],
            message["Subject"],
            message.get_content(),
        )
        outbox = app.extensions.setdefault("outbox", [])
        if app.testing:
            outbox.append(message)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def send_mail(to: str, subject: str, body: str) -> None:
    _deliver(current_app._get_current_object(), _message(to, subject, body))  # type: ignore[attr-defined]


def send_mail_after_response(to: str, subject: str, body: str) -> None:
    """Send once the response is out (SMTP's round trips do not show in its timing). Without
    MAIL_SERVER, or outside a request, at once."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    message = _message(to, subject, body)
    if not app.config.get("MAIL_SERVER") or not has_request_context():
        _deliver(app, message)
        return

    def _send() -> None:
        with app.app_context():
            try:
                _deliver(app, message)
            except (OSError, smtplib.SMTPException):
                app.logger.exception("Email not sent: the mail server refused or did not answer")

    @after_this_request
    def _after(response):
        response.call_on_close(_send)
        return response
