"""The site header is drawn once per language and role and kept; per request it gets the visitor's
CSRF token and the current path."""

from __future__ import annotations

import re

from tests import factories
from training.models import Role

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _header(client, path="/learn/", **headers) -> str:
    html = client.get(path, headers=headers).get_data(as_text=True)
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def test_each_role_sees_its_own_navigation_in_both_languages(client, login):
    anonymous = _header(client)
    assert "Log in" in anonymous and "My learning" not in anonymous
    login(factories.user())
    trainee = _header(client)
    assert "My learning" in trainee and "Administration" not in trainee and "Cohorts" not in trainee
    login(factories.user(role=Role.ADMIN))
    admin = _header(client)
    assert "Administration" in admin and "Cohorts" in admin
    login(factories.user())
    assert "Administration" not in _header(client)
    client.post("/language", data={"lang": "zh", "next": "/learn/"})
    zh = _header(client)
    assert "退出" in zh and "Log out" not in zh
    assert ">English</button>" in zh and ">中文</button>" not in zh  # the switch offers the other one


def test_the_language_switch_returns_to_this_page_and_escapes_it(client):
    header = _header(client, "/learn/?a=1&b=2")
    assert 'name="next" value="/learn/?a=1&amp;b=2"' in header
    assert "__ACADEMY_" not in header


def test_every_session_gets_its_own_token_in_the_header(app, db_session):
    first, second = app.test_client(), app.test_client()
    one, two = TOKEN.findall(_header(first)), TOKEN.findall(_header(second))
    assert one and two and set(one) != set(two)
    assert TOKEN.findall(_header(first)) == one  # the same session keeps its token
