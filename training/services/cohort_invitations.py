"""Enrolment with consent: a trainer invites an email address to a cohort; the person with an
account under that address accepts (and only then becomes a member) or declines.

What the trainer sees and is told never depends on whether the address has an account: the
invitation is recorded and mailed the same way for every address, and until it is accepted the
trainer knows only the email they typed. The token of the link is random and only its SHA-256
is stored, so the table does not hold working links.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select

from training.extensions import db
from training.models import Cohort, CohortInvitation, CohortMember, User
from training.models.base import utcnow
from training.services import accounts, cohorts

VALID_FOR = timedelta(days=30)
TOKEN_BYTES = 32
LIST_LIMIT = 200  # the newest invitations a trainer sees on the cohort page


class NotAllowed(Exception):
    """The acting user may not invite to, or revoke an invitation of, this cohort."""


class AlreadyMember(Exception):
    """The address belongs to a member of the cohort already (whom its trainers see in the members
    list): there is nothing to invite them to."""


class InvitationRefused(Exception):
    """Why an invitation cannot be answered: 'unknown', 'wrong_account', 'expired', 'revoked',
    'declined' or 'accepted'."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Issued:
    """A recorded invitation, with what the web layer needs to mail it: the token (for the link,
    never stored) and the languages of the email, the main one first."""

    invitation: CohortInvitation
    token: str
    languages: tuple[str, ...]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def can_invite(user: User, cohort: Cohort) -> bool:
    return cohorts.can_manage_cohort(user, cohort)


# --- the trainer's side ---------------------------------------------------------------------


def invite(cohort: Cohort, email: str, actor: User, *, now: datetime | None = None) -> Issued:
    """Record an invitation of `email` to `cohort` and return it with a fresh token.

    Inviting an address that already has a pending invitation to this cohort gives it a new
    token and a new expiry (the old link stops working). Nobody is added to the cohort here.
    Raises NotAllowed, and AlreadyMember for an address of a member of the cohort."""
    if not can_invite(actor, cohort):
        raise NotAllowed()
    now = now or utcnow()
    address = accounts.normalise_email(email)
    if member_addresses(cohort, [address]):
        raise AlreadyMember()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = db.session.scalar(
        select(CohortInvitation).where(
            CohortInvitation.cohort_id == cohort.id,
            CohortInvitation.email == address,
            CohortInvitation.accepted_at.is_(None),
            CohortInvitation.declined_at.is_(None),
            CohortInvitation.revoked_at.is_(None),
            CohortInvitation.expires_at > now,
        )
    )
    if invitation is None:
        invitation = CohortInvitation(cohort_id=cohort.id, email=address)
        db.session.add(invitation)
    invitation.invited_by_id = actor.id
    invitation.token_hash = hash_token(token)
    invitation.created_at = now
    invitation.expires_at = now + VALID_FOR
    db.session.commit()
    return Issued(invitation, token, _mail_languages(address, actor))


def member_addresses(cohort: Cohort, emails: Iterable[str]) -> set[str]:
    """The addresses among `emails` (normalised) whose account is a member of the cohort already.
    The one rule for every way of inviting: a member is not invited again (one query per 500)."""
    wanted = sorted(set(emails))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found.update(
            db.session.scalars(
                select(User.email)
                .join(CohortMember, CohortMember.user_id == User.id)
                .where(CohortMember.cohort_id == cohort.id, User.email.in_(wanted[start : start + 500]))
            )
        )
    return found


def _mail_languages(address: str, actor: User) -> tuple[str, ...]:
    """Both languages, the invitee's first when their account says it, else the trainer's.

    Always both, so that mailing an address with an account costs the same work as mailing one
    without: the time the trainer waits does not tell either."""
    user = accounts.get_user_by_email(address)
    first = user.locale if user is not None else actor.locale
    first = first if first in ("en", "zh") else "en"
    return (first, "zh" if first == "en" else "en")


def list_invitations(cohort: Cohort, limit: int = LIST_LIMIT) -> list[CohortInvitation]:
    """The cohort's invitations, newest first (every status: the page shows it)."""
    return list(
        db.session.scalars(
            select(CohortInvitation)
            .where(CohortInvitation.cohort_id == cohort.id)
            .order_by(CohortInvitation.created_at.desc(), CohortInvitation.id.desc())
            .limit(limit)
        )
    )


