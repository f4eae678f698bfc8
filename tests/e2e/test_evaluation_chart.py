"""The evaluation page's bar chart with a real workshop's six modules: the module names under the
bars neither run into each other nor push the page sideways, on a desktop and on a 375px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.steps import PASSWORD, log_in, unique_email

LABELS_JS = """() => {
    const overlaps = [];
    let labels = 0;
    for (const row of document.querySelectorAll('.gain-labels')) {
        const spans = [...row.querySelectorAll('span')];
        labels = Math.max(labels, spans.length);
        const boxes = spans.map((s) => s.getBoundingClientRect());
        for (let i = 1; i < boxes.length; i++) {
            if (boxes[i].left < boxes[i - 1].right - 0.5) {
                overlaps.push(spans[i - 1].textContent + ' / ' + spans[i].textContent);
            }
        }
    }
    const root = document.documentElement;
    return {labels, overlaps, scrollWidth: root.scrollWidth, clientWidth: root.clientWidth};
}"""


def _first(question):
    """The first option (True for a true/false question), as a response."""
    if question.type == "true_false":
        return True
    first = question.body["options"][0]["id"]
    return first if question.type == "single" else [first]


def _cohort_with_six_modules_tested(app, trainer_email: str) -> int:
    """A Kunming cohort of all six modules; one trainee took the pre-test and the final of each."""
    from training.models import QuizAttempt, Role
    from training.services import accounts, city_access, cohorts, learning, quizzes, trainer_cities

    with app.app_context():
        city = city_access.get_city_by_name("Kunming")
        trainer = accounts.register_user(
            name="Trainer Chart", email=trainer_email, password=PASSWORD, city=None, role=Role.TRAINER
        )
        admin = accounts.register_user(
            name="Admin Chart", email=f"admin-{trainer_email}", password=PASSWORD, city=None, role=Role.ADMIN
        )
        trainer_cities.assign_trainer_city(trainer, city, admin)
        modules = learning.list_modules()
        cohort = cohorts.create_cohort(
            trainer,
            cohorts.CohortValues("Kunming chart", city, None, None, [m.id for m in modules], [trainer.id]),
        )
        trainee = accounts.register_user(
            name="Trainee Chart", email=f"trainee-{trainer_email}", password=PASSWORD, city=city
        )
        cohorts.add_member(cohort, trainee)
        for module in modules:  # right or wrong does not matter here: both tests, every module
            quiz = quizzes.get_quiz(module)
            for kind in (QuizAttempt.PRETEST, QuizAttempt.FINAL):
                questions = quizzes.list_questions(quiz, kind, trainee)
                quizzes.submit_attempt(trainee, quiz, kind, questions, {q.key: _first(q) for q in questions})
        return cohort.id


@pytest.mark.parametrize("width", [1280, 375])
def test_the_module_names_under_the_gain_chart_stay_apart_and_on_screen(page: Page, live_app, width: int):
    email = unique_email(f"chart{width}")
    cohort_id = _cohort_with_six_modules_tested(live_app, email)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/auth/login")
    log_in(page, email)
    page.wait_for_url("**/cohorts/")
    page.goto(f"/cohorts/{cohort_id}/evaluation")
    found = page.evaluate(LABELS_JS)
    assert found["labels"] >= 6
    assert not found["overlaps"], found["overlaps"]
    assert found["scrollWidth"] <= found["clientWidth"], found
