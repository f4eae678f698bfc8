"""The one way a worker keeps something it drew: `keep(store, key, draw, limit)`.

Every kept part of a page — the site header, whole lesson and module pages
(training/web/chrome.py), case-study and module cards (training/web/fragments.py), the
scorecard's question sections and results body (training/web/scorecard/kept.py) — is drawn once
per key and kept in a plain dict by the worker. The rules are the same for all of them, so they
live here:

- the key is everything the part shows, and the mount point (`request.script_root`) is added
  to it, since links are drawn with it;
- the store is bounded: when it holds `limit` entries it is emptied and refilled by the next
  pages (cheaper than tracking use, and a kept part is only a drawing away);
- templates being edited (the development server's auto-reload) are drawn every time and
  nothing is kept, so an edit shows at once.

What a key must hold — and that nothing of the visitor outside it is drawn — is the caller's to
answer for; each caller's docstring says how it does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, request

T = TypeVar("T")


def keep(store: dict, key: tuple, draw: Callable[[], T], limit: int) -> T:
    """`draw()` once per `key` and mount point, kept in `store` (at most `limit` entries)."""
    if current_app.jinja_env.auto_reload:
        return draw()
    key = (*key, request.script_root)
    value = store.get(key)
    if value is None:
        value = draw()
        if len(store) >= limit:
            store.clear()
        store[key] = value
    return value
