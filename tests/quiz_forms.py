"""Answering a quiz through the web form as a trainee does: an option is posted as the letter
displayed next to it in this attempt (A, B, C …), never as its id (the ids would give the key
away, docs/quizzes.md). `layout` is the attempt's plan (`quizzes.plan_attempt`) or a stored
attempt."""

from __future__ import annotations

import re
from html.parser import HTMLParser
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


class _DisplayedLetters(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.shown: dict[str, dict[str, str]] = {}
        self._label: tuple[str, str, list[str]] | None = None  # (name, value, text parts)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and a.get("type") in ("radio", "checkbox") and name.startswith("q-"):
            self._label = (name[2:], a.get("value") or "", [])

    def handle_data(self, data):
        if self._label is not None:
            self._label[2].append(data)

    def handle_endtag(self, tag):
        if tag == "label" and self._label is not None:
            key, value, parts = self._label
            text = " ".join(re.sub(r"^\s*[A-Z]\.\s*", "", "".join(parts)).split())
            self.shown.setdefault(key, {})[text] = value
            self._label = None


def displayed_letters(html: str) -> dict[str, dict[str, str]]:
    """Read from a quiz page: question key -> {option text as shown: the value its input posts}
    (the letter for an option; "true"/"false" under their labels)."""
    parser = _DisplayedLetters()
    parser.feed(html)
    return parser.shown
