"""Who speaks for a city. The city on a profile is what a person says; reading or answering a
city's scorecard needs a membership someone accountable vouched for (a cohort of the city joined
with its code or invitation, the delegation lead, a trainer assigned to the city, an admin), and
trainers act only in the cities an admin assigned them to. Everything here is recorded with who
and when, and revoked rather than deleted. Asking to join a city and answering: city_requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from training.extensions import db
from training.models import (
    City,
    CityMembership,
    CityRequest,
    Cohort,
    CohortMember,
    CohortTrainer,
    Role,
    TrainerCity,
    User,
)
from training.models.base import utcnow

MEMBER, TRAINER = "member", "trainer"


class NotAllowed(Exception):
    """The acting user may not do this for this city."""


# --- who is what -------------------------------------------------------------------------


def get_membership(user: User, city: City) -> CityMembership | None:
    """The user's active membership of the city, if any."""
    return db.session.scalar(_MEMBERSHIP, {"user_id": user.id, "city_id": city.id})


# Built once: every scorecard page checks it.
_MEMBERSHIP = select(CityMembership).where(
    CityMembership.user_id == bindparam("user_id"),
    CityMembership.city_id == bindparam("city_id"),
    CityMembership.revoked_at.is_(None),
)


def is_city_member(user: User, city: City) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and get_membership(user, city) is not None


def is_assigned_trainer(user: User, city: City) -> bool:
    """A trainer an admin assigned to this city (and who is still a trainer)."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.TRAINER:
        return False
    return (
        db.session.scalar(
            select(TrainerCity.id).where(
                TrainerCity.user_id == user.id,
                TrainerCity.city_id == city.id,
                TrainerCity.revoked_at.is_(None),
            )
        )
        is not None
    )


def is_delegation_lead(user: User, city: City) -> bool:
    """Named lead in a cohort of this city, and still a member of the city."""
    if not getattr(user, "is_authenticated", False):
        return False
    lead = db.session.scalar(
        select(CohortMember.id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.user_id == user.id, CohortMember.is_lead, Cohort.city_id == city.id)
        .limit(1)
    )
    return lead is not None and is_city_member(user, city)


def can_view_city_scorecard(user: User, city: City) -> bool:
    """Scorecard answers are sensitive: the city's members, the trainers assigned to the city
    and admins. An editor, or a trainer without the assignment, gets nothing."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return True
    return is_city_member(user, city) or is_assigned_trainer(user, city)


def can_edit_city_scorecard(user: User, city: City) -> bool:
    return can_view_city_scorecard(user, city)


def vouching_capacity(user: User, city: City) -> str | None:
    """In what capacity this user may vouch for people of the city: "admin", "trainer" (assigned
    to the city), "lead" (the delegation's lead) — or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.role == Role.ADMIN:
        return "admin"
    if is_assigned_trainer(user, city):
        return "trainer"
    if user.role != Role.EDITOR and is_delegation_lead(user, city):
        return "lead"
    return None


def can_manage_members(user: User, city: City) -> bool:
    """Approve or refuse requests, grant and revoke memberships of the city."""
    return vouching_capacity(user, city) is not None


# --- memberships -------------------------------------------------------------------------


def _add_membership(
    city: City, user: User, how: str, granted_by_id: int | None, cohort_id: int | None
) -> CityMembership:
    """Insert an active membership (flushed, not committed); an active one is kept as it is."""
    existing = get_membership(user, city)
    if existing is not None:
        return existing
    membership = CityMembership(
        user_id=user.id, city_id=city.id, how=how, cohort_id=cohort_id, granted_by_id=granted_by_id
    )
    try:
        with db.session.begin_nested():
            db.session.add(membership)
    except IntegrityError:  # granted at the same moment by someone else: keep theirs
        found = get_membership(user, city)
        if found is None:
            raise
        return found
    return membership


def grant_membership(
    city: City, user: User, granted_by: User | None, how: str, cohort: Cohort | None = None
) -> CityMembership:
    """Make `user` a member of the city. A cohort grants it when someone joins it (its code or
    invitation is the voucher); otherwise `granted_by` must be allowed to vouch for the city.
    A member stays a member with the membership they already have."""
    if how not in CityMembership.HOWS:
        raise ValueError(how)
    if how == "cohort":
        if cohort is None or cohort.city_id != city.id:
            raise ValueError("a cohort membership needs a cohort of the city")
        granted_by_id = granted_by.id if granted_by is not None else cohort_voucher_id(cohort)
        membership = _add_membership(city, user, how, granted_by_id, cohort.id)
    else:
        if granted_by is None or vouching_capacity(granted_by, city) is None:
            raise NotAllowed()
        membership = _add_membership(city, user, how, granted_by.id, None)
    db.session.commit()
    return membership


def cohort_voucher_id(cohort: Cohort) -> int | None:
    """Who vouches for the people joining a cohort: its creator, else its first trainer."""
    if cohort.created_by_id is not None:
        return cohort.created_by_id
    return db.session.scalar(
        select(CohortTrainer.user_id)
        .where(CohortTrainer.cohort_id == cohort.id)
        .order_by(CohortTrainer.id)
        .limit(1)
    )


def add_cohort_membership(cohort: Cohort, user: User) -> None:
    """Joining a cohort makes its member a member of the cohort's city (not committed)."""
    _add_membership(cohort.city, user, "cohort", cohort_voucher_id(cohort), cohort.id)


