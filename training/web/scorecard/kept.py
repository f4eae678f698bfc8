"""Parts of the scorecard pages drawn once per what they show, and kept by the worker.

The answer sheet's question sections and the results page's body cost most of those pages
(issue 20: about two thirds of their time in process was drawing them), and are alike for every
reader who sees the same answers in the same language. Each is kept under the whole of what it
shows of the city's scorecard, read for this request — the answers' fields and versions, the
scores, the recommended case studies' cards, a trainer's knowledge-gain figures — with the
language and the mount point; so a save by anyone of the city is another key and is drawn anew
at once, whatever worker answered the save. What is the reader's own (the CSRF token, their
name, their own rating of an agreed question, the errors and conflicts of their submission) is
either in the key or drawn outside: a form shown with errors or conflicts is never kept.

The store is the memo of the worker's copy of the scorecard (training/services/curriculum_cache
`kept_scorecard_content`): a content sync that replaces the copy (new wording, new modules to
recommend) replaces the store with it. Bounded, and drawn every time under auto-reload, as
everything kept (training/web/kept_store.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import current_app
from jinja2 import pass_context
from markupsafe import Markup

from training.models import AssessmentAnswer
from training.services import library
from training.web.kept_store import keep

LIMIT = 2000  # kept parts per worker: a question's section is a few kilobytes


def kept_html(memo: dict, key: tuple, draw: Callable[[], str]) -> Markup:
    """`draw()`, once per `key` (everything the part shows, with the language) and mount point."""
    # Drawn by Jinja with autoescaping; Markup hands it over as such.
    return keep(memo, key, lambda: Markup(draw()), LIMIT)  # noqa: S704  # nosec B704


def answer_state(answer: AssessmentAnswer | None) -> tuple | None:
    """All of a city answer that the answer sheet shows."""
    if answer is None:
        return None
    return (
        *(getattr(answer, name) for name in AssessmentAnswer.FIELDS),
        answer.version,
        answer.agreed,
        answer.agreed_note,
    )


@pass_context
def kept_questions(context, memo: dict, rows, ratings: dict) -> Markup:
    """The answer sheet's questions (templates/scorecard/_question.html, one each) as they are
    shown before any submission: each kept under the city's answer and the reader's own rating
    where the city's score was agreed in a workshop (the only place a section shows it)."""
    locale = context.get("locale")
    parts = []
    for row in rows:
        answer = row.answer
        mine = ratings.get(row.question.id)
        own = mine.score if mine is not None and answer is not None and answer.agreed else None
        key = ("question", row.question.id, answer_state(answer), own, locale)
        parts.append(kept_html(memo, key, partial(_draw_question, context, row, mine)))
    return Markup("").join(parts)


def _draw_question(context, row, mine) -> str:
    template = current_app.jinja_env.get_template("scorecard/_question.html")
    return template.make_module({**context.get_all(), "row": row, "mine": mine}).__html__()


def kept_cards_on(memo: dict, revision: int, essentials: list[int]) -> tuple:
    """The cards of the published case studies serving any of `essentials` (the results page's
    advice), read once per revision of the case studies (`library.get_case_studies_revision`,
    raised by every write to a case study in its transaction) and Essentials, and kept in the
    scorecard copy's `memo`."""
    return keep(
        memo,
        ("case-study cards on", revision, tuple(essentials)),
        lambda: tuple(library.list_case_study_cards_on(essentials)),
        LIMIT,
    )