def list_pending(cohort: Cohort, *, now: datetime | None = None) -> list[CohortInvitation]:
    now = now or utcnow()
    return [i for i in list_invitations(cohort) if i.status(now) == "pending"]


def get_invitation(cohort: Cohort, invitation_id: int) -> CohortInvitation | None:
    invitation = db.session.get(CohortInvitation, invitation_id)
    return invitation if invitation is not None and invitation.cohort_id == cohort.id else None


def revoke(invitation: CohortInvitation, actor: User, *, now: datetime | None = None) -> bool:
    """Withdraw a pending invitation; False when it was no longer pending. Raises NotAllowed."""
    if not can_invite(actor, invitation.cohort):
        raise NotAllowed()
    now = now or utcnow()
    if invitation.status(now) != "pending":
        return False
    invitation.revoked_at = now
    db.session.commit()
    return True


# --- the invited person's side ----------------------------------------------------------------


def find_by_token(token: str) -> CohortInvitation | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(CohortInvitation).where(CohortInvitation.token_hash == hash_token(token)))


def invites_address(token: str, email: str, *, now: datetime | None = None) -> bool:
    """Whether `token` is a pending invitation to exactly this email: the invitation email came
    to the address, so registering from its link needs no second confirmation."""
    invitation = find_by_token(token)
    if invitation is None or invitation.status(now or utcnow()) != "pending":
        return False
    return accounts.normalise_email(email) == invitation.email


def is_addressed_to(invitation: CohortInvitation, user: User) -> bool:
    return bool(user.is_authenticated) and accounts.normalise_email(user.email) == invitation.email


def check_answerable(
    invitation: CohortInvitation | None, user: User, *, now: datetime | None = None
) -> CohortInvitation:
    """The invitation, if `user` may accept or decline it now; raises InvitationRefused otherwise."""
    if invitation is None:
        raise InvitationRefused("unknown")
    if not is_addressed_to(invitation, user):
        raise InvitationRefused("wrong_account")
    status = invitation.status(now or utcnow())
    if status != "pending":
        raise InvitationRefused(status)
    return invitation


def accept_invitation(
    invitation: CohortInvitation | None, user: User, *, now: datetime | None = None
) -> Cohort:
    """The invited person joins the cohort (through cohorts.add_member). Raises InvitationRefused."""
    now = now or utcnow()
    invitation = check_answerable(invitation, user, now=now)
    invitation.accepted_at = now
    invitation.accepted_by_id = user.id
    cohorts.add_member(invitation.cohort, user)
    db.session.commit()  # add_member commits only when it added someone
    return invitation.cohort


def decline_invitation(
    invitation: CohortInvitation | None, user: User, *, now: datetime | None = None
) -> None:
    now = now or utcnow()
    invitation = check_answerable(invitation, user, now=now)
    invitation.declined_at = now
    db.session.commit()


def accept(token: str, user: User, *, now: datetime | None = None) -> Cohort:
    """Accept the invitation of this link. Raises InvitationRefused."""
    return accept_invitation(find_by_token(token), user, now=now)


def decline(token: str, user: User, *, now: datetime | None = None) -> None:
    decline_invitation(find_by_token(token), user, now=now)


def get_for_user(invitation_id: int, user: User) -> CohortInvitation | None:
    """An invitation addressed to this user's email (None for anyone else's: no leak)."""
    invitation = db.session.get(CohortInvitation, invitation_id)
    return invitation if invitation is not None and is_addressed_to(invitation, user) else None


def list_for_user(user: User, *, now: datetime | None = None) -> list[CohortInvitation]:
    """Pending invitations addressed to the user's email, newest first."""
    now = now or utcnow()
    return list(db.session.scalars(_PENDING_FOR, {"email": accounts.normalise_email(user.email), "now": now}))


# Built once: My learning runs it.
_PENDING_FOR = (
    select(CohortInvitation)
    .where(
        CohortInvitation.email == bindparam("email"),
        CohortInvitation.accepted_at.is_(None),
        CohortInvitation.declined_at.is_(None),
        CohortInvitation.revoked_at.is_(None),
        CohortInvitation.expires_at > bindparam("now"),
    )
    .order_by(CohortInvitation.created_at.desc(), CohortInvitation.id.desc())
)
