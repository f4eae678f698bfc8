"""Emails of notifications, written when they are sent, in the recipient's language: a plain
text part, a simple HTML part, a link back to the page (from PUBLIC_URL), an unsubscribe link
for the kind (signed, one click, no login; also as the List-Unsubscribe header, RFC 8058), and
for a session reminder the calendar file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.message import Message
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import Row

from training.mail import build_message
from training.models import Notification, OutboundEmail
from training.services import notifications
from training.web.notifications.texts import describe
from training.web.public_links import external_url


def unsubscribe_link(address: str, kind: str, locale: str = "en") -> str:
    """The page opens in the email's language, whatever the browser's (`lang`, not signed: it
    only chooses the language)."""
    token = notifications.make_unsubscribe_token(address, kind, current_app.config["SECRET_KEY"])
    return external_url("notifications.unsubscribe", token=token, lang=locale)


def build_email(email: OutboundEmail | Row, notification: Notification | None) -> Message:
    """`email`: the claimed row (training/services/email_delivery.claim_email) or the object."""
    locale = email.locale if email.locale in current_app.config["LANGUAGES"] else "en"
    unsubscribe = ""
    if email.kind in notifications.KINDS:
        unsubscribe = unsubscribe_link(email.to_address, email.kind, locale)
    attachments: tuple = ()
    with force_locale(locale):
        if notification is not None:
            said = describe(notification.kind, notification.params, locale)
            link = external_url(said.endpoint, **said.values) if said.endpoint else ""
            context = {"said": said, "link": link, "unsubscribe": unsubscribe, "locale": locale}
            subject = said.title
            text = render_template("email/notification.txt", **context)
            html = render_template("email/notification.html", **context)
            if notification.kind == notifications.SESSION_REMINDER:
                attachments = (("session.ics", "text/calendar", session_ics(notification.params, link)),)
        else:
            subject = email.subject
            footer = {"unsubscribe": unsubscribe, "locale": locale}
            text = email.body_text + render_template("email/_footer.txt", **footer)
            html = render_template("email/written.html", text=email.body_text, **footer)
        headers = {}
        if unsubscribe:
            headers["List-Unsubscribe"] = f"<{unsubscribe}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        headers["Content-Language"] = "zh-Hans" if locale == "zh" else "en"
    return build_message(email.to_address, subject, text, html, attachments, headers)


def session_ics(params: dict[str, Any], link: str) -> bytes:
    """One VEVENT (RFC 5545) for the session, in UTC. The same bytes for every member of the
    cohort: made once per session (and link) by a worker, not once per email."""
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"
    return _session_ics(json.dumps(params, sort_keys=True, default=str), link, host)


@lru_cache(maxsize=64)
def _session_ics(params_json: str, link: str, host: str) -> bytes:
    from icalendar import Calendar, Event

    params = json.loads(params_json)
    starts = datetime.fromisoformat(params["starts_at"]).replace(tzinfo=UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//Resilient Cities Academy//sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"session-{params['session_id']}@{host}")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", starts)
    if params.get("ends_at"):
        event.add("dtend", datetime.fromisoformat(params["ends_at"]).replace(tzinfo=UTC))
    event.add("summary", f"{params.get('title', '')} — {params.get('cohort', '')}")
    location = params.get("place") or params.get("online_url") or ""
    if location:
        event.add("location", location)
    event.add("url", params.get("online_url") or link)
    calendar.add_component(event)
    return calendar.to_ical()
