from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories
from training.models import Role
from training.models.base import utcnow
from training.services import cohort_invitations as invitations
from training.services import cohorts


def _refused(reason, call, *args, **kw):
    with pytest.raises(invitations.InvitationRefused) as caught:
        call(*args, **kw)
    assert caught.value.reason == reason


def test_an_invitation_adds_nobody_and_stores_no_working_token(db_session):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    person = factories.user(email="li.na@example.org")
    issued = invitations.invite(cohort, "  Li.Na@Example.ORG", trainer)
    invitation = issued.invitation
    assert invitation.email == "li.na@example.org" and invitation.invited_by_id == trainer.id
    assert not cohorts.is_member(person, cohort)
    assert issued.token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert invitations.find_by_token(issued.token) is invitation
    assert invitation.expires_at - invitation.created_at == timedelta(days=30)
    assert invitations.list_pending(cohort) == [invitation]


def test_accepting_goes_through_add_member(db_session, monkeypatch):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    person = factories.user()
    issued = invitations.invite(cohort, person.email, trainer)
    calls = []
    original = cohorts.add_member
    monkeypatch.setattr(cohorts, "add_member", lambda c, u: calls.append((c.id, u.id)) or original(c, u))
    assert invitations.accept(issued.token, person) is cohort
    assert calls == [(cohort.id, person.id)] and cohorts.is_member(person, cohort)
    assert issued.invitation.accepted_by_id == person.id and issued.invitation.accepted_at is not None
    _refused("accepted", invitations.accept, issued.token, person)


def test_only_the_account_of_the_invited_address_may_answer(db_session):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    person, other = factories.user(), factories.user()
    issued = invitations.invite(cohort, person.email, trainer)
    _refused("wrong_account", invitations.accept, issued.token, other)
    _refused("wrong_account", invitations.decline, issued.token, other)
    _refused("unknown", invitations.accept, "no-such-token", person)
    assert invitations.get_for_user(issued.invitation.id, other) is None
    assert invitations.list_for_user(other) == [] and invitations.list_for_user(person) == [issued.invitation]
    assert not cohorts.is_member(other, cohort)


def test_expired_revoked_and_declined_invitations_cannot_be_accepted(db_session):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    person = factories.user()
    later = utcnow() + timedelta(days=31)
    expired = invitations.invite(cohort, person.email, trainer)
    _refused("expired", invitations.accept, expired.token, person, now=later)
    assert invitations.list_for_user(person, now=later) == []

    revoked = invitations.invite(factories.cohort(trainer), person.email, trainer)
    assert invitations.revoke(revoked.invitation, trainer)
    assert not invitations.revoke(revoked.invitation, trainer)  # once
    _refused("revoked", invitations.accept, revoked.token, person)

    declined = invitations.invite(factories.cohort(trainer), person.email, trainer)
    invitations.decline(declined.token, person)
    _refused("declined", invitations.accept, declined.token, person)
    assert cohorts.list_memberships(person) == []


def test_inviting_again_replaces_the_link(db_session):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    person = factories.user()
    first = invitations.invite(cohort, person.email, trainer)
    second = invitations.invite(cohort, person.email.upper(), trainer)
    assert second.invitation is first.invitation and invitations.list_pending(cohort) == [first.invitation]
    _refused("unknown", invitations.accept, first.token, person)
    invitations.accept(second.token, person)
    assert cohorts.is_member(person, cohort)


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.EDITOR, "other-trainer"])
def test_only_trainers_of_the_cohort_and_admins_invite_or_revoke(db_session, role):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    issued = invitations.invite(cohort, "someone@example.org", trainer)
    actor = factories.user(Role.TRAINER if role == "other-trainer" else role)
    with pytest.raises(invitations.NotAllowed):
        invitations.invite(cohort, "else@example.org", actor)
    with pytest.raises(invitations.NotAllowed):
        invitations.revoke(issued.invitation, actor)
    assert invitations.list_pending(cohort) == [issued.invitation]
    admin = factories.user(Role.ADMIN)
    assert invitations.revoke(issued.invitation, admin)


def test_the_email_language(db_session):
    trainer = factories.user(Role.TRAINER, locale="zh")
    cohort = factories.cohort(trainer)
    english = factories.user(locale="en")
    assert invitations.invite(cohort, english.email, trainer).languages == ("en", "zh")
    assert invitations.invite(cohort, "nobody@example.org", trainer).languages == ("zh", "en")


def test_a_member_is_not_invited_again_whatever_the_path(db_session):
    """One rule, in the service: `invite` refuses a member's address (in any case), and the list
    import marks the same address with the same rule; an address that only has an account is
    invited."""
    from training.services import enrolment

    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    member = factories.user(email="wang.fang@example.org")
    cohorts.add_member(cohort, member)
    outsider = factories.user(email="zhao.lei@example.org")
    with pytest.raises(invitations.AlreadyMember):
        invitations.invite(cohort, " Wang.Fang@Example.org ", trainer)
    assert invitations.list_pending(cohort) == []
    assert invitations.member_addresses(cohort, [member.email, outsider.email, "nobody@example.org"]) == {
        member.email
    }
    assert invitations.invite(cohort, outsider.email, trainer).invitation.email == outsider.email
    checked = enrolment.check_rows(
        cohort, enrolment.read_text(f"Wang Fang, {member.email}\nZhao Lei, zhao.lei@example.org")
    )
    assert [[p.code for p in row.errors] for row in checked.rows] == [["member"], []]
