"""Quizzes measure learning, not luck (issue 13): two guessing bots play every module's final
quiz through the web forms, as a trainee who never opened a lesson would, and fail.

Each bot reads the form as displayed (the inputs in page order, so the option order the attempt
drew) and posts it back. Bot "first" picks the first displayed option of every choice question
and False for every true/false; bot "random" answers uniformly at random (a random non-empty set
of options for a multiple-choice question). Over many trainees and all their attempts, both must
score below 40 % on average and pass under 5 % of the time on every module. A quiz that cannot
meet this needs more questions, more options or multiple-choice questions: fix the content.
"""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests import factories
from training.extensions import db
from training.models import Module, Quiz, QuizAttempt

TRAINEES = 12  # each uses every attempt the quiz allows (3 for the curriculum's quizzes)
MAX_MEAN, MAX_PASS_RATE = 40.0, 0.05


class QuizForm(HTMLParser):
    """The quiz form as displayed: hidden fields, and each question's inputs in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.questions: dict[str, dict] = {}  # name -> {"type": radio|checkbox, "values": [...]}
        self.texts: dict[str, list[str]] = {}  # name -> each option's text, in page order
        self._in_form = False
        self._label: list[str] | None = None  # the text of the option being read

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "quiz" in (a.get("class") or ""):
            self._in_form = True
        if tag != "input" or not self._in_form:
            return
        if a.get("type") == "hidden":
            self.hidden[a["name"]] = a.get("value", "")
        elif a.get("type") in ("radio", "checkbox") and a.get("value") != "dont-know":
            question = self.questions.setdefault(a["name"], {"type": a["type"], "values": []})
            question["values"].append(a["value"])
            self.texts.setdefault(a["name"], [])
            self._label = self.texts[a["name"]]
            self._label.append("")

    def handle_data(self, data):
        if self._label is not None:
            self._label[-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        if tag == "label" and self._label is not None:
            self._label[-1] = re.sub(r"^[A-Z]\.\s*", "", self._label[-1].strip())
            self._label = None


def first_bot(question: dict, rng: random.Random) -> list[str]:
    values = question["values"]
    if values == ["true", "false"]:
        return ["false"]
    return [values[0]]


def random_bot(question: dict, rng: random.Random) -> list[str]:
    values = question["values"]
    if question["type"] == "radio":
        return [rng.choice(values)]
    while True:  # a uniformly random non-empty subset
        chosen = [v for v in values if rng.random() < 0.5]
        if chosen:
            return chosen


def _play(client, url: str, answers) -> bool:
    """One attempt through the web form, answered by `answers(html, form)`; False when the quiz
    no longer offers one."""
    page = client.get(url)
    if page.status_code != 200:
        return False
    html = page.get_data(as_text=True)
    form = QuizForm()
    form.feed(html)
    assert form.questions, "the quiz page shows no questions"
    response = client.post(url, data={**form.hidden, **answers(html, form)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return True


def bots_that_score_too_well(client, login, trainees, answers) -> list[str]:
    """Every trainee uses every attempt of every module's final quiz; returns the modules where
    their mean score or pass rate reaches the limits."""
    failures = []
    for module in _modules():
        quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
        url = f"/quizzes/{module.slug}/final"
        for trainee in trainees:
            login(trainee)
            for _ in range(quiz.max_attempts or 3):
                if not _play(client, url, answers):
                    break
        attempts = list(
            db.session.scalars(
                select(QuizAttempt).where(
                    QuizAttempt.quiz_id == quiz.id,
                    QuizAttempt.kind == QuizAttempt.FINAL,
                    QuizAttempt.user_id.in_([t.id for t in trainees]),
                )
            )
        )
        assert len(attempts) >= len(trainees)
        mean = sum(100 * a.correct / a.total for a in attempts) / len(attempts)
        pass_rate = sum(a.passed for a in attempts) / len(attempts)
        if mean >= MAX_MEAN or pass_rate >= MAX_PASS_RATE:
            failures.append(f"{module.slug}: mean {mean:.1f} %, pass rate {pass_rate:.1%} ({len(attempts)})")
    return failures


def _modules():
    return list(db.session.scalars(select(Module).where(Module.active).order_by(Module.position)))


@pytest.mark.parametrize("bot", [first_bot, random_bot], ids=["first-option", "random"])
def test_guessing_bots_fail_every_module_quiz(client, login, bot):
    rng = random.Random(13)  # seeded: the same run every time
    trainees = [factories.user(name=f"Bot {i}") for i in range(TRAINEES)]

    def answers(html, form):
        return {name: bot(question, rng) for name, question in form.questions.items()}

    assert bots_that_score_too_well(client, login, trainees, answers) == []


def test_the_bot_reads_the_displayed_order_and_the_order_changes_between_attempts(client, login):
    """The first-option bot does not always answer the same option id: shuffling is real."""
    login(factories.user())
    _, quiz = factories.adaptation()
    url = "/quizzes/climate-adaptation/final"
    seen = []
    for _ in range(2):
        form = QuizForm()
        form.feed(client.get(url).get_data(as_text=True))
        # the options' texts in the order shown (the values are the letters A, B, C … in order)
        seen.append({name: form.texts[name] for name, q in form.questions.items() if q["type"] == "radio"})
        client.post(url, data={name: first_bot(q, random.Random(0)) for name, q in form.questions.items()})
    first, second = seen
    assert first.keys() == second.keys()
    assert any(first[name] != second[name] for name in first if first[name] != ["True", "False"])
