"""The delegates of the workshop burst (tests/bench/burst.py), for Locust (headless).

Each simulated delegate does once what a person in the hall does on a phone, with a human pause
between steps (BURST_THINK seconds, a range): log in, open a lesson, open the module's quiz and
submit it, open the city's workshop view, open the Essential to rate and rate two questions there
(a colleague may have changed the city's answer meanwhile: the page says so with 409, and the
delegate reloads it and sends again, once), and open the results. The plan (accounts, cities,
the quiz's right answers) comes from the JSON file named by BURST_PLAN.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
from html.parser import HTMLParser

import gevent
from locust import HttpUser, task
from locust.exception import StopUser

from tests.quiz_forms import displayed_letters

PLAN = json.loads(open(os.environ["BURST_PLAN"], encoding="utf-8").read())  # noqa: SIM115
THINK = tuple(float(x) for x in os.environ.get("BURST_THINK", "2-6").split("-"))
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_next = itertools.count()
_finished = itertools.count(1)


class _Form(HTMLParser):
    """The fields of the answer sheet as the browser would send them back."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and name != "csrf_token":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.fields[name] = a.get("value") or ""
            elif kind in ("hidden", "text", "number"):
                self.fields[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def sheet_fields(page: str) -> dict[str, str]:
    form = _Form()
    form.feed(page)
    return {k: html.unescape(v) for k, v in form.fields.items()}


def _value_shown(shown: dict[str, str], texts: list[str]) -> str:
    for text in texts:
        words = " ".join(text.split())
        if words in shown:
            return shown[words]
        if text in shown.values():
            return text
    raise AssertionError(f"{texts} is not on the quiz page")


class Delegate(HttpUser):
    """One delegate: the scenario once, then stops."""

    def wait_time(self):
        return 0

    def think(self):
        gevent.sleep(random.uniform(*THINK))  # noqa: S311 - a pause, not a secret

    def _ok(self, response, *codes):
        if response.status_code in codes:
            response.success()
        else:
            response.failure(f"{response.status_code}")
        return response

    def get(self, path, name, *codes):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            return self._ok(r, *(codes or (200,)))

    def post(self, path, name, data, *codes):
        with self.client.post(path, name=name, data=data, allow_redirects=False, catch_response=True) as r:
            return self._ok(r, *(codes or (302,)))

    @task
    def workshop_morning(self):
        index = next(_next)
        if index >= len(PLAN["delegates"]):
            # Locust tops the user count up while it spawns when delegates have already finished
            # (a fast server): those extra users have nobody to play, and must not replay anyone.
            raise StopUser()
        me = PLAN["delegates"][index]
        try:
            self.scenario(me)
        finally:
            if next(_finished) >= PLAN["expected"]:
                gevent.spawn_later(2, self.environment.runner.quit)
            raise StopUser()

    def scenario(self, me: dict) -> None:
        module = PLAN["module"]
        page = self.get("/auth/login", "login page")
        token = CSRF.search(page.text).group(1)
        login = {"email": me["email"], "password": PLAN["password"], "csrf_token": token}
        if self.post("/auth/login", "login (submit)", login).status_code != 302:
            return
        self.think()
        lesson = self.get(f"/learn/{module}/{PLAN['lesson']}", "lesson")
        token = CSRF.search(lesson.text).group(1)
        self.think()
        quiz = self.get(f"/quizzes/{module}/final", "quiz")
        shown = displayed_letters(quiz.text)
        answers = {
            f"q-{key}": [_value_shown(shown[key], texts) for texts in right]
            for key, right in PLAN["answers"].items()
            if key in shown
        }
        self.think()
        self.post(f"/quizzes/{module}/final", "quiz (submit)", {**answers, "csrf_token": token})
        self.think()
        self.get(f"/scorecard/cohort/{me['cohort']}/?essential={me['essential']}", "workshop view")
        sheet_path = f"/scorecard/city/{me['city']}/essential/{me['essential']}"
        for attempt in range(2):
            sheet = self.get(sheet_path, "rating sheet")
            self.think()
            data = {**sheet_fields(sheet.text), "csrf_token": token}
            for qid, score in me["ratings"].items():
                data[f"{qid}-score"] = str(score)
                data[f"{qid}-comments"] = f"burst {me['email']} {qid}"
            name = "ratings (submit)" if attempt == 0 else "ratings (submit again after 409)"
            # 302 saved; 200 saved, with a colleague's newer city answer shown beside it (issue
            # 16: "your ratings are saved"); 409 nothing saved, the colleague's answer shown: again.
            if self.post(sheet_path, name, data, 302, 200, 409).status_code != 409:
                break
        self.think()
        self.get(f"/scorecard/city/{me['city']}/results", "results")
