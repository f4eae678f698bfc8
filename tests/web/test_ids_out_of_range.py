"""Every route with a number in its path answers 404 for a number beyond the database's range
(penetration test: /quizzes/attempts/99999999999999999999 answered 500), and a number at the top
of the range reaches the page without a database error. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from tests import factories
from training.models import Role
from training.web.routing import MAX_ID


def _int_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule), key=lambda rule: rule.rule
    )


PART = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?\w+>")


def _url(rule, number: int) -> str:
    """The rule's path with `number` for every int part (built by hand: url_for would check it)."""

    def fill(match: re.Match) -> str:
        converter, arguments = match.group(1), match.group(2)
        if converter == "int":
            return str(number)
        if converter == "any":
            return arguments.split(",")[0].strip().strip("'\"")
        return "x"

    return PART.sub(fill, rule.rule)


def _method(rule) -> str:
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]


def test_there_are_routes_with_numbers(app):
    assert len(_int_rules(app)) >= 20
    assert any(rule.rule.startswith("/quizzes/attempts/") for rule in _int_rules(app))


@pytest.mark.parametrize("number", [MAX_ID + 1, 2**63, 99999999999999999999])
def test_a_number_out_of_range_is_not_found_on_every_route(app, client, login, number):
    login(factories.user(Role.ADMIN))
    answers = {
        rule.rule: client.open(_url(rule, number), method=_method(rule)).status_code
        for rule in _int_rules(app)
    }
    assert {rule: code for rule, code in answers.items() if code != 404} == {}


def test_the_largest_number_in_range_reaches_the_pages_without_an_error(app, client, login):
    login(factories.user(Role.ADMIN))
    answers = {
        rule.rule: client.open(_url(rule, MAX_ID), method=_method(rule)).status_code
        for rule in _int_rules(app)
    }
    assert {rule: code for rule, code in answers.items() if code >= 500} == {}
    assert answers["/quizzes/attempts/<int:attempt_id>"] == 404


def test_numbers_out_of_range_in_the_editors_query_strings_and_forms(client, login):
    from tests.services.test_case_studies import complete
    from training.services.case_studies import editing as cs

    editor = login(factories.user(Role.ADMIN))
    study = cs.create_case_study(editor, "range-test", complete())
    huge = str(10**20)
    history = client.get(f"/case-studies/editor/{study.id}/history?a={huge}&b={huge}")
    log = client.get(f"/case-studies/editor/log?page={huge}")
    assert (history.status_code, log.status_code) == (200, 200)
    save = client.post(
        f"/case-studies/editor/{study.id}/edit",
        data={"slug": "range-test", "title_en": "Range", "version": huge, "action": "save"},
    )
    assert save.status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "/scorecard/city/{city}/results?assessment={n}",
        "/scorecard/city/{city}/export.xlsx?assessment={n}",
        "/scorecard/city/{city}/compare?before={n}&after={n}",
    ],
)
def test_numbers_out_of_range_in_the_scorecards_query_strings(client, login, path):
    admin = login(factories.user(Role.ADMIN, city_name="Chengdu"))
    response = client.get(path.format(city=admin.city_id, n=99999999999999999999))
    assert response.status_code < 500, response.status_code


def test_a_version_out_of_range_in_an_answer_sheet_is_a_conflict_not_an_error(client, login):
    trainee = login(factories.user(Role.TRAINEE, city_name="Chengdu"))
    response = client.post(
        f"/scorecard/city/{trainee.city_id}/essential/1",
        data={"P1.1-score": "2", "P1.1-version": "99999999999999999999"},
    )
    assert response.status_code < 500, response.status_code
