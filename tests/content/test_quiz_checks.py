"""Content checks that keep quizzes honest (issue 13): keys spread over positions and over
True/False, no "all of the above" in a shuffled question, pools that can fill their draw. Each
error names the file and the field."""

from __future__ import annotations

from tests.content.test_loader import _edit_yaml, _errors
from training.content import load_curriculum
from training.content.errors import Collector
from training.content.loader import _check_key_balance

QUIZ = "quizzes/climate-adaptation.yaml"


def _singles(data):
    return [q for q in data["questions"] if q["type"] == "single"]


def _move_key_first(question):
    options = question["options"]
    correct = next(o for o in options if o.get("correct"))
    options.remove(correct)
    options.insert(0, correct)


def test_the_real_quizzes_pass_every_check(content_root):
    curriculum = load_curriculum(content_root)
    assert {quiz.module for quiz in curriculum.quizzes} >= {"climate-adaptation", "climate-finance"}


def test_keys_piled_on_one_position_are_refused_with_file_and_field(content_root):
    _edit_yaml(content_root, QUIZ, lambda data: [_move_key_first(q) for q in _singles(data)])
    errors = _errors(content_root)
    balance = [e for e in errors if e.startswith(f"{QUIZ}: questions: ")]
    assert balance and "single-choice keys are option 1" in balance[0]
    assert "40 %" in balance[0]


def test_true_false_keys_mostly_false_are_refused(content_root):
    def all_false(data):
        for q in data["questions"]:
            if q["type"] == "true_false":
                q["answer"] = False
        data["questions"].append(
            {**next(q for q in data["questions"] if q["type"] == "true_false"), "id": "ada-extra"}
        )

    _edit_yaml(content_root, QUIZ, all_false)
    errors = _errors(content_root)
    assert any(e.startswith(f"{QUIZ}: questions: ") and "true/false keys are true" in e for e in errors)


def test_balance_thresholds():
    class Q:
        def __init__(self, key, qtype, correct_at=None, answer=None):
            self.key, self.type = key, qtype
            options = [{"id": c, "correct": i == correct_at} for i, c in enumerate("abcd")]
            self.body = {"options": options} if qtype == "single" else {"answer": answer}

    def problems(questions):
        sink = []
        _check_key_balance(questions, Collector("q.yaml", sink))
        return sink

    # 5 single-choice keys: two may share a position (40 %), three may not
    assert problems([Q(f"s{i}", "single", p) for i, p in enumerate([0, 0, 1, 2, 3])]) == []
    assert problems([Q(f"s{i}", "single", p) for i, p in enumerate([0, 0, 0, 2, 3])])
    assert problems([Q("s", "single", 0), Q("t", "single", 1)]) == []  # tiny quizzes pass
    # true/false: 35–65 % true, or as near to half as an odd count allows
    tf = lambda answers: [Q(f"t{i}", "true_false", answer=a) for i, a in enumerate(answers)]  # noqa: E731
    assert problems(tf([True, False, False])) == []
    assert problems(tf([True, True, False, False])) == []
    assert problems(tf([True, False, False, False]))
    assert problems(tf([False] * 3))
    assert problems(tf([True] * 7 + [False] * 13)) == []
    assert problems(tf([True] * 6 + [False] * 14))


def test_all_of_the_above_is_refused_in_a_shuffled_question(content_root):
    def add(data):
        first, second, third = _singles(data)[:3]
        first["options"][-1]["text"] = {"en": "All of the above.", "zh": "以上都对。"}
        second["options"][-1]["text"] = {"en": "Each of them.", "zh": "以上皆是。"}
        third["shuffle"] = False  # an unshuffled question may say it
        third["options"][-1]["text"] = {"en": "None of the above.", "zh": "以上都不对。"}

    _edit_yaml(content_root, QUIZ, add)
    errors = _errors(content_root)
    refused = [e for e in errors if "refers to the other options by position" in e]
    assert len(refused) == 2
    assert all(e.startswith(f"{QUIZ}: questions[") and ".options[" in e and ".text" in e for e in refused)


def test_a_pool_that_cannot_fill_its_draw_is_refused(content_root):
    _edit_yaml(content_root, QUIZ, lambda data: data.update(draw=50))
    assert any(e.startswith(f"{QUIZ}: draw: is 50 but the pool has only") for e in _errors(content_root))


def test_a_draw_smaller_than_the_lessons_is_refused(content_root):
    _edit_yaml(content_root, QUIZ, lambda data: data.update(draw=3))
    assert any(e.startswith(f"{QUIZ}: draw: is 3") and "6 lessons" in e for e in _errors(content_root))


def test_reveal_and_stratify_take_known_values(content_root):
    _edit_yaml(content_root, QUIZ, lambda data: data.update(reveal="sometimes", stratify="colour"))
    joined = "\n".join(_errors(content_root))
    assert f"{QUIZ}: reveal: must be one of" in joined and f"{QUIZ}: stratify: must be one of" in joined


def test_shuffle_false_is_kept_in_the_body(content_root):
    _edit_yaml(content_root, QUIZ, lambda data: _singles(data)[0].update(shuffle=False))
    quiz = next(q for q in load_curriculum(content_root).quizzes if q.module == "climate-adaptation")
    bodies = [q.body for q in quiz.questions if q.type == "single"]
    assert bodies[0]["shuffle"] is False and bodies[1]["shuffle"] is True
