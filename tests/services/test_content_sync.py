from __future__ import annotations

import yaml

from tests import factories
from tests.content.conftest import REAL, copy_content
from tests.services.test_learning import _right
from training.content import load_curriculum
from training.models import Question
from training.services import quizzes
from training.services.content_sync import sync_curriculum
from training.services.learning import list_lessons


def test_sync_twice_changes_nothing(db_session):
    report = sync_curriculum(load_curriculum(REAL))
    assert not report.changed, report.lines()


def test_edit_updates_and_removed_question_keeps_old_attempts_readable(db_session, tmp_path):
    copy_content(tmp_path)
    user = factories.user()
    module, quiz = factories.adaptation()
    questions = quizzes.list_questions(quiz, "final", user)
    attempt = quizzes.submit_attempt(user, quiz, "final", questions, {q.key: _right(q) for q in questions})
    removed = questions[0].key

    lesson_file = next((tmp_path / "modules/climate-adaptation").glob("01-*.en.md"))
    lesson_file.write_text(
        lesson_file.read_text(encoding="utf-8") + "\n\nAn added paragraph.\n", encoding="utf-8"
    )
    quiz_file = tmp_path / "quizzes/climate-adaptation.yaml"
    data = yaml.safe_load(quiz_file.read_text(encoding="utf-8"))
    data["questions"] = [q for q in data["questions"] if q["id"] != removed]
    data["pretest_questions"] = min(data["pretest_questions"], len(data["questions"]))
    quiz_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    report = sync_curriculum(load_curriculum(tmp_path))
    assert report.counts["lesson updated"] == 1
    assert report.counts["question retired"] == 1
    assert "An added paragraph." in list_lessons(module)[0].html_en
    retired = db_session.query(Question).filter_by(quiz_id=quiz.id, key=removed).one()
    assert retired.active is False
    assert removed not in [q.key for q in quizzes.list_questions(quiz, "final", user)]
    # the earlier attempt still shows the removed question, as it was taken
    review = quizzes.review_attempt(attempt, "en")
    assert review[0].key == removed and review[0].body["text"]["en"]
    assert attempt.content_version != quiz.version
