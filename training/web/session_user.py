"""Who is logged in, and how many unread notifications they have, in one query per request.

Every logged-in page loads its user (Flask-Login's user loader, with the session version that
ends older sessions when the password changes) and shows the unread notifications' count in the
bar under the header (templates/notifications/_badge.html). Both were a query of their own; the
loader now reads the count with the user, as a scalar subquery, and keeps it on `g` for the bar.

The kept count is the database's at the moment the user was loaded. Anything this request
writes afterwards — a flush, a commit, an INSERT, UPDATE or DELETE run through the session —
drops it, and the bar counts again (as it always did): marking notifications read, or a
notification recorded for the person themself, shows at once.
"""

from __future__ import annotations

from flask import g, has_app_context
from flask_login import LoginManager, current_user
from sqlalchemy import bindparam, event, func, select
from sqlalchemy.orm import Session

from training.extensions import db
from training.models import Notification, User

_KEPT = "academy_unread_kept"  # on `g`: (user id, unread count)

# Built once (every page runs it): building a statement costs more than running one this small.
_UNREAD = (
    select(func.count(Notification.id))
    .where(Notification.user_id == User.id, Notification.read_at.is_(None))
    .correlate(User)
    .scalar_subquery()
)
_USER_AND_UNREAD = select(User, _UNREAD).where(User.id == bindparam("id"))


def load_user(token: str) -> User | None:
    """The user of a session token "<id>:<session version>", None when the version is stale."""
    user_id, _, version = token.partition(":")
    if not user_id.isdigit():
        return None
    row = db.session.execute(_USER_AND_UNREAD, {"id": int(user_id)}).one_or_none()
    if row is None:
        return None
    user, unread = row
    if str(user.session_version) != version:
        return None  # the password changed: older sessions end
    setattr(g, _KEPT, (user.id, unread))
    return user


def unread_count() -> int:
    """The logged-in person's unread notifications: the count read with them if nothing has
    been written since, else one COUNT query. 0 when nobody is logged in."""
    if not current_user.is_authenticated:
        return 0
    kept = g.get(_KEPT)
    if kept is not None and kept[0] == current_user.id:
        return kept[1]
    from training.services.notifications import count_unread

    return count_unread(current_user)


def _forget(*_args) -> None:
    if has_app_context():
        g.pop(_KEPT, None)


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
