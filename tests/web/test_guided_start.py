"""A newcomer is guided: Start here explains the programme, My learning leads with where to
continue across all modules, and the city's recommendations never name a completed module."""

from __future__ import annotations

from markupsafe import escape

from tests import factories
from tests.services.test_learning import _pass_quiz
from training.services import learning
from training.services import scorecard as sc

ADAPTATION = "/learn/climate-adaptation/"


def _section(html: str, css_class: str) -> str:
    start = html.index(f'<section class="panel {css_class}"')
    return html[start : html.index("</section>", start)]


def test_start_here_in_both_languages(client):
    en = client.get("/learn/start", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for text in (
        "Start here",
        "The suggested order",
        "pre-test",
        "How the scorecard fits in",
        "Create an account",
    ):
        assert text in en
    assert en.index("/learn/resilient-cities-mcr2030/") < en.index(ADAPTATION)  # the first module first
    zh = client.get("/learn/start", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "建议学习顺序" in zh and "课前测试" in zh and "The suggested order" not in zh


def test_a_new_trainee_is_offered_the_first_module_and_the_guide(client, login):
    login(factories.user())
    html = client.get("/learn/my").get_data(as_text=True)
    step = _section(html, "next-step")
    assert "Start: Resilient cities and MCR2030" in step and 'href="/learn/start"' in step


def test_continue_points_to_the_next_lesson_then_the_quiz(client, login):
    user = login(factories.user())
    module, quiz = factories.adaptation()
    lessons = learning.list_lessons(module)
    learning.record_lesson_done(user, lessons[0])
    step = _section(client.get("/learn/my").get_data(as_text=True), "next-step")
    assert f"Continue: {escape(lessons[1].title_en)}" in step
    assert f'href="{ADAPTATION}{lessons[1].slug}"' in step and "/learn/start" not in step
    for lesson in lessons:
        learning.record_lesson_done(user, lesson)
    step = _section(client.get("/learn/my").get_data(as_text=True), "next-step")
    assert "Continue: the quiz of Climate adaptation" in step and f'href="{ADAPTATION}#quiz"' in step
    _pass_quiz(user, quiz)  # the module is complete: the next step is in another module begun or not
    step = _section(client.get("/learn/my").get_data(as_text=True), "next-step")
    assert ADAPTATION not in step and "Start: Resilient cities and MCR2030" in step


def test_my_learning_never_recommends_a_completed_module(client, login):
    user = login(factories.user())
    assessment = sc.get_or_create_assessment(user.city)
    sc.save_answer(user, assessment, sc.get_question("P8.1"), {"score": 0})  # weakest: Essential 8
    advice = _section(client.get("/learn/my").get_data(as_text=True), "advice")
    assert ADAPTATION in advice and "/learn/climate-mitigation/" in advice  # both serve Essential 8
    module, quiz = factories.adaptation()
    for lesson in learning.list_lessons(module):
        learning.record_lesson_done(user, lesson)
    _pass_quiz(user, quiz)
    advice = _section(client.get("/learn/my").get_data(as_text=True), "advice")
    assert ADAPTATION not in advice and "/learn/climate-mitigation/" in advice
