"""Programmes: many cities over several years (cohorts belong to one), who manages them, and
what each city agreed to share of its scorecard (docs/programmes.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.models.base import pick, utcnow


class Programme(db.Model):
    """A named programme ("MCR2030 China, 2019–2023") with its cities and period (years)."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    start_year: Mapped[int] = mapped_column()
    end_year: Mapped[int] = mapped_column()
    # Made by `flask setup` for `make run` (fictional cities and people); never by --no-demo.
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def name(self, locale: str) -> str:
        return pick(self.name_en, self.name_zh, locale)

    @property
    def period(self) -> str:
        if self.end_year == self.start_year:
            return str(self.start_year)
        return f"{self.start_year}–{self.end_year}"


class ProgrammeCity(db.Model):
    __tablename__ = "programme_city"
    __table_args__ = (UniqueConstraint("programme_id", "city_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)


class ProgrammeManager(db.Model):
    """A person who follows the programme (any role: a trainer may also manage a programme)."""

    __tablename__ = "programme_manager"
    __table_args__ = (UniqueConstraint("programme_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScorecardSharing(db.Model):
    """What a city agreed to share of its scorecard with the programmes it is part of. Rows are
    never changed: the newest row of a city is its setting, the older ones its history."""

    __tablename__ = "scorecard_sharing"

    PRIVATE, NAMED, ANONYMISED = "private", "named", "anonymised"
    LEVELS = (PRIVATE, NAMED, ANONYMISED)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(12), default=PRIVATE)
    # In what capacity it was set: "lead" (delegation lead), "trainer" (assigned), "admin".
    capacity: Mapped[str] = mapped_column(String(10), default="")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), default=None)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
