"""Session cookies a worker has checked are kept (training/web/session_cookie.py): the same bytes
are answered as Flask would answer them — the same session, expiry included — and anything
else goes through Flask's own check."""

from __future__ import annotations

import time

from flask import request

from tests import factories
from training.web.session_cookie import KeptCookieSessionInterface


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_checked_cookie_is_kept_and_gives_the_same_session(app, client, login):
    interface = app.session_interface
    assert isinstance(interface, KeptCookieSessionInterface)
    user = login(factories.user())
    cookie = _cookie(client)
    assert client.get("/learn/my").status_code == 200
    kept = interface._checked[cookie][1]
    assert kept["_user_id"] == user.get_id()
    assert client.get("/learn/my").status_code == 200  # from the kept check: still logged in
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        opened = interface.open_session(app, request)
        assert dict(opened) == kept and opened is not kept
        opened["csrf_token"] = "changed"  # a request's session is its own copy
    assert interface._checked[cookie][1] == kept


def test_an_expired_kept_cookie_opens_an_empty_session(app, client, login, monkeypatch):
    login(factories.user())
    client.get("/learn/my")  # the page's CSRF token goes into the session: a new cookie
    cookie = _cookie(client)
    client.get("/learn/my")
    assert cookie in app.session_interface._checked
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 5
    monkeypatch.setattr(time, "time", lambda: later)  # the kept check and Flask's own
    response = client.get("/learn/my")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert cookie not in app.session_interface._checked


def test_a_forged_cookie_is_never_kept(app, client, login):
    login(factories.user())
    cookie = _cookie(client)
    forged = cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB")
    client.set_cookie("session", forged)
    response = client.get("/learn/my")
    assert response.status_code == 302
    assert forged not in app.session_interface._checked


def test_a_session_holding_flashed_messages_is_decoded_each_time(app, client):
    with client.session_transaction() as sess:
        sess["_flashes"] = [("info", "Hello")]
    cookie = _cookie(client)
    client.get("/learn/")
    assert cookie not in app.session_interface._checked
