"""Workshop cohorts: who trains and who belongs, joining, assigned modules, live sessions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError

from training.extensions import db
from training.models import (
    Attendance,
    City,
    Cohort,
    CohortMember,
    CohortModule,
    CohortSession,
    CohortTrainer,
    Module,
    Role,
    User,
)
from training.services import city_access

# No 0/O, 1/I/L: codes are read aloud and typed from a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class CohortRefused(Exception):
    """The cohort was not saved: 'city' (the actor is not assigned to the city) or 'trainers'
    (`names` are trainers not assigned to the city)."""

    def __init__(self, reason: str, names: list[str] | None = None):
        self.reason = reason
        self.names = names or []
        super().__init__(reason)


class JoinRefused(Exception):
    """Why a join code did not work: 'unknown' or 'closed'."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


# --- permissions -------------------------------------------------------------------------


def is_trainer_of(user: User, cohort: Cohort) -> bool:
    return (
        db.session.scalar(
            select(CohortTrainer.id).where(
                CohortTrainer.cohort_id == cohort.id, CohortTrainer.user_id == user.id
            )
        )
        is not None
    )


def can_create_cohort(user: User, city: City | None = None) -> bool:
    """Trainers and admins create cohorts; in a given city, a trainer only if an admin assigned
    them to it (admins anywhere)."""
    if not user.is_authenticated or user.role not in (Role.TRAINER, Role.ADMIN):
        return False
    return city is None or user.role == Role.ADMIN or city_access.is_assigned_trainer(user, city)


def can_manage_cohort(user: User, cohort: Cohort) -> bool:
    """A trainer sees and manages only the cohorts they train, in the cities they are assigned
    to; an admin sees all."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    return (
        user.role == Role.TRAINER
        and is_trainer_of(user, cohort)
        and city_access.is_assigned_trainer(user, cohort.city)
    )


def trains_city(user: User, city: City) -> bool:
    """True when an admin assigned this trainer to the city (training/services/city_access.py)."""
    return city_access.is_assigned_trainer(user, city)


# --- reading -----------------------------------------------------------------------------


def get_cohort(cohort_id: int) -> Cohort | None:
    return db.session.get(Cohort, cohort_id)


def list_cohorts_for(user: User) -> list[Cohort]:
    """The cohorts this user may manage, newest first."""
    query = select(Cohort).order_by(Cohort.created_at.desc(), Cohort.id.desc())
    if user.role != Role.ADMIN:
        query = query.join(CohortTrainer, CohortTrainer.cohort_id == Cohort.id).where(
            CohortTrainer.user_id == user.id
        )
    return list(db.session.scalars(query))


def member_counts(cohorts: list[Cohort]) -> dict[int, int]:
    if not cohorts:
        return {}
    return dict(
        db.session.execute(
            select(CohortMember.cohort_id, func.count(CohortMember.id))
            .where(CohortMember.cohort_id.in_([c.id for c in cohorts]))
            .group_by(CohortMember.cohort_id)
        ).all()
    )


def list_modules(cohort: Cohort) -> list[Module]:
    """The cohort's assigned modules, in order."""
    return list(
        db.session.scalars(
            select(Module)
            .join(CohortModule, CohortModule.module_id == Module.id)
            .where(CohortModule.cohort_id == cohort.id, Module.active)
            .order_by(CohortModule.position)
        )
    )


def list_trainers(cohort: Cohort) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CohortTrainer, CohortTrainer.user_id == User.id)
            .where(CohortTrainer.cohort_id == cohort.id)
            .order_by(User.name)
        )
    )


def list_members(cohort: Cohort) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort.id)
            .order_by(User.name, User.id)
        )
    )


def is_member(user: User, cohort: Cohort) -> bool:
    return (
        db.session.scalar(
            select(CohortMember.id).where(
                CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id
            )
        )
        is not None
    )


def list_memberships(user: User) -> list[Cohort]:
    """The cohorts the user belongs to, newest first."""
    return list(db.session.scalars(_MEMBERSHIPS, {"user_id": user.id}))


def assigned_module_ids(user: User) -> list[int]:
    """Modules assigned to the user by any of their cohorts, in cohort order (first wins)."""
    rows = db.session.execute(_ASSIGNED, {"user_id": user.id}).all()
    seen: list[int] = []
    for (module_id,) in rows:
        if module_id not in seen:
            seen.append(module_id)
    return seen


# Built once: My learning runs both.
_MEMBERSHIPS = (
    select(Cohort)
    .join(CohortMember, CohortMember.cohort_id == Cohort.id)
    .where(CohortMember.user_id == bindparam("user_id"))
    .order_by(Cohort.created_at.desc(), Cohort.id.desc())
)
_ASSIGNED = (
    select(CohortModule.module_id)
    .join(CohortMember, CohortMember.cohort_id == CohortModule.cohort_id)
    .where(CohortMember.user_id == bindparam("user_id"))
    .order_by(CohortMember.joined_at, CohortModule.position)
)


# --- writing -----------------------------------------------------------------------------


@dataclass
class CohortValues:
    name: str
    city: City
    starts_on: date | None
    ends_on: date | None
    module_ids: list[int]
    trainer_ids: list[int]
    inactive_days: int = 7


def _check_city(actor: User, values: CohortValues) -> None:
    """Refuse a city the actor is not assigned to, or trainers not assigned to it."""
    if not can_create_cohort(actor, values.city):
        raise CohortRefused("city")
    wanted = set(values.trainer_ids) - {actor.id}
    if not wanted:
        return
    unassigned = [
        u.name
        for u in db.session.scalars(select(User).where(User.id.in_(wanted)).order_by(User.name))
        if u.role != Role.ADMIN and not city_access.is_assigned_trainer(u, values.city)
    ]
    if unassigned:
        raise CohortRefused("trainers", unassigned)


