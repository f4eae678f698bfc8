"""Sending email. With MAIL_SERVER unset (development) the message is written to the log."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def send_mail(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not config.get("MAIL_SERVER"):
        if config.get("ENV_NAME") == "production":
            # The message holds an address and a reset link: never in a production log.
            current_app.logger.warning("Email not sent: MAIL_SERVER is not set")
            return
        current_app.logger.warning("Email not sent (MAIL_SERVER unset); it reads:\n%s", message)
        outbox = current_app.extensions.setdefault("outbox", [])
        if current_app.testing:
            outbox.append(message)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
