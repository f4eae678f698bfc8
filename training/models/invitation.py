"""Invitations to join a cohort, sent by email and accepted by the person invited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import db
from training.models.base import utcnow
from training.models.cohort import Cohort


class CohortInvitation(db.Model):
    """An email address invited to a cohort. Nobody becomes a member until the person with an
    account under that address accepts. Only a hash of the token is stored: the link in the
    email is the one place the token exists."""

    __tablename__ = "cohort_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower-case, stripped
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    declined_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # From an imported list (services/enrolment.py): what the trainer gave, to prefill the form
    # that opens the account. Never copied onto an existing account.
    name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    department: Mapped[str] = mapped_column(String(200), default="", server_default="")
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id", ondelete="SET NULL"), default=None)

    cohort: Mapped[Cohort] = relationship(lazy="joined")

    def status(self, now: datetime) -> str:
        """'accepted', 'declined', 'revoked', 'expired' or 'pending'."""
        if self.accepted_at is not None:
            return "accepted"
        if self.declined_at is not None:
            return "declined"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"
