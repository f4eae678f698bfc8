"""Load the curriculum from files in three steps: parse, build dataclasses, cross-check.

Every problem is collected as a ContentError naming the file and the field; the loader
raises ContentErrors with all of them at the end, so an editor sees every mistake at once.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from training.content.errors import Collector, ContentError, ContentErrors
from training.content.question_types import QUESTION_TYPES, _bilingual
from training.content.render import render_markdown
from training.content.schema import (
    LANGUAGES,
    TOPICS,
    Curriculum,
    EssentialDef,
    LessonDef,
    ModuleDef,
    QuestionDef,
    QuizDef,
    ScorecardQuestionDef,
    Source,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FILE_RE = re.compile(r"^(?P<num>\d{2})-(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>en|zh)\.md$")
QUESTION_ID_RE = re.compile(r"^P(?P<e>\d{1,2})\.(?P<n>\d{1,2})$")
FRONT_MATTER_RE = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*\n(?P<body>.*)\Z", re.DOTALL)
# The preliminary level: questions per Essential (UNDRR Disaster Resilience Scorecard, 2017).
SCORECARD_COUNTS = {1: 3, 2: 5, 3: 4, 4: 4, 5: 3, 6: 6, 7: 4, 8: 9, 9: 7, 10: 2}


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _digest(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk)
    return h.hexdigest()[:16]


def _read_yaml(path: Path, err: Collector) -> tuple[Any, bytes]:
    raw = path.read_bytes()
    try:
        return yaml.safe_load(raw.decode("utf-8")), raw
    except UnicodeDecodeError:
        err.add("(file)", "is not UTF-8 text")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        err.add(where, f"is not valid YAML: {getattr(exc, 'problem', exc)}")
    return None, raw


def _int(value: Any, field: str, err: Collector, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        err.add(field, f"must be a whole number from {lo} to {hi}")
        return lo
    return value


def _sources(value: Any, field: str, err: Collector, required: bool) -> tuple[Source, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or (required and not value):
        err.add(field, "needs a list of sources, each with title and url")
        return ()
    result = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            err.add(f"{field}[{i}]", "must have title and url")
            continue
        title, url = item.get("title"), item.get("url")
        if not isinstance(title, str) or not title.strip():
            err.add(f"{field}[{i}].title", "is missing")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            err.add(f"{field}[{i}].url", "must be an http(s) link")
        if isinstance(title, str) and isinstance(url, str):
            result.append(Source(title.strip(), url.strip()))
    return tuple(result)


def _essentials(value: Any, field: str, err: Collector) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        err.add(field, "needs a list of Essentials (numbers 1–10)")
        return ()
    result = []
    for i, item in enumerate(value):
        result.append(_int(item, f"{field}[{i}]", err, 1, 10))
    return tuple(result)


def _split_front_matter(text: str, err: Collector) -> tuple[dict[str, Any], str]:
    match = FRONT_MATTER_RE.match(text.replace("\r\n", "\n"))
    if not match:
        err.add("front matter", "the file must start with --- YAML front matter ---")
        return {}, text
    try:
        meta = yaml.safe_load(match.group("meta")) or {}
    except yaml.YAMLError as exc:
        err.add("front matter", f"is not valid YAML: {getattr(exc, 'problem', exc)}")
        return {}, match.group("body")
    if not isinstance(meta, dict):
        err.add("front matter", "must be a mapping")
        return {}, match.group("body")
    return meta, match.group("body")


# --- modules -----------------------------------------------------------------------------


def _load_lessons(folder: Path, root: Path, errors: list[ContentError]) -> tuple[LessonDef, ...]:
    files: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.name == "module.yaml" or path.name.startswith("."):
            continue
        match = LESSON_FILE_RE.match(path.name)
        if not match:
            Collector(_rel(path, root), "(file name)", errors).add(
                "(file name)", "lesson files are named NN-<slug>.en.md or NN-<slug>.zh.md"
            )
            continue
        slug = f"{match['num']}-{match['name']}"
        files.setdefault(slug, {})[match["lang"]] = path

    lessons = []
    numbers: dict[str, str] = {}
    for position, (slug, by_lang) in enumerate(sorted(files.items()), start=1):
        num = slug[:2]
        if num in numbers:
            Collector(_rel(folder, root), "lessons", errors).add(
                "lessons", f"lessons '{numbers[num]}' and '{slug}' share the number {num}"
            )
        numbers[num] = slug
        if "en" not in by_lang:
            Collector(_rel(folder / f"{slug}.en.md", root), "(file)", errors).add(
                "(file)", "is missing: every lesson needs an English file (the Chinese one is optional)"
            )
            continue
        title: dict[str, str] = {}
        html: dict[str, str] = {}
        minutes, sources = 10, ()
        raw_all = []
        for lang in LANGUAGES:
            path = by_lang.get(lang)
            if path is None:
                continue
            err = Collector(_rel(path, root), errors)
            raw = path.read_bytes()
            raw_all.append(raw)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                err.add("(file)", "is not UTF-8 text")
                continue
            meta, body = _split_front_matter(text, err)
            t = meta.get("title")
            if not isinstance(t, str) or not t.strip():
                err.add("title", "is missing from the front matter")
            else:
                title[lang] = t.strip()
            if lang == "en":
                minutes = _int(meta.get("minutes"), "minutes", err, 1, 180)
                sources = _sources(meta.get("sources"), "sources", err, required=True)
            else:
                if "minutes" in meta:
                    _int(meta.get("minutes"), "minutes", err, 1, 180)
                _sources(meta.get("sources"), "sources", err, required=False)
            if not body.strip():
                err.add("(body)", "the lesson has no text")
            html[lang] = render_markdown(body)
        lessons.append(
            LessonDef(
                slug=slug,
                position=position,
                minutes=minutes,
                title=title,
                html=html,
                sources=sources,
                version=_digest(*raw_all),
            )
        )
    return tuple(lessons)


def _load_module(folder: Path, root: Path, errors: list[ContentError]) -> ModuleDef | None:
    slug = folder.name
    meta_path = folder / "module.yaml"
    err = Collector(_rel(meta_path, root), errors)
    if not SLUG_RE.match(slug):
        err.add("(folder name)", f"'{slug}' is not a kebab-case slug")
    if not meta_path.exists():
        err.add("(file)", "is missing: every module folder needs a module.yaml")
        return None
    data, raw = _read_yaml(meta_path, err)
    if data is None:
        return None
    if not isinstance(data, dict):
        err.add("(file)", "must be a YAML mapping")
        return None
    topic = data.get("topic")
    if topic not in TOPICS:
        err.add("topic", f"must be one of {', '.join(TOPICS)}")
    questions = data.get("scorecard_questions")
    if not isinstance(questions, list) or not questions:
        err.add("scorecard_questions", "needs a list of scorecard question ids such as P2.1")
        questions = []
    for i, qid in enumerate(questions):
        if not isinstance(qid, str) or not QUESTION_ID_RE.match(qid):
            err.add(f"scorecard_questions[{i}]", f"'{qid}' is not a question id such as P2.1")
    objectives: dict[str, list[str]] = {}
    raw_obj = data.get("objectives")
    if not isinstance(raw_obj, dict):
        err.add("objectives", "needs en and zh lists")
    else:
        for lang in LANGUAGES:
            items = raw_obj.get(lang)
            if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
                err.add(f"objectives.{lang}", "needs a list of objectives")
            else:
                objectives[lang] = [i.strip() for i in items]
    lessons = _load_lessons(folder, root, errors)
    if not lessons:
        err.add("lessons", "the module has no lesson files")
    return ModuleDef(
        slug=slug,
        path=_rel(folder, root),
        position=_int(data.get("order"), "order", err, 0, 1000),
        topic=str(topic),
        essentials=_essentials(data.get("essentials"), "essentials", err),
        scorecard_questions=tuple(str(q) for q in questions),
        title=_bilingual(data.get("title"), "title", err),
        summary=_bilingual(data.get("summary"), "summary", err),
        objectives=objectives,
        sources=_sources(data.get("sources"), "sources", err, required=True),
        lessons=lessons,
        version=_digest(raw, *(lesson.version.encode() for lesson in lessons)),
    )


# --- quizzes -----------------------------------------------------------------------------


def _load_quiz(path: Path, root: Path, errors: list[ContentError]) -> QuizDef | None:
    err = Collector(_rel(path, root), errors)
    data, raw = _read_yaml(path, err)
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
            "text": _bilingual(q.get("text"), f"{field}.text", err),
            "explanation": _bilingual(q.get("explanation"), f"{field}.explanation", err),
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
                essential=_int(q.get("essential"), f"{field}.essential", err, 1, 10),
                lesson=lesson,
                body=body,
            )
        )
    pass_mark = _int(data.get("pass_mark"), "pass_mark", err, 1, 100)
    max_attempts = _int(data.get("max_attempts", 0), "max_attempts", err, 0, 100)
    pretest = _int(data.get("pretest_questions", 0), "pretest_questions", err, 0, 100)
    if pretest > len(questions):
        err.add("pretest_questions", f"is {pretest} but the quiz has only {len(questions)} questions")
    return QuizDef(
        module=str(module),
        path=_rel(path, root),
        pass_mark=pass_mark,
        max_attempts=max_attempts,
        pretest_questions=pretest,
        questions=tuple(questions),
        version=_digest(raw),
    )


# --- scorecard ---------------------------------------------------------------------------


def _load_essential(path: Path, root: Path, errors: list[ContentError]) -> EssentialDef | None:
    err = Collector(_rel(path, root), errors)
    data, _raw = _read_yaml(path, err)
    if not isinstance(data, dict):
        if data is not None:
            err.add("(file)", "must be a YAML mapping")
        return None
    number = _int(data.get("number"), "number", err, 1, 10)
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
                levels[str(score)] = _bilingual(levels_raw[score], f"{field}.levels.{score}", err)
        questions.append(
            ScorecardQuestionDef(
                id=qid,
                essential=number,
                position=int(match["n"]),
                topic=_bilingual(q.get("topic"), f"{field}.topic", err),
                text=_bilingual(q.get("text"), f"{field}.text", err),
                levels=levels,
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
        title=_bilingual(data.get("title"), "title", err),
        summary=_bilingual(data.get("summary"), "summary", err),
        questions=tuple(sorted(questions, key=lambda q: q.position)),
    )


# --- the whole curriculum ----------------------------------------------------------------


def load_curriculum(root: str | Path) -> Curriculum:
    """Load and validate `modules/` and `quizzes/` under `root`; raise ContentErrors if broken."""
    root = Path(root)
    errors: list[ContentError] = []
    modules_dir, quizzes_dir = root / "modules", root / "quizzes"

    modules = []
    if modules_dir.is_dir():
        for folder in sorted(p for p in modules_dir.iterdir() if p.is_dir()):
            module = _load_module(folder, root, errors)
            if module:
                modules.append(module)
    quizzes = []
    if quizzes_dir.is_dir():
        for path in sorted(quizzes_dir.glob("*.yaml")):
            quiz = _load_quiz(path, root, errors)
            if quiz:
                quizzes.append(quiz)
    essentials = []
    scorecard_dir = quizzes_dir / "scorecard"
    if scorecard_dir.is_dir():
        for path in sorted(scorecard_dir.glob("essential-*.yaml")):
            essential = _load_essential(path, root, errors)
            if essential:
                essentials.append(essential)

    _cross_check(root, modules, quizzes, essentials, errors)
    if errors:
        raise ContentErrors(errors)
    return Curriculum(
        modules=tuple(sorted(modules, key=lambda m: (m.position, m.slug))),
        quizzes=tuple(quizzes),
        essentials=tuple(sorted(essentials, key=lambda e: e.number)),
    )


def _cross_check(root, modules, quizzes, essentials, errors) -> None:
    numbers = [e.number for e in essentials]
    if sorted(set(numbers)) != list(range(1, 11)) or len(numbers) != 10:
        Collector("quizzes/scorecard", errors).add(
            "(folder)", "needs essential-01.yaml … essential-10.yaml, one per Essential"
        )
    question_ids = {q.id for e in essentials for q in e.questions}
    by_slug = {m.slug: m for m in modules}
    for module in modules:
        err = Collector(f"{module.path}/module.yaml", errors)
        for i, qid in enumerate(module.scorecard_questions):
            if question_ids and qid not in question_ids:
                err.add(f"scorecard_questions[{i}]", f"'{qid}' is not a scorecard question")
    quiz_modules = set()
    for quiz in quizzes:
        err = Collector(quiz.path, errors)
        module = by_slug.get(quiz.module)
        if module is None:
            err.add("module", f"'{quiz.module}' is not a folder in modules/")
            continue
        quiz_modules.add(quiz.module)
        lessons = {lesson.slug for lesson in module.lessons}
        for i, q in enumerate(quiz.questions):
            if q.lesson and q.lesson not in lessons:
                err.add(
                    f"questions[{i}] ({q.key}).lesson",
                    f"'{q.lesson}' is not a lesson of {module.slug}",
                )
    for module in modules:
        if module.slug not in quiz_modules:
            Collector(f"quizzes/{module.slug}.yaml", errors).add(
                "(file)", f"is missing: module '{module.slug}' needs a quiz"
            )
