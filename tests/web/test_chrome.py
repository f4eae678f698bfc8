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


def test_a_lesson_drawn_once_still_shows_each_visitor_their_own_state_language_and_text(
    app, client, login, tmp_path, monkeypatch
):
    """With the curriculum in memory (as in production) a lesson's article and pager are drawn
    once per language and kept with the lesson's copy; what belongs to the visitor (done or not,
    logged in or not, their token) is drawn for each request, and a sync shows its new text."""
    from tests.content.conftest import copy_content
    from training.content import load_curriculum
    from training.services import curriculum_cache
    from training.services.content_sync import sync_curriculum

    cache = curriculum_cache.CurriculumCache(3600)
    monkeypatch.setitem(app.extensions, curriculum_cache.EXTENSION, cache)
    url = "/learn/climate-adaptation/01-urban-climate-risks"

    anonymous = client.get(url).get_data(as_text=True)
    assert "to record your progress" in anonymous and "Mark as done" not in anonymous
    lesson = cache.module("climate-adaptation").lesson("01-urban-climate-risks")
    assert {key[1] for key in lesson.memo} == {"en"}

    login(factories.user())
    trainee = client.get(url).get_data(as_text=True)
    article = trainee[trainee.index('<nav class="breadcrumb"') : trainee.index("</article>")]
    assert article in anonymous  # the same article for everyone
    assert "Mark as done and continue" in trainee and "to record your progress" not in trainee
    form_token = re.search(r'class="lesson-actions">.*?name="csrf_token" value="([^"]+)"', trainee, re.S)
    assert form_token and form_token.group(1) in TOKEN.findall(_header(client, url))
    client.post(url + "/done", data={"csrf_token": form_token.group(1)})
    assert "You have completed this lesson." in client.get(url).get_data(as_text=True)

    client.post("/language", data={"lang": "zh", "next": url})
    chinese = client.get(url).get_data(as_text=True)
    assert lesson.title("zh") in chinese and "参考资料" in chinese and article not in chinese
    assert {key[1] for key in lesson.memo} == {"en", "zh"}

    copy_content(tmp_path)
    lesson_file = next((tmp_path / "modules/climate-adaptation").glob("01-*.zh.md"))
    lesson_file.write_text(lesson_file.read_text(encoding="utf-8") + "\n\n新增的一段。\n", encoding="utf-8")
    sync_curriculum(load_curriculum(tmp_path))
    cache._checked = float("-inf")  # the cache's window is over
    assert "新增的一段。" in client.get(url).get_data(as_text=True)
