"""The site header of every page, and the parts of a lesson page that are the same for everyone,
drawn once and kept in memory.

It depends only on the language, on whether someone is logged in and their role, and on where
the app is mounted; drawing it (a dozen links and translations) was a tenth of a lesson page's
time. It is rendered from `templates/_header.html` with two slots, the CSRF token and the
current path (the language switch comes back to it), which are filled in for each request.
With template auto-reload (development) it is drawn every time, so template edits show at once.

`fragment` does the same for a part of a page drawn from one frozen curriculum copy alone (a
lesson's article and its pager, training/services/curriculum_cache.py): it is kept in that copy's
memo per language and mount point, and goes when a sync replaces the copy. Such a template may
use the copy, the language and the mount point — never the visitor, their progress or the
request (those stay in the page around it).
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from markupsafe import Markup

EXTENSION = "academy.header_cache"
CSRF_SLOT = "__ACADEMY_CSRF_SLOT__"
NEXT_SLOT = "__ACADEMY_NEXT_SLOT__"


@pass_context
def site_header(context) -> Markup:
    user = current_user
    role = user.role if user and user.is_authenticated else ""
    key = (context.get("locale"), role, request.script_root)
    cache: dict = current_app.extensions[EXTENSION]
    header = cache.get(key)
    if header is None:
        template = current_app.jinja_env.get_template("_header.html")
        # Drawn by Jinja with autoescaping; __html__ hands it over as markup.
        header = template.make_module({**context.get_all(), "csrf_slot": CSRF_SLOT, "next_slot": NEXT_SLOT})
        header = header.__html__()
        if not current_app.jinja_env.auto_reload:
            cache[key] = header
    here = request.full_path if request.query_string else request.path
    # Markup.replace escapes what it puts in: the path is the visitor's.
    return header.replace(CSRF_SLOT, generate_csrf()).replace(NEXT_SLOT, here)


@pass_context
def fragment(context, template_name: str, owner) -> Markup:
    """`template_name` drawn with this page's context once per `owner` (a frozen copy with a
    `memo`), language and mount point."""
    key = (template_name, context.get("locale"), request.script_root)
    html = owner.memo.get(key)
    if html is None:
        # Drawn by Jinja with autoescaping; __html__ hands it over as markup.
        html = current_app.jinja_env.get_template(template_name).make_module(context.get_all()).__html__()
        if not current_app.jinja_env.auto_reload:
            owner.memo[key] = html
    return html


def init_chrome(app: Flask) -> None:
    app.extensions[EXTENSION] = {}
    app.jinja_env.globals["site_header"] = site_header
    app.jinja_env.globals["fragment"] = fragment
