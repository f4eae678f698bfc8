"""Who is logged in, and how many unread notifications they have, in one query per request.

Every logged-in page loads its user (Flask-Login's user loader, with the session version that
ends older sessions when the password changes) and shows the unread notifications' count in the
bar under the header (templates/notifications/_badge.html). Both were a query of their own; the
loader now reads the count with the user, as a scalar subquery, and keeps it on `g` for the bar.

The kept count is the database's at the moment the user was loaded. Anything this request
writes afterwards — a flush, a commit, an INSERT, UPDATE or DELETE run through the session —
drops it, and the bar counts again (as it always did): marking notifications read, or a
notification recorded for the person themself, shows at once.

The query is a Core statement, and its row is built into a User with its City in the request's
session as the ORM would load them (about a third of what loading the user cost was the ORM's
set-up of a query): an object the session already holds is the one returned, with what of it had
expired filled in from the row; a new one is added clean, with nothing to flush.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import g, has_app_context
from flask_login import LoginManager, current_user
from sqlalchemy import bindparam, event, func, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from training.database import read_columns
from training.extensions import db
from training.models import City, Notification, ProgrammeManager, User

# On `g`: what was read with the user, as a _ReadWithUser, until the request writes anything.
_READ_WITH_USER = "academy_read_with_user"


class _ReadWithUser(NamedTuple):
    user_id: int
    unread: int  # unread notifications
    manages: bool  # manages a programme


# Built once (every page runs it): building a statement costs more than running one this small.
_UNREAD = (
    select(func.count(Notification.id))
    .where(Notification.user_id == User.id, Notification.read_at.is_(None))
    .correlate(User)
    .scalar_subquery()
)
# Whether the person manages a programme: the header links to the programmes for them.
_MANAGES = select(ProgrammeManager.id).where(ProgrammeManager.user_id == User.id).correlate(User).exists()
_USERS, _CITIES = User.__table__, City.__table__
# The user's columns, their city's (the `city` relationship is joined: every page shows it) and
# the unread count, as a Core statement: the rows become objects below, without the ORM's set-up
# of a query (about a third of what loading the user cost).
_USER_AND_UNREAD = (
    select(*_USERS.c, *_CITIES.c, _UNREAD.label("unread"), _MANAGES.label("manages"))
    .select_from(_USERS.outerjoin(_CITIES, _CITIES.c.id == _USERS.c.city_id))
    .where(_USERS.c.id == bindparam("id"))
)
_USER_KEYS = tuple(User.__mapper__.get_property_by_column(c).key for c in _USERS.c)
_CITY_KEYS = tuple(City.__mapper__.get_property_by_column(c).key for c in _CITIES.c)


def load_user(token: str) -> User | None:
    """The user of a session token "<id>:<session version>", None when the version is stale."""
    user_id, _, version = token.partition(":")
    if not user_id.isdigit():
        return None
    row = read_columns(_USER_AND_UNREAD, {"id": int(user_id)}).one_or_none()
    if row is None:
        return None
    user = _user_from_row(tuple(row))
    if str(user.session_version) != version:
        return None  # the password changed: older sessions end
    setattr(g, _READ_WITH_USER, _ReadWithUser(user.id, row.unread, bool(row.manages)))
    return user


def _user_from_row(values: tuple) -> User:
    """The User (with its City) of a row of _USER_AND_UNREAD, in the session as the ORM would
    load it: an object the session already holds is the one returned, with whatever of it had
    expired filled in from the row."""
    user_values = dict(zip(_USER_KEYS, values, strict=False))
    city = new_city = None
    if user_values["city_id"] is not None:
        city_values = dict(zip(_CITY_KEYS, values[len(_USER_KEYS) :], strict=False))
        city, new_city = _loaded(City, city_values)
    user_values["city"] = city
    user, new_user = _loaded(User, user_values)
    # The new ones become persistent (clean: nothing to flush); adding the user adds its city.
    if new_user:
        db.session.add(user)
    elif new_city:
        db.session.add(city)
    return user


def _loaded(model, values: dict) -> tuple:
    """The object of `model` with these values, and whether it is new (not in the session)."""
    key = model.__mapper__.identity_key_from_primary_key((values["id"],))
    found = db.session.identity_map.get(key)
    if found is None:
        obj = model.__mapper__.class_manager.new_instance()
        obj.__dict__.update(values)  # as loaded: committed, nothing changed
        make_transient_to_detached(obj)
        return obj, True
    for name in inspect(found).unloaded.intersection(values):
        set_committed_value(found, name, values[name])
    return found, False


def _read_with_user() -> _ReadWithUser | None:
    """What was read with the logged-in person, if nothing has been written since."""
    kept = g.get(_READ_WITH_USER)
    return kept if kept is not None and kept.user_id == current_user.id else None


def unread_count() -> int:
    """The logged-in person's unread notifications: the count read with them if nothing has
    been written since, else one COUNT query. 0 when nobody is logged in."""
    if not current_user.is_authenticated:
        return 0
    kept = _read_with_user()
    if kept is not None:
        return kept.unread
    from training.services.notifications import count_unread

    return count_unread(current_user)


def manages_programmes() -> bool:
    """Whether the logged-in person manages a programme: read with them if nothing has been
    written since, else one query. False when nobody is logged in."""
    if not current_user.is_authenticated:
        return False
    kept = _read_with_user()
    if kept is not None:
        return kept.manages
    from training.services.programmes.access import manages_any

    return manages_any(current_user)


def shows_programmes() -> bool:
    """Whether the header links to the programmes: for trainers and admins, and for anyone who
    manages a programme whatever their role. The header's drawing and its kept copy's key both
    ask this."""
    if not current_user.is_authenticated:
        return False
    return current_user.role in ("trainer", "admin") or manages_programmes()


def _forget(*_args) -> None:
    if has_app_context():
        g.pop(_READ_WITH_USER, None)


def _forget_on_write(orm_execute_state) -> None:
    if not orm_execute_state.is_select:
        _forget()


def init_session_user(login_manager: LoginManager) -> None:
    login_manager.user_loader(load_user)
    # On every session class (the tests' sessions are plain SQLAlchemy ones), once a process.
    if not event.contains(Session, "after_flush", _forget):
        for name in ("after_flush", "after_commit", "after_bulk_update", "after_bulk_delete"):
            event.listen(Session, name, _forget)
        event.listen(Session, "do_orm_execute", _forget_on_write)
