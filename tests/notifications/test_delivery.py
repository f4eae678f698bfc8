"""Emails arrive at a real SMTP server, in both queue modes: an invitation, a review request and
a session reminder, parsed as MIME, in the recipient's language, with links that work; a mail
server that refuses once gets one delivery after the retry; `send-due` twice at once sends each
reminder once; a worker killed mid-job loses nothing."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from tests import factories
from tests.conftest import PASSWORD
from tests.notifications.conftest import drain, subprocess_env
from tests.services.test_case_studies import complete
from training import queue
from training.extensions import db
from training.models import CohortSession, Notification, OutboundEmail
from training.models.base import utcnow
from training.services import email_delivery, notifications, reminders
from training.services.case_studies import editing, workflow

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"http://localhost(/\S+)")


@contextmanager
def _client(app):
    """A test client whose requests end as in production (no context kept for inspection:
    a job after the response must not meet the request's open transaction)."""
    yield app.test_client()


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _log_in(client, user):
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def _links(message) -> list[str]:
    return LINK.findall(_text(message))


def test_an_invitation_arrives_in_the_invitees_language_and_its_link_works(notify_app, mailbox):
    trainer = factories.user("trainer")
    cohort = factories.cohort(trainer, name=f"Wuhan heat {notify_app.mode}")
    invitee = factories.user(locale="zh", email=f"wang-{notify_app.mode}@example.org")
    with _client(notify_app) as client:
        _log_in(client, trainer)
        response = client.post(f"/cohorts/{cohort.id}/invitations", data={"email": invitee.email})
        assert response.status_code == 302
        response.close()
    drain(notify_app)
    (message,) = mailbox.to(invitee.email)
    assert message.is_multipart() and message.get_body(("html",)) is not None
    assert "邀请" in message["Subject"] and message["Content-Language"] == "zh-Hans"
    assert message["List-Unsubscribe"].startswith("<http://localhost/notifications/unsubscribe/")
    invitation_link = next(link for link in _links(message) if "/cohorts/invitations/" in link)
    with _client(notify_app) as client:
        _log_in(client, invitee)
        page = client.get(invitation_link)
        assert page.status_code == 200 and cohort.name in page.get_data(as_text=True)
        # Their notification list has it too, with the unread count in the header.
        listing = client.get("/notifications/").get_data(as_text=True)
        assert cohort.name in listing and 'class="badge"' in listing
    unsubscribe = next(link for link in _links(message) if "/notifications/unsubscribe/" in link)
    with _client(notify_app) as anonymous:
        assert anonymous.get(unsubscribe).status_code == 200
        assert anonymous.post(unsubscribe).status_code == 200  # one click, no login
    assert not notifications.wants_email(invitee.email, notifications.INVITATION)


def test_a_review_request_reaches_the_other_editors_only(notify_app, mailbox):
    author = factories.user("editor", email=f"author-{notify_app.mode}@example.org")
    reviewer = factories.user("editor", locale="zh", email=f"reviewer-{notify_app.mode}@example.org")
    study = editing.create_case_study(author, f"cooling-{notify_app.mode}", complete())
    workflow.submit_case_study(author, study)
    drain(notify_app)
    assert mailbox.to(author.email) == []
    (message,) = mailbox.to(reviewer.email)
    assert "等待您审阅" in message["Subject"] and "重庆通风降温廊道" in message["Subject"]
    assert "重庆通风降温廊道" in message.get_body(("html",)).get_content()
    (link,) = [link for link in _links(message) if "/case-studies/editor/" in link]
    with _client(notify_app) as client:
        _log_in(client, reviewer)
        assert client.get(link).status_code == 200


def test_a_session_reminder_arrives_with_its_calendar_file(notify_app, mailbox):
    trainer = factories.user("trainer")
    cohort = factories.cohort(trainer, name=f"Chengdu floods {notify_app.mode}")
    english = factories.member(cohort, email=f"en-{notify_app.mode}@example.org")
    chinese = factories.member(cohort, locale="zh", email=f"zh-{notify_app.mode}@example.org")
    starts = (utcnow() + timedelta(hours=5)).replace(second=0, microsecond=0)
    session = CohortSession(
        cohort_id=cohort.id, title="Sponge city walk", held_on=starts.date(), starts_at=starts,
        ends_at=starts + timedelta(hours=2), place="Room 3",
    )  # fmt: skip
    db.session.add(session)
    db.session.commit()
    reminders.send_due()
    drain(notify_app)
    (en_mail,) = mailbox.to(english.email)
    (zh_mail,) = mailbox.to(chinese.email)
    assert en_mail["Subject"].startswith("Reminder") and "提醒" in zh_mail["Subject"]
    # The city's time (Chengdu: Asia/Shanghai, UTC+8) in the text.
    local = starts + timedelta(hours=8)
    assert f"{local:%Y}年{local.month}月{local.day}日" in _text(zh_mail)
    assert f"{local:%H:%M}（北京时间，UTC+8）" in _text(zh_mail)
    assert f"{local:%H:%M} (China Standard Time, UTC+8)" in _text(en_mail)
    (ics,) = [part for part in en_mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    (event,) = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert event.decoded("dtstart").replace(tzinfo=None) == starts and str(event["location"]) == "Room 3"
    with _client(notify_app) as client:
        _log_in(client, english)
        (link,) = [link for link in _links(en_mail) if link.startswith("/learn/")]
        assert client.get(link).status_code == 200
    # Run again: nothing new.
    reminders.send_due()
    drain(notify_app)
    assert len(mailbox.to(english.email)) == 1


def test_a_mail_server_that_refuses_then_accepts_gets_one_delivery(notify_app, mailbox):
    mailbox.refuse = 1
    user = factories.user(email=f"retry-{notify_app.mode}@example.org")
    notifications.notify(user, notifications.CERTIFICATE_ISSUED, {"code": "ABCD", "cohort": "X"})
    db.session.commit()
    notifications.send_pending()
    drain(notify_app)
    assert mailbox.refused == 1 and len(mailbox.to(user.email)) == 1
    row = db.session.scalar(select(OutboundEmail).where(OutboundEmail.to_address == user.email))
    db.session.refresh(row)
    assert row.status == OutboundEmail.SENT and row.attempts == 2


def test_a_failed_email_is_kept_and_the_admin_can_retry_it(notify_app, mailbox):
    mailbox.refuse = 99
    user = factories.user(email=f"failed-{notify_app.mode}@example.org")
    notifications.notify(user, notifications.CERTIFICATE_ISSUED, {"code": "ABCD", "cohort": "X"})
    db.session.commit()
    notifications.send_pending()
    drain(notify_app)
    row = db.session.scalar(select(OutboundEmail).where(OutboundEmail.to_address == user.email))
    db.session.refresh(row)
    assert row.status == OutboundEmail.FAILED and "451" in row.last_error
    if notify_app.config["REDIS_URL"]:
        assert queue.queue_counts()["failed"] >= 1
    mailbox.refuse = 0
    admin = factories.user("admin")
    with _client(notify_app) as client:
        _log_in(client, admin)
        overview = client.get("/admin/").get_data(as_text=True)
        assert "Failed" in overview
        response = client.post("/admin/emails/retry")
        assert response.status_code == 302
        response.close()
    drain(notify_app)
    assert len(mailbox.to(user.email)) == 1
    if notify_app.config["REDIS_URL"]:
        assert queue.queue_counts()["failed"] == 0


def test_send_due_twice_at_once_sends_each_reminder_once(notify_app, mailbox):
    trainer = factories.user("trainer")
    cohort = factories.cohort(trainer, name=f"Twice {notify_app.mode}")
    members = [factories.member(cohort, email=f"twice{i}-{notify_app.mode}@example.org") for i in range(6)]
    starts = utcnow() + timedelta(hours=3)
    db.session.add(CohortSession(cohort_id=cohort.id, title="Twice", held_on=starts.date(), starts_at=starts))
    db.session.commit()
    env = subprocess_env(notify_app)
    runs = [
        subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, "-m", "flask", "notifications", "send-due"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    drain(notify_app)
    for member in members:
        assert len(mailbox.to(member.email)) == 1, member.email
    recorded = db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.dedupe_key.like(f"session:%:{members[0].id}:%")
        )
    )
    assert recorded == 1


def test_a_worker_killed_mid_job_loses_no_email(notify_app, mailbox):
    if not notify_app.config["REDIS_URL"]:
        pytest.skip("a worker process exists in the redis mode only")
    mailbox.hold = True
    user = factories.user(email=f"killed-{notify_app.mode}@example.org")
    notifications.notify(user, notifications.CERTIFICATE_ISSUED, {"code": "ABCD", "cohort": "X"})
    db.session.commit()
    notifications.send_pending()
    worker = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "flask", "notifications", "worker"],
        cwd=ROOT, env=subprocess_env(notify_app), start_new_session=True,
    )  # fmt: skip
    try:
        assert mailbox.arrived.wait(60), "the worker never reached the mail server"
        os.killpg(worker.pid, signal.SIGKILL)  # in the middle of the SMTP conversation
        worker.wait(10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    mailbox.release.set()
    assert mailbox.to(user.email) == []
    row = db.session.scalar(select(OutboundEmail).where(OutboundEmail.to_address == user.email))
    db.session.refresh(row)
    assert row.status == OutboundEmail.SENDING  # claimed by the dead worker
    # send-due, once the claim has expired, queues it again; a live worker sends it.
    later = utcnow() + timedelta(seconds=notify_app.config["EMAIL_LEASE_SECONDS"] + 1)
    assert email_delivery.requeue_stale(later) >= 1
    notifications.send_pending()
    # The claim is compared with the real clock: let the job see it as expired.
    db.session.execute(
        OutboundEmail.__table__.update()
        .where(OutboundEmail.id == row.id)
        .values(lease_until=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    drain(notify_app)
    assert len(mailbox.to(user.email)) == 1
    db.session.refresh(row)
    assert row.status == OutboundEmail.SENT
