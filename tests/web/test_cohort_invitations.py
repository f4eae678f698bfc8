"""Enrolment with consent (issue 21, finding 6) and the invitation link that survives
registration (issue 16): a trainer invites an address; only the person who holds the account of
that address can accept, and until they do the trainer sees nothing but the address."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.conftest import without_csrf_tokens
from tests.web.test_cohorts import _register_from
from training.models import Role
from training.services import accounts, cohort_invitations, cohorts


def _invite(client, cohort, email: str, **kw):
    return client.post(f"/cohorts/{cohort.id}/invitations", data={"email": email}, **kw)


def _link_path(mail) -> str:
    """The invitation link of an email, as a path (the host is configuration's business)."""
    body = mail.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/cohorts/invitations/\S+", body).group(0)
    return link[link.index("/cohorts/invitations/") :]


@pytest.fixture
def outbox(app):
    app.extensions["outbox"] = []
    return app.extensions["outbox"]


def test_an_invited_account_is_not_a_member_and_shows_nothing_until_it_accepts(client, login, outbox):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    invited = factories.user(
        name="Liu Yang", organisation="Wuhan Housing Bureau", email="liu.yang@example.org"
    )
    login(trainer)
    _invite(client, cohort, "Liu.Yang@Example.org ")

    assert not cohorts.is_member(invited, cohort)
    page = client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)
    assert "liu.yang@example.org" in page  # the address the trainer typed
    assert "Liu Yang" not in page and "Wuhan Housing Bureau" not in page
    assert client.get(f"/cohorts/{cohort.id}/trainees/{invited.id}").status_code == 404
    export = client.get(f"/cohorts/{cohort.id}/export/matrix.csv").get_data(as_text=True)
    assert "Liu Yang" not in export and "liu.yang@example.org" not in export

    # The invited person opens the link of the email, logged in, and accepts.
    (mail,) = outbox
    assert mail["To"] == "liu.yang@example.org"
    path = _link_path(mail)
    login(invited)
    shown = client.get(path)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and cohort.name in html and "Accept and join" in html
    assert trainer.name in html and "Climate adaptation" in html
    accepted = client.post(path, data={"answer": "accept"})
    assert accepted.status_code == 302 and cohorts.is_member(invited, cohort)

    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)
    assert "Liu Yang" in page and "accepted" in page


def _normalised(html: str, cohort, email: str) -> str:
    html = html.replace(email, "EMAIL").replace(cohort.join_code, "CODE")
    html = re.sub(rf"(/cohorts?/){cohort.id}/", r"\1ID/", html)
    html = re.sub(r"/invitations/\d+/", "/invitations/ID/", html)
    return without_csrf_tokens(html)


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, login, outbox):
    trainer = factories.user(Role.TRAINER)
    first = factories.cohort(trainer, name="Same workshop")
    second = factories.cohort(trainer, name="Same workshop")
    existing = factories.user(email="someone@example.org")
    login(trainer)

    answers = []
    for cohort, email in ((first, existing.email), (second, "nobody@example.org")):
        response = _invite(client, cohort, email)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/cohorts/{cohort.id}/#members")
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append(_normalised(page, cohort, email))
    assert "Invitation recorded for EMAIL" in answers[0]
    assert answers[0] == answers[1]
    assert not cohorts.is_member(existing, first)
    assert [m["To"] for m in outbox] == [existing.email, "nobody@example.org"]  # both are mailed


def test_inviting_a_member_of_the_cohort_says_so_and_sends_nothing(client, login, outbox):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    factories.member(cohort, email="member@example.org")
    login(trainer)
    page = _invite(client, cohort, " Member@Example.org ", follow_redirects=True).get_data(as_text=True)
    assert "member@example.org is already a member of this cohort." in page
    assert "Invitation recorded" not in page
    assert cohort_invitations.list_invitations(cohort) == [] and outbox == []


def test_accepting_with_another_account_is_refused(client, login, outbox):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    invited = factories.user()
    other = factories.user(name="Someone Else")
    login(trainer)
    _invite(client, cohort, invited.email)
    path = _link_path(outbox[0])
    (invitation,) = cohort_invitations.list_invitations(cohort)

    login(other)
    page = client.get(path)
    assert page.status_code == 403
    assert "sent to another email address" in page.get_data(as_text=True)
    assert "Accept and join" not in page.get_data(as_text=True)
    assert client.post(path, data={"answer": "accept"}).status_code == 403
    assert (
        client.post(f"/cohorts/invitations/mine/{invitation.id}", data={"answer": "accept"}).status_code
        == 404
    )
    assert cohort.name not in client.get("/learn/my").get_data(as_text=True)
    assert not cohorts.is_member(other, cohort) and not cohorts.is_member(invited, cohort)
    assert cohort_invitations.list_pending(cohort) == [invitation]


def test_a_withdrawn_or_unknown_invitation_cannot_be_accepted(client, login, outbox):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    invited = factories.user()
    login(trainer)
    _invite(client, cohort, invited.email)
    path = _link_path(outbox[0])
    (invitation,) = cohort_invitations.list_invitations(cohort)
    client.post(f"/cohorts/{cohort.id}/invitations/{invitation.id}/revoke")
    assert "withdrawn" in client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)

    login(invited)
    page = client.get(path)
    assert page.status_code == 410 and "withdrawn" in page.get_data(as_text=True)
    client.post(path, data={"answer": "accept"})
    assert not cohorts.is_member(invited, cohort)
    assert client.get("/cohorts/invitations/not-a-real-token").status_code == 404