def drop_cohort_membership(cohort: Cohort, user_id: int, actor: User | None = None) -> None:
    """Leaving a cohort revokes the membership that cohort granted (only that one); if another
    cohort of the same city still counts the person among its members, it vouches instead."""
    membership = db.session.scalar(
        select(CityMembership).where(
            CityMembership.user_id == user_id,
            CityMembership.cohort_id == cohort.id,
            CityMembership.revoked_at.is_(None),
        )
    )
    if membership is None:
        return
    membership.revoked_at = utcnow()
    membership.revoked_by_id = actor.id if actor is not None else None
    db.session.flush()
    other = db.session.scalar(
        select(Cohort)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id, Cohort.city_id == cohort.city_id, Cohort.id != cohort.id)
        .order_by(CohortMember.joined_at, Cohort.id)
        .limit(1)
    )
    user = db.session.get(User, user_id)
    if other is not None and user is not None:
        _add_membership(other.city, user, "cohort", cohort_voucher_id(other), other.id)


def revoke_membership(membership: CityMembership, by: User) -> None:
    """End a membership (kept in the record). Allowed to those who may vouch for the city."""
    city = db.session.get(City, membership.city_id)
    if city is None or not can_manage_members(by, city):
        raise NotAllowed()
    if membership.revoked_at is None:
        membership.revoked_at = utcnow()
        membership.revoked_by_id = by.id
        db.session.commit()


def get_city_membership(city: City, membership_id: int) -> CityMembership | None:
    membership = db.session.get(CityMembership, membership_id)
    return membership if membership is not None and membership.city_id == city.id else None


@dataclass
class MemberRow:
    membership: CityMembership
    user: User
    granted_by: str  # the voucher's name, "" when unknown (e.g. the account was deleted)
    cohort: str  # the cohort's name when a cohort granted it

    @property
    def granted_at(self) -> datetime:
        return self.membership.granted_at


def list_members(city: City) -> list[MemberRow]:
    """The city's active members, by name, with who vouched for them, in one query."""
    voucher = aliased(User)
    rows = db.session.execute(
        select(CityMembership, User, voucher.name, Cohort.name)
        .join(User, User.id == CityMembership.user_id)
        .outerjoin(voucher, voucher.id == CityMembership.granted_by_id)
        .outerjoin(Cohort, Cohort.id == CityMembership.cohort_id)
        .where(CityMembership.city_id == city.id, CityMembership.revoked_at.is_(None))
        .order_by(User.name, User.id)
    ).all()
    return [MemberRow(m, u, by or "", cohort or "") for m, u, by, cohort in rows]


def list_member_cities(user: User) -> list[City]:
    """The cities this user is a member of."""
    return list(db.session.scalars(_MEMBER_CITIES, {"user_id": user.id}))


# Built once: My learning and the scorecard's index run it.
_MEMBER_CITIES = (
    select(City)
    .join(CityMembership, CityMembership.city_id == City.id)
    .where(CityMembership.user_id == bindparam("user_id"), CityMembership.revoked_at.is_(None))
    .order_by(City.name_en)
)


def list_trainer_cities(user: User) -> list[City]:
    """The cities an admin assigned this trainer to (none for any other role)."""
    if user.role != Role.TRAINER:
        return []
    return list(
        db.session.scalars(
            select(City)
            .join(TrainerCity, TrainerCity.city_id == City.id)
            .where(TrainerCity.user_id == user.id, TrainerCity.revoked_at.is_(None))
            .order_by(City.name_en)
        )
    )


def list_scorecard_cities(user: User) -> list[City]:
    """Every city whose scorecard this user may open."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.role == Role.ADMIN:
        return list(db.session.scalars(select(City).order_by(City.name_en)))
    found = {c.id: c for c in list_member_cities(user)}
    for c in list_trainer_cities(user):
        found.setdefault(c.id, c)
    return sorted(found.values(), key=lambda c: c.name_en)


def scorecard_city_for(user: User) -> City | None:
    """The one city whose scorecard is "your city's" for this user: the profile city if they are
    a member of it, else their only membership; None when they are a member of no city or of
    several (then they choose)."""
    cities = list_member_cities(user)
    if user.city_id is not None:
        for city in cities:
            if city.id == user.city_id:
                return city
    return cities[0] if len(cities) == 1 else None


def end_all_access(user: User) -> None:
    """A deleted account leaves every delegation and city (revoked, not committed)."""
    now = utcnow()
    for table in (CityMembership, TrainerCity):
        db.session.execute(
            update(table)
            .where(table.user_id == user.id, table.revoked_at.is_(None))
            .values(revoked_at=now, revoked_by_id=user.id)
        )
    db.session.execute(
        update(CityRequest)
        .where(CityRequest.user_id == user.id, CityRequest.decided_at.is_(None))
        .values(decided_at=now, approved=False)
    )


# --- demo data ---------------------------------------------------------------------------


def get_city_by_name(name_en: str) -> City | None:
    return db.session.scalar(select(City).where(City.name_en == name_en).limit(1))


def ensure_demo_access(
    trainee: User | None, trainer: User | None, admin: User | None, city: City | None
) -> None:
    """`flask setup`: the demo trainer is assigned to the demo city, and the demo trainee is a
    member of it, granted by the demo admin (idempotent; never revives a revoked row)."""
    if city is None:
        return
    if trainer is not None and trainer.role == Role.TRAINER:
        had = db.session.scalar(
            select(TrainerCity.id).where(TrainerCity.user_id == trainer.id, TrainerCity.city_id == city.id)
        )
        if had is None:
            from training.services.trainer_cities import _add_assignment  # it imports this module

            _add_assignment(trainer, city, "admin", admin)
    if trainee is not None:
        had = db.session.scalar(
            select(CityMembership.id).where(
                CityMembership.user_id == trainee.id, CityMembership.city_id == city.id
            )
        )
        if had is None:
            _add_membership(city, trainee, "admin", admin.id if admin is not None else None, None)
    db.session.commit()
