"""Requests to speak for a city: a person asks to join a city's delegation (or a trainer to be
assigned to a city, see trainer_cities), and the city's lead, a trainer assigned to the city or an
admin answers. Asking twice keeps one request; every answer is recorded with who and when."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training.extensions import db
from training.models import City, CityMembership, CityRequest, User
from training.models.base import utcnow
from training.services.city_access import (
    MEMBER,
    NotAllowed,
    _add_membership,
    can_manage_members,
    get_membership,
    vouching_capacity,
)


class AlreadyDecided(Exception):
    """The request was approved or refused already."""


def _pending(kind: str, user: User, city: City) -> CityRequest | None:
    return db.session.scalar(
        select(CityRequest).where(
            CityRequest.kind == kind,
            CityRequest.user_id == user.id,
            CityRequest.city_id == city.id,
            CityRequest.decided_at.is_(None),
        )
    )


def _add_request(kind: str, user: User, city: City) -> CityRequest:
    existing = _pending(kind, user, city)
    if existing is not None:
        return existing
    request = CityRequest(kind=kind, user_id=user.id, city_id=city.id)
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError:  # the same person in two tabs
        found = _pending(kind, user, city)
        if found is None:
            raise
        return found
    db.session.commit()
    return request


def request_membership(user: User, city: City) -> CityRequest | None:
    """Ask to join the city's delegation; asking twice keeps one request. None when the user is
    a member already."""
    if get_membership(user, city) is not None:
        return None
    return _add_request(MEMBER, user, city)


def get_pending_request(user: User, city: City) -> CityRequest | None:
    return _pending(MEMBER, user, city)


def get_request(request_id: int) -> CityRequest | None:
    return db.session.get(CityRequest, request_id)


@dataclass
class RequestRow:
    request: CityRequest
    user: User
    city: City


def list_pending_requests(city: City | None = None, kind: str = MEMBER) -> list[RequestRow]:
    """Requests waiting for an answer, oldest first (of one city, or of every city)."""
    query = (
        select(CityRequest, User, City)
        .join(User, User.id == CityRequest.user_id)
        .join(City, City.id == CityRequest.city_id)
        .where(CityRequest.kind == kind, CityRequest.decided_at.is_(None))
        .order_by(CityRequest.requested_at, CityRequest.id)
    )
    if city is not None:
        query = query.where(CityRequest.city_id == city.id)
    return [RequestRow(r, u, c) for r, u, c in db.session.execute(query).all()]


def _decide(request: CityRequest, by: User, approved: bool) -> None:
    if request.decided_at is not None:
        raise AlreadyDecided()
    request.decided_at = utcnow()
    request.decided_by_id = by.id
    request.approved = approved


def approve_request(request: CityRequest, by: User) -> CityMembership:
    """The city's lead, a trainer assigned to the city or an admin approves: the person becomes
    a member, recorded as granted by `by` in that capacity."""
    city = db.session.get(City, request.city_id)
    user = db.session.get(User, request.user_id)
    if request.kind != MEMBER or city is None or user is None:
        raise NotAllowed()
    capacity = vouching_capacity(by, city)
    if capacity is None:
        raise NotAllowed()
    _decide(request, by, True)
    membership = _add_membership(city, user, capacity, by.id, None)
    db.session.commit()
    return membership


def refuse_request(request: CityRequest, by: User) -> None:
    city = db.session.get(City, request.city_id)
    if request.kind != MEMBER or city is None or not can_manage_members(by, city):
        raise NotAllowed()
    _decide(request, by, False)
    db.session.commit()