def test_an_expired_invitation_cannot_be_accepted(client, login, outbox, db_session):
    from datetime import timedelta

    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    invited = factories.user()
    login(trainer)
    _invite(client, cohort, invited.email)
    path = _link_path(outbox[0])
    (invitation,) = cohort_invitations.list_invitations(cohort)
    invitation.expires_at = invitation.created_at - timedelta(seconds=1)
    db_session.commit()

    login(invited)
    page = client.get(path)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    client.post(path, data={"answer": "accept"})
    client.post(f"/cohorts/invitations/mine/{invitation.id}", data={"answer": "accept"})
    assert not cohorts.is_member(invited, cohort)


@pytest.mark.parametrize("role", ["anonymous", "trainee", "editor", "other-trainer"])
def test_only_the_cohorts_trainers_and_admins_invite_and_withdraw(client, login, outbox, role):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    login(trainer)
    _invite(client, cohort, "first@example.org")
    (invitation,) = cohort_invitations.list_invitations(cohort)
    client.post("/auth/logout")
    if role == "other-trainer":
        login(factories.user(Role.TRAINER))
    elif role != "anonymous":
        login(factories.user(role))

    invite = _invite(client, cohort, "second@example.org")
    revoke = client.post(f"/cohorts/{cohort.id}/invitations/{invitation.id}/revoke")
    for response in (invite, revoke):
        if role == "anonymous":
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
        else:
            assert response.status_code == 403
    assert [i.email for i in cohort_invitations.list_pending(cohort)] == ["first@example.org"]
    assert len(outbox) == 1


def test_an_admin_invites_and_withdraws(client, login, outbox):
    cohort = factories.cohort()
    login(factories.user(Role.ADMIN))
    _invite(client, cohort, "first@example.org")
    (invitation,) = cohort_invitations.list_pending(cohort)
    client.post(f"/cohorts/{cohort.id}/invitations/{invitation.id}/revoke")
    assert cohort_invitations.list_pending(cohort) == [] and invitation.revoked_at is not None


def test_a_person_without_an_account_registers_through_the_invitation_and_joins(client, login, outbox):
    """Issue 16: the invited official has no account, follows the link, registers, accepts."""
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    login(trainer)
    _invite(client, cohort, "new.official@example.org")
    client.post("/auth/logout")
    path = _link_path(outbox[0])

    anonymous = client.get(path).get_data(as_text=True)
    assert cohort.name in anonymous and "Create an account" in anonymous
    # The invitation email proved the address: registering with it needs no second email.
    registered = _register_from(client, path, "new.official@example.org", confirm=False)
    assert registered.status_code == 302 and registered.headers["Location"].endswith(path)
    assert [m["To"] for m in outbox] == ["new.official@example.org"]  # the invitation only
    page = client.get(path).get_data(as_text=True)
    assert "Accept and join" in page
    client.post(path, data={"answer": "accept"})
    user = accounts.get_user_by_email("new.official@example.org")
    assert cohorts.is_member(user, cohort)
    assert cohort.name in client.get("/learn/my").get_data(as_text=True)


def test_the_invitation_survives_logging_in(client, login, outbox):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    invited = factories.user()
    login(trainer)
    _invite(client, cohort, invited.email)
    client.post("/auth/logout")
    path = _link_path(outbox[0])
    html = client.get(path).get_data(as_text=True)
    login_href = re.search(r'href="(/auth/login\?next=[^"]+)"', html).group(1)
    response = client.post(login_href, data={"email": invited.email, "password": factories.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith(path)


def test_my_learning_lists_pending_invitations_to_accept_or_decline(client, login, outbox):
    trainer = factories.user(Role.TRAINER)
    first = factories.cohort(trainer, name="Wuhan workshop", city_name="Wuhan")
    second = factories.cohort(trainer, name="Chengdu workshop")
    invited = factories.user()
    login(trainer)
    _invite(client, first, invited.email)
    _invite(client, second, invited.email)
    login(invited)
    my = client.get("/learn/my").get_data(as_text=True)
    assert "Invitations to a cohort" in my and "Wuhan workshop" in my and "Chengdu workshop" in my
    (one,) = cohort_invitations.list_invitations(first)
    (two,) = cohort_invitations.list_invitations(second)
    client.post(f"/cohorts/invitations/mine/{one.id}", data={"answer": "accept"})
    client.post(f"/cohorts/invitations/mine/{two.id}", data={"answer": "decline"})
    assert cohorts.is_member(invited, first) and not cohorts.is_member(invited, second)
    my = client.get("/learn/my").get_data(as_text=True)
    assert "Invitations to a cohort" not in my
    login(trainer)
    assert "declined" in client.get(f"/cohorts/{second.id}/").get_data(as_text=True)


def test_the_email_is_in_the_invitees_language_first(client, login, outbox):
    trainer = factories.user(Role.TRAINER, locale="en")
    cohort = factories.cohort(trainer)
    chinese = factories.user(locale="zh")
    login(trainer)
    _invite(client, cohort, chinese.email)
    _invite(client, cohort, "nobody@example.org")
    known, unknown = outbox
    # Both languages always (the same work either way); the invitee's, else the trainer's, first.
    assert "邀请" in known["Subject"] and known.get_body(("plain",)).get_content().index(
        "邀请"
    ) < known.get_body(("plain",)).get_content().index("invites you")
    assert "Invitation" in unknown["Subject"]
    assert unknown.get_body(("plain",)).get_content().index("invites you") < unknown.get_body(
        ("plain",)
    ).get_content().index("邀请")
    assert _link_path(known) != _link_path(unknown)
