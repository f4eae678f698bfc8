"""Who speaks for a city: memberships someone vouched for, trainers' city assignments, and the
requests waiting for either. The city on a profile is what a person says; these rows are what
someone accountable granted, with who and when, and they are revoked rather than deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.models.base import utcnow

ACTIVE = text("revoked_at IS NULL")
PENDING = text("decided_at IS NULL")


class CityMembership(db.Model):
    """A person belongs to a city's delegation: they may read and answer its scorecard.

    `how`: "cohort" (joined a cohort of the city; `cohort_id` says which), "lead" (approved by
    the delegation lead), "trainer" (granted or approved by a trainer assigned to the city),
    "admin" (granted or approved by an administrator)."""

    __tablename__ = "city_membership"
    __table_args__ = (
        Index(
            "uq_city_membership_active",
            "user_id",
            "city_id",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
    )

    HOWS = ("cohort", "lead", "trainer", "admin")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    how: Mapped[str] = mapped_column(String(20))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"), default=None)
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class TrainerCity(db.Model):
    """An administrator assigned this trainer to the city: they may run its cohorts and
    workshops and see its scorecard. `how`: "admin" (assigned), "request" (asked and approved),
    "cohort" (carried over from the cohorts a trainer already trained when this was introduced)."""

    __tablename__ = "trainer_city"
    __table_args__ = (
        Index(
            "uq_trainer_city_active",
            "user_id",
            "city_id",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    how: Mapped[str] = mapped_column(String(20), default="admin")
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )


class CityRequest(db.Model):
    """Someone asks to join a city's delegation (`kind` "member") or to train in a city
    (`kind` "trainer"). Pending until decided; `approved` records the answer."""

    __tablename__ = "city_request"
    __table_args__ = (
        Index(
            "uq_city_request_pending",
            "kind",
            "user_id",
            "city_id",
            unique=True,
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    approved: Mapped[bool | None] = mapped_column(default=None)