def create_cohort(creator: User, values: CohortValues) -> Cohort:
    """Raises CohortRefused when the creator (or a trainer named) is not assigned to the city."""
    _check_city(creator, values)
    for _ in range(5):
        cohort = Cohort(join_code=new_join_code(), created_by_id=creator.id)
        _apply(cohort, values)
        db.session.add(cohort)
        try:
            db.session.flush()
        except IntegrityError:  # join code collision: draw again
            db.session.rollback()
            continue
        trainer_ids = set(values.trainer_ids)
        if creator.role == Role.TRAINER:
            trainer_ids.add(creator.id)
        _set_trainers(cohort, trainer_ids)
        _set_modules(cohort, values.module_ids)
        db.session.commit()
        return cohort
    raise RuntimeError("could not draw a unique join code")


def update_cohort(cohort: Cohort, values: CohortValues, actor: User) -> None:
    """Raises CohortRefused like create_cohort."""
    _check_city(actor, values)
    _apply(cohort, values)
    trainer_ids = set(values.trainer_ids)
    if actor.role == Role.TRAINER:
        trainer_ids.add(actor.id)  # a trainer cannot remove themself by accident
    _set_trainers(cohort, trainer_ids)
    _set_modules(cohort, values.module_ids)
    db.session.commit()


def _apply(cohort: Cohort, values: CohortValues) -> None:
    cohort.name = values.name.strip()
    cohort.city_id = values.city.id
    cohort.starts_on, cohort.ends_on = values.starts_on, values.ends_on
    cohort.inactive_days = values.inactive_days


def _set_trainers(cohort: Cohort, user_ids: set[int]) -> None:
    db.session.execute(delete(CohortTrainer).where(CohortTrainer.cohort_id == cohort.id))
    for user_id in sorted(user_ids):
        db.session.add(CohortTrainer(cohort_id=cohort.id, user_id=user_id))


def _set_modules(cohort: Cohort, module_ids: list[int]) -> None:
    db.session.execute(delete(CohortModule).where(CohortModule.cohort_id == cohort.id))
    seen = []
    for module_id in module_ids:
        if module_id not in seen:
            seen.append(module_id)
    for position, module_id in enumerate(seen, start=1):
        db.session.add(CohortModule(cohort_id=cohort.id, module_id=module_id, position=position))


def list_trainer_candidates() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role.in_([Role.TRAINER, Role.ADMIN]), User.active).order_by(User.name)
        )
    )


def find_cohort_by_code(code: str) -> Cohort | None:
    return db.session.scalar(select(Cohort).where(Cohort.join_code == normalise_code(code)))


def join_cohort(user: User, code: str) -> Cohort:
    """Join with a code; joining twice is harmless. Raises JoinRefused."""
    cohort = find_cohort_by_code(code)
    if cohort is None:
        raise JoinRefused("unknown")
    if is_member(user, cohort):
        return cohort
    if not cohort.joining_open:
        raise JoinRefused("closed")
    add_member(cohort, user)
    return cohort


def add_member(cohort: Cohort, user: User) -> bool:
    """Add a member; False if they already were one (two clicks record one membership). The
    member becomes a member of the cohort's city, vouched for by the cohort's creator."""
    try:
        with db.session.begin_nested():
            db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id))
    except IntegrityError:
        return False
    city_access.add_cohort_membership(cohort, user)
    db.session.commit()
    return True


def remove_member(cohort: Cohort, user_id: int, actor: User | None = None) -> None:
    """Remove a member; the city membership this cohort granted them ends with it."""
    db.session.execute(
        delete(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id)
    )
    city_access.drop_cohort_membership(cohort, user_id, actor)
    db.session.commit()


def set_joining(cohort: Cohort, is_open: bool) -> None:
    cohort.joining_open = is_open
    db.session.commit()


# --- live sessions and attendance ----------------------------------------------------------


def list_sessions(cohort: Cohort) -> list[CohortSession]:
    return list(
        db.session.scalars(
            select(CohortSession)
            .where(CohortSession.cohort_id == cohort.id)
            .order_by(CohortSession.held_on, CohortSession.id)
        )
    )


def add_session(cohort: Cohort, title: str, held_on: date, place: str) -> CohortSession:
    session = CohortSession(cohort_id=cohort.id, title=title.strip(), held_on=held_on, place=place.strip())
    db.session.add(session)
    db.session.commit()
    return session


def get_session(cohort: Cohort, session_id: int) -> CohortSession | None:
    session = db.session.get(CohortSession, session_id)
    return session if session is not None and session.cohort_id == cohort.id else None


def record_attendance(session: CohortSession, present_ids: set[int], member_ids: list[int]) -> None:
    """Present/absent for every member of the cohort at this session (members only)."""
    existing = {
        a.user_id: a
        for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    }
    for user_id in member_ids:
        row = existing.get(user_id)
        if row is None:
            db.session.add(Attendance(session_id=session.id, user_id=user_id, present=user_id in present_ids))
        else:
            row.present = user_id in present_ids
    db.session.commit()


def attendance_map(cohort: Cohort) -> dict[tuple[int, int], bool]:
    """(session id, user id) -> present, for the whole cohort in one query."""
    rows = db.session.execute(
        select(Attendance.session_id, Attendance.user_id, Attendance.present)
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(CohortSession.cohort_id == cohort.id)
    ).all()
    return {(s, u): p for s, u, p in rows}
