"""The scorecard definition: `quizzes/scorecard/essential-NN.yaml`, one file per Essential."""

from __future__ import annotations

from pathlib import Path

from training.content.errors import Collector, ContentError
from training.content.parsing import (
    QUESTION_ID_RE,
    SCORECARD_COUNTS,
    bilingual,
    int_field,
    read_yaml,
    rel_path,
)
from training.content.schema import EssentialDef, ScorecardQuestionDef


def load_essential(path: Path, root: Path, errors: list[ContentError]) -> EssentialDef | None:
    err = Collector(rel_path(path, root), errors)
    data, _raw = read_yaml(path, err)
    if not isinstance(data, dict):
        if data is not None:
            err.add("(file)", "must be a YAML mapping")
        return None
    number = int_field(data.get("number"), "number", err, 1, 10)
    expected = int(path.stem.rsplit("-", 1)[-1]) if path.stem[-2:].isdigit() else None
    if expected is not None and expected != number:
        err.add("number", f"is {number} but the file is {path.name}")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list):
        err.add("questions", "needs a list of questions")
        raw_questions = []
    questions = []
    for i, q in enumerate(raw_questions):
        field = f"questions[{i}]"
        if not isinstance(q, dict):
            err.add(field, "must be a mapping")
            continue
        qid = q.get("id")
        match = QUESTION_ID_RE.match(qid) if isinstance(qid, str) else None
        if not match or int(match["e"]) != number:
            err.add(f"{field}.id", f"{qid!r} is not an id of Essential {number} such as P{number}.1")
            continue
        field = f"questions[{i}] ({qid})"
        levels_raw = q.get("levels")
        levels: dict[str, dict[str, str]] = {}
        if not isinstance(levels_raw, dict) or set(levels_raw) != {0, 1, 2, 3}:
            err.add(f"{field}.levels", "needs exactly the levels 0, 1, 2 and 3")
        else:
            for score in range(4):
                levels[str(score)] = bilingual(levels_raw[score], f"{field}.levels.{score}", err)
        official = q.get("official", "")
        if not isinstance(official, str):
            err.add(f"{field}.official", "must be a short text naming the official indicator")
            official = ""
        help_text = bilingual(q["help"], f"{field}.help", err) if q.get("help") is not None else {}
        questions.append(
            ScorecardQuestionDef(
                id=qid,
                essential=number,
                position=int(match["n"]),
                topic=bilingual(q.get("topic"), f"{field}.topic", err),
                text=bilingual(q.get("text"), f"{field}.text", err),
                levels=levels,
                official=official.strip(),
                help=help_text,
            )
        )
    positions = [q.position for q in questions]
    wanted = list(range(1, SCORECARD_COUNTS.get(number, 0) + 1))
    if sorted(positions) != wanted:
        err.add(
            "questions",
            f"Essential {number} needs the questions P{number}.1–P{number}.{len(wanted)} once each; "
            f"found {', '.join(q.id for q in questions) or 'none'}",
        )
    return EssentialDef(
        number=number,
        title=bilingual(data.get("title"), "title", err),
        summary=bilingual(data.get("summary"), "summary", err),
        questions=tuple(sorted(questions, key=lambda q: q.position)),
    )
