"""Fragments of a page drawn once per content and language, and kept by the worker.

A fragment is kept under the whole of what it shows — a frozen, hashable value read for this
request (`training.services.library.CaseStudyCard`) — with the language and the mount point.
Nothing of the visitor (account, role, CSRF token) is drawn into one, so every visitor of a
language is answered the same — except what is part of the value itself: a catalogue card's
progress numbers (`module_card`), shared by the visitors at the same point. A change of the
content read (an edit, a sync)
is another key, so it is drawn anew at once, with no revision to watch. The store is bounded,
and templates being edited are drawn every time (training/web/kept_store.py).
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import current_app
from jinja2 import pass_context
from markupsafe import Markup

from training.web.kept_store import keep

EXTENSION = "academy.fragments"
LIMIT = 5000  # fragments per worker: a few hundred bytes each


def kept(context, template_name: str, value, **extra) -> Markup:
    """`template_name` drawn with the page's `context` and `extra`, once per `value` (everything
    the fragment shows), language and mount point."""
    store = current_app.extensions.setdefault(EXTENSION, {})

    def draw() -> str:
        template = current_app.jinja_env.get_template(template_name)
        # Drawn by Jinja with autoescaping; __html__ hands it over as markup.
        return template.make_module({**context.get_all(), **extra}).__html__()

    return keep(store, (template_name, value, context.get("locale")), draw, LIMIT)


@pass_context
def case_study_card(context, study, heading_level: int = 3) -> Markup:
    """A case study's card (templates/case_studies/_card.html) for a `CaseStudyCard`."""
    return kept(
        context,
        "case_studies/_card.html",
        (study, heading_level),
        study=study,
        card_heading_level=heading_level,
    )


@pass_context
def module_card_head(context, row) -> Markup:
    """The part of a module's card (templates/learn/_module_card.html) alike for every visitor:
    link, title, summary, Essentials, lessons and minutes (templates/learn/_module_card_head.html),
    kept under all of those. The progress under it is the visitor's and drawn each time."""
    module = row.module
    value = (
        module.slug, module.title_en, module.title_zh, module.summary_en, module.summary_zh,
        tuple(module.essentials), row.lessons_total, row.minutes,
    )  # fmt: skip
    # Only the fields of `value` reach the template, never the visitor's progress.
    shown = SimpleNamespace(module=module, lessons_total=row.lessons_total, minutes=row.minutes)
    return kept(context, "learn/_module_card_head.html", value, row=shown)


@pass_context
def module_card(context, row) -> Markup:
    """A whole module card of the catalogue (templates/learn/_module_card.html), kept under all
    it shows: the head's fields (`module_card_head`), whether someone is logged in, and the
    visitor's progress as the numbers the card is drawn from (lessons done, best score, passed)
    — visitors at the same point share it. Nothing else of the visitor reaches the template."""
    module = row.module
    authenticated = bool(context["current_user"].is_authenticated)
    assigned = context.get("assigned")
    is_assigned = bool(assigned) and module.id in assigned
    value = (
        module.id, module.slug, module.title_en, module.title_zh, module.summary_en, module.summary_zh,
        tuple(module.essentials), row.lessons_total, row.minutes, row.has_quiz,
        authenticated, is_assigned, row.lessons_done, row.best_percent, row.passed,
    )  # fmt: skip
    shown = SimpleNamespace(
        module=module,
        lessons_total=row.lessons_total,
        minutes=row.minutes,
        lessons_done=row.lessons_done,
        best_percent=row.best_percent,
        passed=row.passed,
        percent=row.percent,
        complete=row.complete,
    )
    return kept(
        context,
        "learn/_module_card.html",
        value,
        row=shown,
        assigned={module.id} if is_assigned else (),
        current_user=SimpleNamespace(is_authenticated=authenticated),
    )
