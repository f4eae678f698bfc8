"""The site header is drawn once per language and role and kept; per request it gets the visitor's
CSRF token and the current path."""

from __future__ import annotations

import re

from tests import factories
from tests.conftest import client_of
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
    """A token is the session's secret, then when it was signed and the signature: the secret is
    the session's own; the time part changes when a second passes between two pages."""
    first, second = app.test_client(), app.test_client()

    def secrets(client) -> set[str]:
        return {token.split(".")[0] for token in TOKEN.findall(_header(client))}

    one, two = secrets(first), secrets(second)
    assert one and two and one != two
    assert secrets(first) == one  # the same session keeps its secret


def test_a_lesson_page_kept_in_memory_shows_each_visitor_their_own_state_language_and_token(
    app, db_session, tmp_path, monkeypatch
):
    """With the curriculum in memory (as in production) a lesson page is drawn once per variant
    and kept with the lesson's copy; what belongs to the visitor (logged in or not, done or not,
    role, language, their token, path and flashed messages) is never served to another, and a
    sync shows its new text."""
    from tests.content.conftest import copy_content
    from training.content import load_curriculum
    from training.services import curriculum_cache
    from training.services.content_sync import sync_curriculum

    cache = curriculum_cache.CurriculumCache(3600)
    monkeypatch.setitem(app.extensions, curriculum_cache.EXTENSION, cache)
    url = "/learn/climate-adaptation/01-urban-climate-risks"

    def page(client, path=url) -> str:
        html = client.get(path).get_data(as_text=True)
        assert "__ACADEMY_" not in html
        return html

    anonymous = page(app.test_client())
    assert "to record your progress" in anonymous and "Mark as done" not in anonymous
    lesson = cache.module("climate-adaptation").lesson("01-urban-climate-risks")
    assert len(lesson.memo) == 1

    first, second = client_of(app, factories.user()), client_of(app, factories.user(role=Role.TRAINER))
    mine, theirs = page(first), page(second)
    assert "Mark as done and continue" in mine and "to record your progress" not in mine
    assert "Cohorts" in theirs and "Cohorts" not in mine  # the role's navigation
    assert len(lesson.memo) == 3
    for client, html in ((first, mine), (second, theirs)):
        tokens = set(TOKEN.findall(html))
        assert len(tokens) == 1 and tokens == set(TOKEN.findall(page(client)))  # their own, every time
    assert set(TOKEN.findall(mine)) != set(TOKEN.findall(theirs))
    assert 'name="next" value="/learn/climate-adaptation/01-urban-climate-risks?a=1&amp;b=2"' in page(
        first, url + "?a=1&b=2"
    )

    # A path that spells a slot is filled in as the visitor's path, never searched again.
    spelled = first.get(url + "?next=__ACADEMY_FLASH_SLOT__").get_data(as_text=True)
    assert 'value="/learn/climate-adaptation/01-urban-climate-risks?next=__ACADEMY_FLASH_SLOT__"' in spelled
    assert 'class="flashes"' not in spelled

    first.post(url + "/done", data={"csrf_token": TOKEN.findall(mine)[0]})
    flashed = page(first)  # the flash, filled into the kept page of a done lesson
    assert flashed.count("Lesson marked as done.") == 1 and "You have completed this lesson." in flashed
    again = page(first)
    assert "Lesson marked as done." not in again and "You have completed this lesson." in again
    assert "Lesson marked as done." not in page(second)  # the other visitor's flashes are theirs
    assert "Mark as done and continue" in page(second)  # and so is the state of the lesson
    assert len(lesson.memo) == 4  # anonymous, trainee not done and done, trainer

    first.post("/language", data={"lang": "zh", "next": url})
    chinese = page(first)
    assert lesson.title("zh") in chinese and "参考资料" in chinese and lesson.title("en") not in chinese

    copy_content(tmp_path)
    lesson_file = next((tmp_path / "modules/climate-adaptation").glob("01-*.zh.md"))
    lesson_file.write_text(lesson_file.read_text(encoding="utf-8") + "\n\n新增的一段。\n", encoding="utf-8")
    sync_curriculum(load_curriculum(tmp_path))
    cache._checked = float("-inf")  # the cache's window is over
    assert "新增的一段。" in page(first)
