"""Sending email. With MAIL_SERVER unset (development) the message is written to the log.

`send_mail_after_response` hands the message to the SMTP server once the response has gone out:
a page whose answer must not tell whether an account exists (registration, a password reset)
takes the same time whether or not it sends an email.
"""

from __future__ import annotations

import smtplib
import threading
from email.message import EmailMessage

from flask import Flask, after_this_request, current_app, has_request_context


def _message(to: str, subject: str, body: str) -> EmailMessage:
    return build_message(to, subject, body)


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str = "",
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A message with a plain-text part, an optional HTML alternative, and attachments given
    as (file name, MIME type, bytes)."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, mimetype, data in attachments:
        maintype, _, subtype = mimetype.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    for name, value in (headers or {}).items():  # after the content, which resets Content-*
        message[name] = value
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
            message.get_body(("plain",)).get_content(),
        )
        outbox = app.extensions.setdefault("outbox", [])
        if app.testing:
            outbox.append(message)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        _start(smtp, config)
        smtp.send_message(message)


def _start(smtp: smtplib.SMTP, config) -> None:
    if config.get("MAIL_USE_TLS"):
        smtp.starttls()
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])


_kept = threading.local()


def deliver(app: Flask, message: EmailMessage, keep_open: bool = False) -> None:
    """Send (or, without MAIL_SERVER, log) one message. `keep_open`: a worker sending many
    emails keeps its connection to the mail server (per thread) instead of one per email."""
    config = app.config
    if not keep_open or not config.get("MAIL_SERVER"):
        _deliver(app, message)
        return
    smtp = getattr(_kept, "smtp", None)
    if smtp is not None:
        try:
            smtp.send_message(message)
            return
        except smtplib.SMTPServerDisconnected:
            _kept.smtp = None
        except smtplib.SMTPException:
            _close_kept()
            raise
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
    try:
        _start(smtp, config)
        smtp.send_message(message)
    except Exception:
        smtp.close()
        raise
    _kept.smtp = smtp


def _close_kept() -> None:
    smtp = getattr(_kept, "smtp", None)
    _kept.smtp = None
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


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
