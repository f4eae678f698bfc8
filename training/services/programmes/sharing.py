"""What each city agreed to share of its scorecard with the programmes it is part of.

Three levels: private (the default: nothing of the scorecard leaves the city's delegation, its
trainers and admins), named (scores shown under the city's name) and anonymised (scores shown
under a letter, "City C", that does not follow the alphabetical order of the names). Set by
the delegation lead, a trainer assigned to the city or an administrator; every change is a new
row with who and when, so the newest row is the setting and the older ones its history.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from training.extensions import db
from training.models import City, ScorecardSharing, User
from training.services import city_access

PRIVATE, NAMED, ANONYMISED = ScorecardSharing.PRIVATE, ScorecardSharing.NAMED, ScorecardSharing.ANONYMISED
LEVELS = ScorecardSharing.LEVELS
SHARED = (NAMED, ANONYMISED)


class NotAllowed(Exception):
    pass


def sharing_capacity(user: User | None, city: City) -> str | None:
    """ "lead", "trainer" or "admin" when `user` may set the city's sharing, else None (the
    same people who vouch for the delegation: training/services/city_access.py)."""
    if user is None:
        return None
    return city_access.vouching_capacity(user, city)


def can_set_sharing(user: User | None, city: City) -> bool:
    return sharing_capacity(user, city) is not None


def current_levels(city_ids: list[int]) -> dict[int, str]:
    """City id -> its sharing level (private when never set), in one query."""
    levels = dict.fromkeys(city_ids, PRIVATE)
    if not city_ids:
        return levels
    newest = (
        select(func.max(ScorecardSharing.id))
        .where(ScorecardSharing.city_id.in_(city_ids))
        .group_by(ScorecardSharing.city_id)
        .scalar_subquery()
    )
    for city_id, level in db.session.execute(
        select(ScorecardSharing.city_id, ScorecardSharing.level).where(ScorecardSharing.id.in_(newest))
    ):
        levels[city_id] = level if level in LEVELS else PRIVATE
    return levels


def get_level(city: City) -> str:
    return current_levels([city.id])[city.id]


def set_sharing(user: User, city: City, level: str) -> ScorecardSharing:
    """Record the city's new sharing level, with who set it, in what capacity and when."""
    capacity = sharing_capacity(user, city)
    if capacity is None:
        raise NotAllowed
    if level not in LEVELS:
        raise ValueError(f"unknown sharing level {level!r}")
    row = ScorecardSharing(city_id=city.id, level=level, capacity=capacity, set_by_id=user.id)
    db.session.add(row)
    db.session.commit()
    return row


@dataclass(frozen=True)
class SharingChange:
    level: str
    capacity: str
    set_by: str
    set_at: datetime


def sharing_history(city: City, limit: int = 50) -> list[SharingChange]:
    """The city's settings, newest first, with the name of who set each one."""
    rows = db.session.execute(
        select(ScorecardSharing, User.name)
        .outerjoin(User, User.id == ScorecardSharing.set_by_id)
        .where(ScorecardSharing.city_id == city.id)
        .order_by(ScorecardSharing.id.desc())
        .limit(limit)
    ).all()
    return [SharingChange(row.level, row.capacity, name or "", row.set_at) for row, name in rows]


def _letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA …"""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def anonymous_letters(programme_id: int, city_ids: list[int]) -> dict[int, str]:
    """A letter per anonymised city of a programme: stable for the programme, ordered by a hash
    of (programme, city) so the letters say nothing about the names or the ids' order."""

    def key(city_id: int) -> str:
        return hashlib.sha256(f"programme-{programme_id}-city-{city_id}".encode()).hexdigest()

    return {city_id: _letters(i) for i, city_id in enumerate(sorted(city_ids, key=key))}
