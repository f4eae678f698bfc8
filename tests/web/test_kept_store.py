"""The rules every kept part of a page follows (training/web/kept_store.py): drawn once per key
and mount point, the store emptied when full, and drawn every time under template auto-reload."""

from __future__ import annotations

from training.web.kept_store import keep


def _drawer(calls: list):
    def draw():
        calls.append(1)
        return f"drawn {len(calls)}"

    return draw


def test_drawn_once_per_key_and_mount_point(app):
    store, calls = {}, []
    draw = _drawer(calls)
    with app.test_request_context("/learn/"):
        assert keep(store, ("a", "en"), draw, 10) == "drawn 1"
        assert keep(store, ("a", "en"), draw, 10) == "drawn 1"  # kept
        assert keep(store, ("a", "zh"), draw, 10) == "drawn 2"  # another key
    with app.test_request_context("/learn/", base_url="http://localhost/academy"):
        assert keep(store, ("a", "en"), draw, 10) == "drawn 3"  # the links differ under a mount
    assert len(calls) == 3 and len(store) == 3


def test_a_full_store_is_emptied_then_refilled(app):
    store, calls = {}, []
    draw = _drawer(calls)
    with app.test_request_context("/"):
        for n in range(3):
            keep(store, (n,), draw, 3)
        assert len(store) == 3
        keep(store, ("fourth",), draw, 3)
        assert list(store) == [("fourth", "")]  # emptied, then the new one kept
        keep(store, (0,), draw, 3)  # drawn again
    assert len(calls) == 5


def test_templates_being_edited_are_drawn_every_time(app):
    store, calls = {}, []
    draw = _drawer(calls)
    app.jinja_env.auto_reload = True
    try:
        with app.test_request_context("/"):
            keep(store, ("a",), draw, 10)
            keep(store, ("a",), draw, 10)
    finally:
        app.jinja_env.auto_reload = False
    assert len(calls) == 2 and store == {}
