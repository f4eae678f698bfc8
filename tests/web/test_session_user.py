"""The user and their unread-notifications count, read in one query (training/web/session_user.py):
each person sees their own count, and whatever the request writes after the user was loaded is
counted again."""

from __future__ import annotations

from flask_login import login_user
from sqlalchemy import inspect, select, update

from tests import factories
from training.extensions import db
from training.models import City, User
from training.services import notifications
from training.web.session_user import load_user, unread_count

BADGE = 'class="badge" aria-label="{} unread"'


def _notify(user, n: int) -> None:
    for k in range(n):
        notifications.notify(user, notifications.CERTIFICATE_ISSUED, {"n": k}, email=False)
    db.session.commit()


def test_each_person_sees_their_own_unread_count_and_reading_them_clears_it(client, login):
    busy, quiet = factories.user(name="Busy"), factories.user(name="Quiet")
    _notify(busy, 2)
    _notify(quiet, 1)
    login(busy)
    assert BADGE.format(2) in client.get("/learn/").get_data(as_text=True)
    _notify(busy, 1)  # recorded between two requests: the next page counts it
    assert BADGE.format(3) in client.get("/learn/").get_data(as_text=True)
    login(quiet)
    assert BADGE.format(1) in client.get("/learn/").get_data(as_text=True)
    page = client.post("/notifications/read", follow_redirects=True).get_data(as_text=True)
    assert "unread" not in page  # marked read, then the list page: no badge
    assert "unread" not in client.get("/learn/").get_data(as_text=True)


def test_a_write_after_the_user_was_loaded_is_counted_again(app, db_session):
    user, other = factories.user(name="Reader"), factories.user(name="Other")
    _notify(user, 2)
    _notify(other, 1)
    with app.test_request_context("/learn/"):
        loaded = load_user(user.get_id())
        login_user(loaded)
        assert unread_count() == 2
        notifications.notify(loaded, notifications.CERTIFICATE_ISSUED, {"n": 9}, email=False)  # a flush
        assert unread_count() == 3
        notifications.mark_all_read(loaded)  # an UPDATE through the session, then a commit
        assert unread_count() == 0
    with app.test_request_context("/learn/"):
        login_user(load_user(user.get_id()))
        assert unread_count() == 0  # nothing written since: the count read with the user
        login_user(other)  # another person in the same request: never the first one's count
        assert unread_count() == 1


def test_a_session_of_an_older_password_or_a_bad_token_loads_nobody(app, db_session):
    user = factories.user()
    with app.test_request_context("/"):
        assert load_user(user.get_id()) is not None
        stale = f"{user.id}:{user.session_version + 1}"
        assert load_user(stale) is None
        assert load_user("x:1") is None
        assert load_user("999999:0") is None


# --- the user is built from a Core row (no ORM query set-up) and must behave as a loaded one ---


def _columns(obj) -> dict:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}


def test_the_user_built_from_the_row_is_the_one_the_orm_would_load(app, db_session, count_queries):
    user = factories.user(name="Row Built", city_name="Kunming")
    token, user_id = user.get_id(), user.id
    db_session.expunge_all()  # a new request's session: nothing held yet
    orm_user = db_session.get(User, user_id)
    expected, expected_city = _columns(orm_user), _columns(orm_user.city)
    db_session.expunge_all()
    with app.test_request_context("/"):
        loaded = load_user(token)
        with count_queries() as counter:
            assert _columns(loaded) == expected
            assert _columns(loaded.city) == expected_city
            assert db_session.get(User, user_id) is loaded  # the session holds it: no query
            assert db_session.get(City, loaded.city_id) is loaded.city
        assert counter.count == 0
        state = inspect(loaded)
        assert state.persistent and not state.modified and inspect(loaded.city).persistent
        assert not db_session.new and not db_session.dirty
        assert db_session.scalars(select(User).where(User.id == user_id)).one() is loaded


def test_a_change_through_the_built_user_is_stored(app, db_session):
    user = factories.user(name="Before")
    token, user_id = user.get_id(), user.id
    db_session.expunge_all()
    with app.test_request_context("/"):
        loaded = load_user(token)
        loaded.name = "After"
        db_session.commit()
    db_session.expunge_all()
    assert db_session.get(User, user_id).name == "After"


def test_a_user_without_a_city(app, db_session, count_queries):
    user = factories.user()
    user.city_id = None
    db_session.commit()
    token = user.get_id()
    db_session.expunge_all()
    with app.test_request_context("/"):
        loaded = load_user(token)
        with count_queries() as counter:
            assert loaded.city is None
        assert counter.count == 0


def test_a_user_the_session_holds_expired_is_refreshed_from_the_row(app, db_session, count_queries):
    user = factories.user(name="Held", city_name="Nanning")
    token = user.get_id()
    db_session.execute(update(User).where(User.id == user.id).values(name="Renamed elsewhere"))
    db_session.expire_all()  # as after a commit: the held objects must be read again
    with app.test_request_context("/"):
        with count_queries() as counter:
            loaded = load_user(token)
            assert loaded is user  # the object the session holds, as the ORM returns
            assert loaded.name == "Renamed elsewhere" and loaded.city.name_en == "Nanning"
        assert counter.count == 1, counter.statements  # the user's row only
