"""Where each role lands: after logging in, from the site's home page and from the header's home
link (the brand). Trainees on My learning, trainers on their home (the cohorts and what needs
their attention), editors on the case studies waiting for review, admins on the overview."""

from __future__ import annotations

from flask import Flask, url_for
from flask_login import current_user

HOMES = {
    "trainer": ("cohorts.index", {}),
    "editor": ("case_studies.editor_index", {"status": "review"}),
    "admin": ("admin.index", {}),
}


def home_url(user=None) -> str:
    """The home of `user` (the current user by default); the public home page when logged out."""
    user = current_user if user is None else user
    if not user or not user.is_authenticated:
        return url_for("main.index")
    endpoint, values = HOMES.get(user.role, ("learn.my_learning", {}))
    return url_for(endpoint, **values)


def init_homes(app: Flask) -> None:
    # A function, not a context processor's value: only the header calls it, and the header is
    # drawn once per role and language (training/web/chrome.py), not on every render.
    app.jinja_env.globals["home_url"] = home_url
