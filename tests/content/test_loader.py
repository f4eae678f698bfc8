"""The loader reports every problem with its file and field, and renders safely."""

from __future__ import annotations

import pytest
import yaml

from training.content import ContentErrors, load_curriculum

QUIZ = "quizzes/climate-adaptation.yaml"
MODULE = "modules/climate-adaptation/module.yaml"


def _edit_yaml(root, rel, change):
    path = root / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _errors(root) -> list[str]:
    with pytest.raises(ContentErrors) as exc:
        load_curriculum(root)
    return [str(e) for e in exc.value.errors]


def test_every_problem_is_reported_with_file_and_field(content_root):
    def break_quiz(data):
        data["pass_mark"] = 150
        q = data["questions"][0]
        assert q["type"] == "single"
        for option in q["options"]:
            option["correct"] = True
        data["questions"][1]["lesson"] = "99-no-such-lesson"
        del data["questions"][2]["explanation"]["zh"]

    def break_module(data):
        data["topic"] = "weather"
        data["scorecard_questions"].append("P11.9")

    _edit_yaml(content_root, QUIZ, break_quiz)
    _edit_yaml(content_root, MODULE, break_module)
    errors = _errors(content_root)
    joined = "\n".join(errors)
    assert f"{QUIZ}: pass_mark:" in joined
    assert "needs exactly one correct option" in joined
    assert "'99-no-such-lesson' is not a lesson of climate-adaptation" in joined
    assert ".explanation.zh: is missing or empty" in joined
    assert f"{MODULE}: topic:" in joined
    assert "'P11.9'" in joined
    assert len(errors) >= 6


def test_broken_yaml_names_the_file_and_line(content_root):
    (content_root / QUIZ).write_text("module: climate-adaptation\nquestions: [\n", encoding="utf-8")
    errors = _errors(content_root)
    assert any(e.startswith(f"{QUIZ}: line") and "not valid YAML" in e for e in errors)


def test_duplicate_question_ids_and_bad_true_false(content_root):
    def change(data):
        data["questions"][1]["id"] = data["questions"][0]["id"]
        tf = next(q for q in data["questions"] if q["type"] == "true_false")
        tf["answer"] = "yes"

    _edit_yaml(content_root, QUIZ, change)
    joined = "\n".join(_errors(content_root))
    assert "is used by another question" in joined
    assert "true_false needs answer: true or answer: false" in joined


def test_scorecard_must_have_all_47_questions(content_root):
    def drop(data):
        data["questions"].pop()

    _edit_yaml(content_root, "quizzes/scorecard/essential-08.yaml", drop)
    joined = "\n".join(_errors(content_root))
    assert (
        "quizzes/scorecard/essential-08.yaml: questions: Essential 8 needs the questions P8.1–P8.9" in joined
    )


def test_lesson_without_front_matter(content_root):
    path = next((content_root / "modules/climate-adaptation").glob("01-*.zh.md"))
    path.write_text("没有前置元数据的课时", encoding="utf-8")
    joined = "\n".join(_errors(content_root))
    assert f"modules/climate-adaptation/{path.name}: front matter:" in joined


def test_missing_translation_falls_back_instead_of_failing(content_root):
    path = next((content_root / "modules/climate-adaptation").glob("02-*.zh.md"))
    path.unlink()
    curriculum = load_curriculum(content_root)
    module = next(m for m in curriculum.modules if m.slug == "climate-adaptation")
    lesson = next(lesson for lesson in module.lessons if lesson.slug.startswith("02-"))
    assert set(lesson.html) == {"en"}


def test_script_in_a_lesson_is_removed_at_render(content_root):
    path = next((content_root / "modules/climate-adaptation").glob("01-*.en.md"))
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2)) "
        + '<img src="https://evil.example/a.png" onerror="alert(3)">\n',
        encoding="utf-8",
    )
    curriculum = load_curriculum(content_root)
    module = next(m for m in curriculum.modules if m.slug == "climate-adaptation")
    html = module.lessons[0].html["en"]
    assert "<script" not in html and "javascript:" not in html
    assert "onerror" not in html and "evil.example" not in html


def test_a_lesson_over_the_renderers_bounds_is_reported(content_root):
    from training.content.render import MAX_MARKDOWN_CHARS

    lesson = sorted((content_root / "modules" / "climate-adaptation").glob("01-*.en.md"))[0]
    lesson.write_text(
        lesson.read_text(encoding="utf-8") + "\n" + "word " * (MAX_MARKDOWN_CHARS // 5), encoding="utf-8"
    )
    errors = _errors(content_root)
    assert any(lesson.name in e and f"longer than {MAX_MARKDOWN_CHARS} characters" in e for e in errors)
