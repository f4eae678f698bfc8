"""Two languages from day one."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests import factories

PO = Path(__file__).resolve().parents[2] / "training/translations/zh/LC_MESSAGES/messages.po"


def test_first_visit_follows_accept_language(client):
    assert '<html lang="zh-Hans">' in client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "fr, en;q=0.5"}).get_data(
        as_text=True
    )


def test_switcher_changes_language_and_stays_on_the_page(client):
    response = client.post("/language", data={"lang": "zh", "next": "/learn/"})
    assert response.headers["Location"] == "/learn/"
    html = client.get("/learn/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html and "模块" in html


def test_switcher_refuses_foreign_redirects(client):
    response = client.post("/language", data={"lang": "zh", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_choice_is_stored_for_logged_in_users(client, login):
    user = login(factories.user(locale="en"))
    client.post("/language", data={"lang": "zh", "next": "/learn/my"})
    assert user.locale == "zh"
    assert '<html lang="zh-Hans">' in client.get("/learn/my").get_data(as_text=True)


def test_every_page_has_the_switcher(client):
    for url in ("/", "/learn/", "/auth/login", "/auth/register"):
        assert 'action="/language"' in client.get(url).get_data(as_text=True)


def test_the_chinese_catalog_is_complete_and_keeps_placeholders():
    with PO.open("rb") as f:
        catalog = read_po(f)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            problems.append(f"untranslated: {ids[0]}")
            continue
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[0]))
        if any(set(re.findall(r"%\(\w+\)[sd]", s)) != wanted for s in strings):
            problems.append(f"placeholders differ: {ids[0]}")
    assert problems == []


def test_the_catalog_matches_the_code():
    """Every string the templates and code mark for translation is in the catalog."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parents[2]
    method_map = [("training/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        root,
        method_map,
        keywords={"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None},
        directory_filter=lambda d: not Path(d).name.startswith(".") and "node_modules" not in d,
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    with PO.open("rb") as f:
        catalog = read_po(f)
    known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}
    assert sorted(found - known) == []
