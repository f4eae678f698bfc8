"""Workshop cohorts: trainers, members, assigned modules, live sessions, attendance, certificates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import db
from training.models.base import utcnow
from training.models.city import City
from training.models.content import Module


class Cohort(db.Model):
    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    starts_on: Mapped[date | None] = mapped_column(Date, default=None)
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    joining_open: Mapped[bool] = mapped_column(default=True)
    inactive_days: Mapped[int] = mapped_column(default=7)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The programme the cohort belongs to (training/services/programmes/), if any.
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme.id", ondelete="SET NULL"), index=True, default=None
    )

    city: Mapped[City] = relationship(lazy="joined")


class CohortTrainer(db.Model):
    __tablename__ = "cohort_trainer"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)


class CohortModule(db.Model):
    __tablename__ = "cohort_module"
    __table_args__ = (UniqueConstraint("cohort_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    position: Mapped[int] = mapped_column(default=0)

    module: Mapped[Module] = relationship(lazy="raise")


class CohortMember(db.Model):
    __tablename__ = "cohort_member"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The delegation lead, named by a trainer: may record the agreed city scores.
    is_lead: Mapped[bool] = mapped_column(default=False)
    # A member whose profile names another city than the cohort's: a trainer confirmed them
    # (the warning on the cohort page is then no longer shown). None: not confirmed (yet).
    other_city_confirmed_at: Mapped[datetime | None] = mapped_column(default=None)


class CohortSession(db.Model):
    """A live workshop session of a cohort (date and place)."""

    __tablename__ = "cohort_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    # Start and end in UTC (naive datetimes, like every timestamp here); shown in the city's zone.
    # Sessions created before times existed have only `held_on` (a local date).
    starts_at: Mapped[datetime | None] = mapped_column(default=None)
    ends_at: Mapped[datetime | None] = mapped_column(default=None)
    online_url: Mapped[str] = mapped_column(String(500), default="")


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("cohort_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    present: Mapped[bool] = mapped_column(default=True)


class Certificate(db.Model):
    """Issued when a member completes every module assigned in a cohort. The snapshot keeps
    what the certificate says even if names change later."""

    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("user_id", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {"name", "cohort", "city": {"en","zh"}, "modules": [{"en","zh"}], "date"}
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
