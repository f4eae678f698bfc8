"""Sending email. With MAIL_SERVER unset (development) the message is written to the log.

`send_mail_after_response` hands the message to the SMTP server once the response has gone out:
a page whose answer must not tell whether an account exists (registration, a password reset)
takes the same time whether or not it sends an email.
"""

from __future__ import annotations

import smtplib
import threading
from email import message_from_bytes
from email.encoders import encode_base64
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from email.policy import default as default_policy
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from flask import Flask, after_this_request, current_app, has_request_context


class _AsGiven(Compat32):
    """Headers written as they were set (see _header: ASCII, non-ASCII text encoded and folded
    once), instead of through one email.header.Header object per header and per part."""

    def _fold(self, name, value, sanitize):
        if isinstance(value, str) and value.isascii():
            return f"{name}: {self.linesep.join(value.splitlines())}{self.linesep}"
        return super()._fold(name, value, sanitize)


_UNFOLDED = _AsGiven(max_line_length=0)


def _message(to: str, subject: str, body: str) -> Message:
    return build_message(to, subject, body)


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str = "",
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    headers: dict[str, str] | None = None,
) -> Message:
    """A message with a plain-text part, an optional HTML alternative, and attachments given
    as (file name, MIME type, bytes).

    Built with the classic (compat32) MIME classes: the modern EmailMessage API parses and
    refolds every header through its header registry, which cost a worker more CPU than
    everything else it does for an email (the bench: tests/bench/notifications.py)."""
    body: Message = _text_part(text, "plain")
    if html:
        alternative = MIMEMultipart("alternative")
        alternative.attach(body)
        alternative.attach(_text_part(html, "html"))
        body = alternative
    if attachments:
        mixed = MIMEMultipart("mixed")
        mixed.attach(body)
        for filename, mimetype, data in attachments:
            maintype, _, subtype = mimetype.partition("/")
            part = MIMEBase(maintype, subtype)
            part.set_payload(data)
            encode_base64(part)
            part.add_header("Content-Disposition", "attachment", filename=filename)
            mixed.attach(part)
        body = mixed
    body["From"] = _address(current_app.config["MAIL_FROM"])
    body["To"] = _address(to)
    body["Subject"] = _header(subject, "Subject")
    body["Date"] = formatdate(usegmt=True)
    body["Message-ID"] = make_msgid(domain=_domain(current_app.config["MAIL_FROM"]))
    for name, value in (headers or {}).items():
        body[name] = _header(value, name)
    body.policy = _UNFOLDED
    return body


def _text_part(text: str, subtype: str) -> MIMEText:
    """ASCII as 7bit; other text as UTF-8 in base64 (encoded in C: quoted-printable is encoded
    character by character in Python, and an English email's curly quotes would need it)."""
    if text.isascii() and max(map(len, text.splitlines()), default=0) < 990:  # 7bit: lines <= 998
        return MIMEText(text, subtype, "us-ascii")
    return MIMEText(text, subtype, "utf-8")


def _header(value: str, name: str) -> str:
    """ASCII as it is (a long link stays on one line: at most 998 characters); other text as
    RFC 2047 encoded words, folded."""
    return value if value.isascii() else Header(value, "utf-8", header_name=name).encode()


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), "utf-8") if name else address


def _domain(value: str) -> str:
    return parseaddr(value)[1].rpartition("@")[2] or "localhost"


def as_email_message(message: Message) -> EmailMessage:
    """The message as the modern API reads it (get_body…): the log and the tests' outbox."""
    if isinstance(message, EmailMessage):
        return message
    return message_from_bytes(message.as_bytes(), policy=default_policy)  # type: ignore[return-value]


def _deliver(app: Flask, message: Message) -> None:
    config = app.config
    if not config.get("MAIL_SERVER"):
        if config.get("ENV_NAME") == "production":
            # The message holds an address and a reset link: never in a production log.
            app.logger.warning("Email not sent: MAIL_SERVER is not set")
            return
        # Decoded, so a long link (a registration's confirmation) is whole and can be opened.
        message = as_email_message(message)
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


def deliver(app: Flask, message: Message, keep_open: bool = False) -> None:
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
