"""What pages draw once and keep in memory: the site header of every page, and whole lesson pages.

The header depends only on the language, on whether someone is logged in and their role, and on
where the app is mounted; drawing it (a dozen links and translations) was a tenth of a lesson
page's time. It is rendered from `templates/_header.html` with two slots, the CSRF token and the
current path (the language switch comes back to it), which are filled in for each request.

A lesson page is the same for every visitor who reads the lesson in the same language, with the
same role and in the same state (logged in or not, lesson done or not): `kept_page` draws it
once per such variant, keeps it in the memo of the lesson's frozen copy
(training/services/curriculum_cache.py) — so a sync that replaces the copy replaces the pages
too — and fills in the visitor's CSRF token, path and flashed messages for each request, in one
pass (what is filled in is never searched for slots). A template drawn this way takes its form
tokens from `csrf_value()`, never from `csrf_token()` or a form object. The module page is kept
the same way with the module's copy, per variant of the visitor's progress and quiz standing
(training/web/learn/views.py), and the catalogue with the curriculum's copy, per variant of the
visitor's progress in each module; each copy keeps at most MEMO_LIMIT pages.

Both are kept as everything kept is (training/web/kept_store.py): bounded, keyed with the mount
point, and drawn every time under template auto-reload (development), so template edits show at
once.
"""

from __future__ import annotations

import re

from flask import Flask, current_app, g, get_flashed_messages, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from markupsafe import Markup, escape

from training.i18n import current_locale
from training.web.kept_store import keep
from training.web.session_user import shows_programmes, unread_count

EXTENSION = "academy.header_cache"
CSRF_SLOT = "__ACADEMY_CSRF_SLOT__"
NEXT_SLOT = "__ACADEMY_NEXT_SLOT__"
FLASH_SLOT = "__ACADEMY_FLASH_SLOT__"
NOTICE_SLOT = "__ACADEMY_NOTICE_SLOT__"
_CUT = re.compile("(" + "|".join((CSRF_SLOT, NEXT_SLOT, FLASH_SLOT, NOTICE_SLOT)) + ")")
MEMO_LIMIT = 200  # pages kept per lesson or module copy (a module page has a variant per standing)
HEADER_LIMIT = 64  # headers: one per language, role and mount point
# Set on `g` while a page is drawn to be kept: the slots stay in it.
_DRAWING_TO_KEEP = "academy_drawing_to_keep"


def _role() -> str:
    """What of the visitor the header shows: their role, and whether it links to the programmes
    (a trainer or an admin, or anyone who manages a programme)."""
    user = current_user
    if not (user and user.is_authenticated):
        return ""
    if shows_programmes():
        return f"{user.role}+programmes"
    return user.role


def _here() -> str:
    return request.full_path if request.query_string else request.path


@pass_context
def site_header(context) -> Markup:
    def draw() -> str:
        template = current_app.jinja_env.get_template("_header.html")
        # Drawn by Jinja with autoescaping; __html__ hands it over as markup.
        slots = {"csrf_slot": CSRF_SLOT, "next_slot": NEXT_SLOT}
        return template.make_module({**context.get_all(), **slots}).__html__()

    store: dict = current_app.extensions[EXTENSION]
    header = keep(store, (context.get("locale"), _role()), draw, HEADER_LIMIT)
    if g.get(_DRAWING_TO_KEEP):
        return header
    # Markup.replace escapes what it puts in: the path is the visitor's.
    return header.replace(CSRF_SLOT, generate_csrf()).replace(NEXT_SLOT, _here())


def csrf_value() -> str:
    """The CSRF token for a form's hidden field: its slot while a page is drawn to be kept."""
    return CSRF_SLOT if g.get(_DRAWING_TO_KEEP) else generate_csrf()


def flashes() -> Markup | str:
    """The messages flashed for this visitor: their slot while a page is drawn to be kept."""
    if g.get(_DRAWING_TO_KEEP):
        return FLASH_SLOT
    messages = get_flashed_messages(with_categories=True)
    if not messages:
        return ""
    # Drawn by Jinja with autoescaping; __html__ hands it over as markup.
    return current_app.jinja_env.get_template("_flashes.html").make_module({"messages": messages}).__html__()


def notifications_bar() -> Markup | str:
    """The visitor's unread notifications (templates/notifications/_badge.html): their slot while
    a page is drawn to be kept — a count is one person's, never part of a kept page."""
    if g.get(_DRAWING_TO_KEEP):
        return NOTICE_SLOT
    if not unread_count():  # most pages: nothing to draw, so no template (and no context) either
        return ""
    return Markup(render_template("notifications/_badge.html"))  # noqa: S704  # nosec B704 - drawn by Jinja, autoescaped


def kept_page(memo: dict, variant: tuple, template_name: str, **context) -> str:
    """`render_template(template_name, **context)`, drawn once per `variant` (what else of the
    visitor the page shows), role, language, path and mount point, and kept in `memo` (a frozen
    copy's: it goes with the copy). The caller answers for `variant`: nothing of the visitor
    outside it may be drawn."""
    if current_app.jinja_env.auto_reload:
        return render_template(template_name, **context)

    def draw() -> tuple[str, ...]:
        setattr(g, _DRAWING_TO_KEEP, True)
        try:
            page = render_template(template_name, **context)
        finally:
            g.pop(_DRAWING_TO_KEEP, None)
        # Kept cut at its slots (text, slot, text, …): a request joins the pieces, never searches.
        return tuple(_CUT.split(page))

    key = (template_name, variant, _role(), current_locale(), request.path)
    pieces = keep(memo, key, draw, MEMO_LIMIT)
    filling = {
        CSRF_SLOT: generate_csrf(),
        NEXT_SLOT: str(escape(_here())),
        FLASH_SLOT: str(flashes()),
        NOTICE_SLOT: str(notifications_bar()),
    }
    page = list(pieces)
    page[1::2] = [filling[slot] for slot in pieces[1::2]]
    return "".join(page)


def init_chrome(app: Flask) -> None:
    app.extensions[EXTENSION] = {}
    app.jinja_env.globals["site_header"] = site_header
    app.jinja_env.globals["csrf_value"] = csrf_value
    app.jinja_env.globals["flashes"] = flashes
    app.jinja_env.globals["notifications_bar"] = notifications_bar
    app.jinja_env.globals["shows_programmes"] = shows_programmes
