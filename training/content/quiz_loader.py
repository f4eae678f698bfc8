"""Quiz files: parse each question through its type, then check pools (a draw the pool can
fill, every stratum represented) and the balance of the keys. Part of the loader's parse step;
problems are collected as ContentError naming the file and the field."""

from __future__ import annotations

from pathlib import Path

from training.content.errors import Collector, ContentError
from training.content.parsing import (
    SLUG_RE,
    bilingual,
    digest,
    int_field,
    read_yaml,
    rel_path,
)
from training.content.question_types import QUESTION_TYPES
from training.content.schema import (
    REVEALS,
    STRATA,
    QuestionDef,
    QuizDef,
)


def _load_quiz(path: Path, root: Path, errors: list[ContentError]) -> QuizDef | None:
    err = Collector(rel_path(path, root), errors)
    data, raw = read_yaml(path, err)
    if data is None:
        return None
    if not isinstance(data, dict):
        err.add("(file)", "must be a YAML mapping")
        return None
    module = data.get("module")
    if module != path.stem:
        err.add("module", f"must be '{path.stem}', the file's name (got {module!r})")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        err.add("questions", "needs a list of questions")
        raw_questions = []
    questions = []
    seen: set[str] = set()
    for i, q in enumerate(raw_questions):
        field = f"questions[{i}]"
        if not isinstance(q, dict):
            err.add(field, "must be a mapping")
            continue
        key = q.get("id")
        if not isinstance(key, str) or not SLUG_RE.match(key):
            err.add(f"{field}.id", "needs a stable kebab-case id")
            key = f"#{i}"
        elif key in seen:
            err.add(f"{field}.id", f"'{key}' is used by another question in this quiz")
        seen.add(key)
        field = f"questions[{i}] ({key})"
        qtype = QUESTION_TYPES.get(q.get("type"))
        if qtype is None:
            err.add(f"{field}.type", f"must be one of {', '.join(QUESTION_TYPES)}")
            continue
        body = {
            "text": bilingual(q.get("text"), f"{field}.text", err),
            "explanation": bilingual(q.get("explanation"), f"{field}.explanation", err),
            **qtype.validate(q, field, err),
        }
        lesson = q.get("lesson")
        if not isinstance(lesson, str) or not lesson:
            err.add(f"{field}.lesson", "must name the lesson that teaches it")
            lesson = ""
        questions.append(
            QuestionDef(
                key=key,
                type=qtype.name,
                essential=int_field(q.get("essential"), f"{field}.essential", err, 1, 10),
                lesson=lesson,
                body=body,
            )
        )
    pass_mark = int_field(data.get("pass_mark"), "pass_mark", err, 1, 100)
    max_attempts = int_field(data.get("max_attempts", 0), "max_attempts", err, 0, 100)
    pretest = int_field(data.get("pretest_questions", 0), "pretest_questions", err, 0, 100)
    if pretest > len(questions):
        err.add("pretest_questions", f"is {pretest} but the quiz has only {len(questions)} questions")
    draw = int_field(data.get("draw", 0), "draw", err, 0, 1000)
    stratify = data.get("stratify", "lesson")
    if stratify not in STRATA:
        err.add("stratify", f"must be one of {', '.join(STRATA)}")
        stratify = "lesson"
    reveal = data.get("reveal", "pass_or_last")
    if reveal not in REVEALS:
        err.add("reveal", f"must be one of {', '.join(REVEALS)}")
        reveal = "pass_or_last"
    _check_pool(questions, draw, stratify, err)
    _check_key_balance(questions, err)
    return QuizDef(
        module=str(module),
        path=rel_path(path, root),
        pass_mark=pass_mark,
        max_attempts=max_attempts,
        pretest_questions=pretest,
        questions=tuple(questions),
        version=digest(raw),
        draw=draw,
        stratify=stratify,
        reveal=reveal,
    )


def _stratum(question: QuestionDef, stratify: str) -> str:
    return question.lesson if stratify == "lesson" else str(question.essential)


def _check_pool(questions: list[QuestionDef], draw: int, stratify: str, err: Collector) -> None:
    """A draw must be fillable from the pool and cover every stratum (lesson or Essential)."""
    if not draw:
        return
    strata = {_stratum(q, stratify) for q in questions}
    if draw > len(questions):
        err.add("draw", f"is {draw} but the pool has only {len(questions)} questions")
    elif draw < len(strata):
        err.add(
            "draw",
            f"is {draw} but the questions span {len(strata)} {stratify}s: "
            f"every attempt must draw at least one question of each",
        )


#: no option position may hold more than this share of a quiz's single-choice keys
MAX_KEY_POSITION_SHARE = 0.40
#: true/false keys: share of `true` allowed (or as near to half as an odd count allows)
TRUE_SHARE = (0.35, 0.65)


def _check_key_balance(questions: list[QuestionDef], err: Collector) -> None:
    """Keys spread over positions and over True/False, so a pattern never beats the quiz."""
    positions: dict[int, list[str]] = {}
    singles = 0
    for q in questions:
        if q.type != "single":
            continue
        options = q.body.get("options", [])
        keys = [i for i, o in enumerate(options) if o["correct"]]
        if len(keys) == 1:
            singles += 1
            positions.setdefault(keys[0], []).append(q.key)
    allowed = max(1, int(MAX_KEY_POSITION_SHARE * singles + 1e-9))
    for position, keys in sorted(positions.items()):
        if len(keys) > allowed:
            err.add(
                "questions",
                f"{len(keys)} of {singles} single-choice keys are option {position + 1} in the file "
                f"(at most {allowed}, i.e. 40 %, may share a position): move the correct option of "
                f"some of {', '.join(keys)}",
            )
    answers = [q.body.get("answer") for q in questions if q.type == "true_false"]
    if answers:
        n, trues = len(answers), sum(1 for a in answers if a is True)
        low, high = TRUE_SHARE
        near_half = abs(trues - n / 2) <= 0.5
        if not (low * n - 1e-9 <= trues <= high * n + 1e-9 or near_half):
            err.add(
                "questions",
                f"{trues} of {n} true/false keys are true: between 35 % and 65 % must be true",
            )
