"""Notifications without a mail server (development: emails go to the log and, in tests, to
app.extensions["outbox"]): what is recorded, who is told, people's choices, reminders' rules,
the personal-data export and account deletion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import PASSWORD
from tests.services.test_case_studies import complete
from training.extensions import db
from training.models import CohortSession, LessonCompletion, Notification, OutboundEmail
from training.models.base import utcnow
from training.services import notifications, privacy, reminders
from training.services.case_studies import editing, workflow


@pytest.fixture
def outbox(app, db_session):
    app.extensions["outbox"] = []
    return app.extensions["outbox"]


def _to(outbox, address):
    return [m for m in outbox if m["To"] == address]


def test_a_review_request_goes_to_every_other_editor_and_a_send_back_to_the_author(outbox):
    author, reviewer, other = factories.user("editor"), factories.user("editor"), factories.user("editor")
    admin = factories.user("admin")
    study = editing.create_case_study(author, "notify-review", complete())
    workflow.submit_case_study(author, study)
    assert _to(outbox, author.email) == []
    for editor in (reviewer, other, admin):
        (mail,) = _to(outbox, editor.email)
        assert "Cooling corridors in Chongqing" in mail["Subject"]
    workflow.send_back_case_study(reviewer, study, "Please add a source for the cost.")
    (sent_back,) = _to(outbox, author.email)
    assert "Please add a source for the cost." in sent_back.get_body(("plain",)).get_content()
    assert notifications.count_unread(author) == 1 and notifications.count_unread(reviewer) == 1


def test_turned_off_kinds_are_listed_but_not_emailed(outbox):
    person = factories.user("editor")
    notifications.set_email_preferences(person, {notifications.SESSION_REMINDER})
    assert notifications.get_email_preferences(person)[notifications.REVIEW_REQUESTED] is False
    author = factories.user("editor")
    workflow.submit_case_study(author, editing.create_case_study(author, "notify-pref", complete()))
    assert _to(outbox, person.email) == []
    assert notifications.count_unread(person) == 1


def test_the_unsubscribe_token_is_signed_and_names_its_kind(app):
    token = notifications.make_unsubscribe_token("A@Example.org", notifications.INVITATION, "k1")
    assert notifications.read_unsubscribe_token(token, "k1") == ("a@example.org", notifications.INVITATION)
    assert notifications.read_unsubscribe_token(token, "another key") is None
    assert notifications.read_unsubscribe_token(token[:-2] + "xx", "k1") is None
    forged = notifications.make_unsubscribe_token("a@example.org", "account", "k1")
    assert notifications.read_unsubscribe_token(forged, "k1") is None  # account emails: always sent


def test_inactive_members_are_reminded_at_most_once_a_week(outbox):
    trainer = factories.user("trainer")
    cohort = factories.cohort(trainer)
    idle = factories.member(cohort)
    busy = factories.member(cohort)
    now = utcnow() + timedelta(days=8)  # both joined now; cohort.inactive_days is 7
    lesson_id = db.session.scalar(select(LessonCompletion.lesson_id).limit(1)) or _any_lesson()
    db.session.add(
        LessonCompletion(user_id=busy.id, lesson_id=lesson_id, completed_at=now - timedelta(days=1))
    )
    db.session.commit()
    assert reminders.send_due(now).inactive_reminders == 1
    (mail,) = _to(outbox, idle.email)
    assert "8 days" in mail.get_body(("plain",)).get_content()
    assert _to(outbox, busy.email) == []
    assert reminders.send_due(now + timedelta(days=3)).inactive_reminders == 0
    # A week later: the idle one again, and the busy one, idle by now for eight days.
    assert reminders.send_due(now + timedelta(days=7, hours=1)).inactive_reminders == 2
    assert len(_to(outbox, idle.email)) == 2 and len(_to(outbox, busy.email)) == 1


def _any_lesson() -> int:
    from training.models import Lesson

    return db.session.scalar(select(Lesson.id).limit(1))


def test_session_reminders_come_once_and_again_when_the_session_moves(outbox):
    cohort = factories.cohort()
    member = factories.member(cohort, locale="zh")
    starts = utcnow() + timedelta(hours=30)
    session = CohortSession(cohort_id=cohort.id, title="Walk", held_on=starts.date(), starts_at=starts)
    db.session.add(session)
    db.session.commit()
    assert reminders.send_due().session_reminders == 0  # more than 24 h away
    later = utcnow() + timedelta(hours=7)
    assert reminders.send_due(later).session_reminders == 1
    assert reminders.send_due(later).session_reminders == 0
    session.starts_at = starts + timedelta(days=1)  # moved: reminded again before the new time
    db.session.commit()
    assert reminders.send_due(later + timedelta(days=1)).session_reminders == 1
    assert len(_to(outbox, member.email)) == 2
    assert all("提醒" in m["Subject"] for m in _to(outbox, member.email))


def test_the_export_has_the_notification_history_and_deletion_cancels_queued_emails(app, outbox):
    user = factories.user()
    notifications.notify(user, notifications.CERTIFICATE_ISSUED, {"code": "ABCD", "cohort": "X"})
    db.session.commit()  # recorded, not sent yet (send_pending not called): as if queued in Redis
    data = privacy.export_user_data(user)
    history = data["notification_history"]
    assert history["notifications"][0]["kind"] == notifications.CERTIFICATE_ISSUED
    assert history["emails"][0]["status"] == OutboundEmail.QUEUED
    assert "notification.user_id" not in data["other_records"]
    email_id = history and db.session.scalar(select(OutboundEmail.id).where(OutboundEmail.user_id == user.id))
    privacy.delete_account(user)
    assert db.session.scalar(select(func.count(OutboundEmail.id)).where(OutboundEmail.id == email_id)) == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user.id)) == 0
    notifications.discard_pending()
    from training.jobs import deliver_email

    with app.app_context():
        assert deliver_email(email_id) is False  # the job finds nothing to send
    assert outbox == []


def test_the_list_and_the_header_count(client, login, outbox):
    user = factories.user()
    notifications.notify(
        user, notifications.INACTIVE_REMINDER, {"cohort": "Wuhan", "cohort_id": 1, "days": 9}
    )
    db.session.commit()
    login(user)
    page = client.get("/learn/my").get_data(as_text=True)
    assert "/notifications/" in page and '<span class="badge"' in page
    listing = client.get("/notifications/").get_data(as_text=True)
    assert "Continue your training in “Wuhan”" in listing
    (notification,) = notifications.list_notifications(user)
    opened = client.get(f"/notifications/{notification.id}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/learn/my")
    assert notifications.count_unread(user) == 0
    other = factories.user()
    login(other)
    assert client.get(f"/notifications/{notification.id}").status_code == 404


def test_email_choices_on_the_profile_page(client, login, db_session):
    user = factories.user(locale="zh")
    login(user, PASSWORD)
    page = client.get("/auth/profile").get_data(as_text=True)
    assert 'name="kinds"' in page and "以下情况给我发邮件" in page
    response = client.post("/notifications/preferences", data={"kinds": [notifications.CERTIFICATE_ISSUED]})
    assert response.status_code == 302
    chosen = notifications.get_email_preferences(user)
    assert chosen[notifications.CERTIFICATE_ISSUED] and not chosen[notifications.SESSION_REMINDER]


def test_a_trainee_is_offered_no_editors_emails_and_keeps_their_choice(client, login, db_session):
    """Review requests go to editors only: a trainee's profile does not offer them, and saving
    the trainee's choices leaves that kind as it was (it matters the day they become an editor)."""
    trainee = factories.user("trainee")
    notifications.opt_out(trainee.email, notifications.REVIEW_REQUESTED)
    login(trainee, PASSWORD)
    page = client.get("/auth/profile").get_data(as_text=True)
    assert f'value="{notifications.CERTIFICATE_ISSUED}"' in page
    assert f'value="{notifications.REVIEW_REQUESTED}"' not in page
    assert f'value="{notifications.SENT_BACK}"' not in page
    client.post("/notifications/preferences", data={"kinds": [notifications.CERTIFICATE_ISSUED]})
    chosen = notifications.get_email_preferences(trainee)
    assert chosen[notifications.REVIEW_REQUESTED] is False  # kept off
    assert chosen[notifications.SENT_BACK] is True  # kept on
    assert not chosen[notifications.SESSION_REMINDER] and chosen[notifications.CERTIFICATE_ISSUED]
    editor = factories.user("editor")
    assert notifications.REVIEW_REQUESTED in notifications.offered_kinds(editor)
