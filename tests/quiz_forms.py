"""Answering a quiz through the web form as a trainee does: an option is posted as the letter
displayed next to it in this attempt (A, B, C …), never as its id (the ids would give the key
away, docs/quizzes.md). `layout` is the attempt's plan (`quizzes.plan_attempt`) or a stored
attempt."""

from __future__ import annotations

from typing import Any

from training.models import Question, QuizAttempt
from training.services import quizzes


def letter(q: Question, option_id: str, layout: quizzes.Layout | QuizAttempt) -> str:
    """The letter displayed next to option `option_id` of question `q` in this attempt."""
    if isinstance(layout, QuizAttempt):
        order = layout.option_order(q.key)
    else:
        order = layout.options.get(q.key)
    for option in quizzes.displayed_options(q.body, order):
        if option["id"] == option_id:
            return option["letter"]
    raise KeyError(f"{q.key} has no option {option_id!r}")


def form_value(q: Question, value: Any, layout: quizzes.Layout | QuizAttempt) -> Any:
    """A response as the service stores it (option id(s) or a bool) to what the form posts."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [letter(q, v, layout) for v in value]
    return letter(q, value, layout)
