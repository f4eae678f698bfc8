"""Trainers' cities: a trainer acts only in the cities an admin assigned (or approved on their
request); assignments are recorded with who and when and revoked rather than deleted. Who speaks
for a city otherwise: training/services/city_access.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from training.extensions import db
from training.models import City, CityRequest, Role, TrainerCity, User
from training.models.base import utcnow
from training.services.city_access import TRAINER, NotAllowed, is_assigned_trainer
from training.services.city_requests import _add_request, _decide


def _require_admin(user: User) -> None:
    if not getattr(user, "is_authenticated", False) or user.role != Role.ADMIN:
        raise NotAllowed()


def _add_assignment(trainer: User, city: City, how: str, by: User | None) -> TrainerCity:
    existing = db.session.scalar(
        select(TrainerCity).where(
            TrainerCity.user_id == trainer.id,
            TrainerCity.city_id == city.id,
            TrainerCity.revoked_at.is_(None),
        )
    )
    if existing is not None:
        return existing
    assignment = TrainerCity(
        user_id=trainer.id, city_id=city.id, how=how, granted_by_id=by.id if by is not None else None
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def assign_trainer_city(trainer: User, city: City, by: User) -> TrainerCity:
    """An admin assigns a trainer to a city."""
    _require_admin(by)
    if trainer.role != Role.TRAINER:
        raise ValueError("only a trainer is assigned to a city")
    assignment = _add_assignment(trainer, city, "admin", by)
    db.session.commit()
    return assignment


def revoke_trainer_city(assignment: TrainerCity, by: User) -> None:
    _require_admin(by)
    if assignment.revoked_at is None:
        assignment.revoked_at = utcnow()
        assignment.revoked_by_id = by.id
        db.session.commit()


def get_assignment(assignment_id: int) -> TrainerCity | None:
    return db.session.get(TrainerCity, assignment_id)


def request_trainer_city(trainer: User, city: City) -> CityRequest | None:
    """A trainer asks to train in a city; None when they are assigned already."""
    if trainer.role != Role.TRAINER:
        raise NotAllowed()
    if is_assigned_trainer(trainer, city):
        return None
    return _add_request(TRAINER, trainer, city)


def approve_trainer_city(request: CityRequest, by: User) -> TrainerCity:
    _require_admin(by)
    trainer = db.session.get(User, request.user_id)
    city = db.session.get(City, request.city_id)
    if request.kind != TRAINER or trainer is None or city is None:
        raise NotAllowed()
    _decide(request, by, True)
    if trainer.role != Role.TRAINER:  # no longer a trainer: the answer is recorded, nothing granted
        request.approved = False
        db.session.commit()
        raise ValueError("only a trainer is assigned to a city")
    assignment = _add_assignment(trainer, city, "request", by)
    db.session.commit()
    return assignment


def refuse_trainer_city(request: CityRequest, by: User) -> None:
    _require_admin(by)
    if request.kind != TRAINER:
        raise NotAllowed()
    _decide(request, by, False)
    db.session.commit()


@dataclass
class AssignmentRow:
    assignment: TrainerCity
    trainer: User
    city: City
    granted_by: str


def list_assignments() -> list[AssignmentRow]:
    """Every active trainer assignment, by trainer then city."""
    voucher = aliased(User)
    rows = db.session.execute(
        select(TrainerCity, User, City, voucher.name)
        .join(User, User.id == TrainerCity.user_id)
        .join(City, City.id == TrainerCity.city_id)
        .outerjoin(voucher, voucher.id == TrainerCity.granted_by_id)
        .where(TrainerCity.revoked_at.is_(None))
        .order_by(User.name, User.id, City.name_en)
    ).all()
    return [AssignmentRow(a, u, c, by or "") for a, u, c, by in rows]


def list_pending_trainer_requests(trainer: User) -> list[City]:
    """The cities this trainer asked for and is waiting on."""
    return list(
        db.session.scalars(
            select(City)
            .join(CityRequest, CityRequest.city_id == City.id)
            .where(
                CityRequest.kind == TRAINER,
                CityRequest.user_id == trainer.id,
                CityRequest.decided_at.is_(None),
            )
            .order_by(City.name_en)
        )
    )


def list_trainers() -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role == Role.TRAINER, User.active).order_by(User.name))
    )
