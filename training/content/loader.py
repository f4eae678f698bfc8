"""Load the curriculum from files in three steps: parse, build dataclasses, cross-check.

Every problem is collected as a ContentError naming the file and the field; the loader
raises ContentErrors with all of them at the end, so an editor sees every mistake at once.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from training.content.errors import Collector, ContentError, ContentErrors
from training.content.library import load_case_studies, load_glossary
from training.content.parsing import (
    LESSON_FILE_RE,
    QUESTION_ID_RE,
    SLUG_RE,
    bilingual,
    digest,
    essentials_field,
    int_field,
    read_markdown,
    read_yaml,
    rel_path,
    sources_field,
)
from training.content.question_types import QUESTION_TYPES
from training.content.render import (
    MARKDOWN_REFUSED,
    MarkdownRefused,
    glossary_refs,
    plain_paragraphs,
    render_markdown_strictly,
)
from training.content.schema import (
    LANGUAGES,
    REVEALS,
    STRATA,
    TOPICS,
    Curriculum,
    LessonDef,
    ModuleDef,
    QuestionDef,
    QuizDef,
    Source,
)
from training.content.scorecard import load_essential

# --- modules -----------------------------------------------------------------------------


def with_chinese_titles(sources: tuple[Source, ...], zh_sources: tuple[Source, ...]) -> tuple[Source, ...]:
    """The English file's sources, each with the title the Chinese file gives the same url; a
    source only the Chinese file cites is kept too (a Chinese document, titled in Chinese)."""
    zh_by_url = {s.url: s for s in zh_sources}
    merged = [replace(s, title_zh=zh_by_url[s.url].title) if s.url in zh_by_url else s for s in sources]
    cited = {s.url for s in sources}
    merged += [replace(s, title_zh=s.title) for s in zh_sources if s.url not in cited]
    return tuple(merged)


def _load_lessons(folder: Path, root: Path, errors: list[ContentError]) -> tuple[LessonDef, ...]:
    files: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.name == "module.yaml" or path.name.startswith("."):
            continue
        match = LESSON_FILE_RE.match(path.name)
        if not match:
            Collector(rel_path(path, root), "(file name)", errors).add(
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
            Collector(rel_path(folder, root), "lessons", errors).add(
                "lessons", f"lessons '{numbers[num]}' and '{slug}' share the number {num}"
            )
        numbers[num] = slug
        if "en" not in by_lang:
            Collector(rel_path(folder / f"{slug}.en.md", root), "(file)", errors).add(
                "(file)", "is missing: every lesson needs an English file (the Chinese one is optional)"
            )
            continue
        title: dict[str, str] = {}
        html: dict[str, str] = {}
        minutes, sources, zh_sources = 10, (), ()
        raw_all = []
        refs: list[str] = []
        for lang in LANGUAGES:
            path = by_lang.get(lang)
            if path is None:
                continue
            raw, err, meta, body = read_markdown(path, root, errors)
            raw_all.append(raw)
            if meta is None:
                continue
            t = meta.get("title")
            if not isinstance(t, str) or not t.strip():
                err.add("title", "is missing from the front matter")
            else:
                title[lang] = t.strip()
            if lang == "en":
                minutes = int_field(meta.get("minutes"), "minutes", err, 1, 180)
                sources = sources_field(meta.get("sources"), "sources", err, required=True)
            else:
                if "minutes" in meta:
                    int_field(meta.get("minutes"), "minutes", err, 1, 180)
                zh_sources = sources_field(meta.get("sources"), "sources", err, required=False)
            if not body.strip():
                err.add("(body)", "the lesson has no text")
            refs.extend(glossary_refs(body))
            try:
                html[lang] = render_markdown_strictly(body)
            except MarkdownRefused as refused:  # over the renderer's bounds: say so, not plain text
                err.add("(body)", MARKDOWN_REFUSED[refused.code])
                html[lang] = plain_paragraphs(body)
        lessons.append(
            LessonDef(
                slug=slug,
                position=position,
                minutes=minutes,
                title=title,
                html=html,
                sources=with_chinese_titles(sources, zh_sources),
                version=digest(*raw_all),
                glossary_refs=tuple(refs),
            )
        )
    return tuple(lessons)


def _load_module(folder: Path, root: Path, errors: list[ContentError]) -> ModuleDef | None:
    slug = folder.name
    meta_path = folder / "module.yaml"
    err = Collector(rel_path(meta_path, root), errors)
    if not SLUG_RE.match(slug):
        err.add("(folder name)", f"'{slug}' is not a kebab-case slug")
    if not meta_path.exists():
        err.add("(file)", "is missing: every module folder needs a module.yaml")
        return None
    data, raw = read_yaml(meta_path, err)
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
        path=rel_path(folder, root),
        position=int_field(data.get("order"), "order", err, 0, 1000),
        topic=str(topic),
        essentials=essentials_field(data.get("essentials"), "essentials", err),
        scorecard_questions=tuple(str(q) for q in questions),
        title=bilingual(data.get("title"), "title", err),
        summary=bilingual(data.get("summary"), "summary", err),
        objectives=objectives,
        sources=sources_field(data.get("sources"), "sources", err, required=True),
        lessons=lessons,
        version=digest(raw, *(lesson.version.encode() for lesson in lessons)),
        case_studies=_slug_list(data.get("case_studies"), "case_studies", err),
    )


def _slug_list(value, field: str, err: Collector) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and SLUG_RE.match(v) for v in value):
        err.add(field, "must be a list of case-study slugs")
        return ()
    return tuple(value)


# --- quizzes -----------------------------------------------------------------------------


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
            essential = load_essential(path, root, errors)
            if essential:
                essentials.append(essential)

    library = root / "library"
    case_studies = load_case_studies(library / "case-studies", root, errors)
    glossary = load_glossary(library / "glossary.yaml", root, errors)

    _cross_check(root, modules, quizzes, essentials, errors)
    _cross_check_library(modules, case_studies, glossary, errors)
    if errors:
        raise ContentErrors(errors)
    return Curriculum(
        modules=tuple(sorted(modules, key=lambda m: (m.position, m.slug))),
        quizzes=tuple(quizzes),
        essentials=tuple(sorted(essentials, key=lambda e: e.number)),
        case_studies=tuple(case_studies),
        glossary=tuple(glossary),
    )


def _cross_check_library(modules, case_studies, glossary, errors) -> None:
    slugs = {c.slug for c in case_studies}
    terms = {t.id for t in glossary}
    for module in modules:
        err = Collector(f"{module.path}/module.yaml", errors)
        for i, slug in enumerate(module.case_studies):
            if slug not in slugs:
                err.add(f"case_studies[{i}]", f"'{slug}' is not a case study in library/case-studies/")
        for lesson in module.lessons:
            for ref in sorted(set(lesson.glossary_refs) - terms):
                Collector(f"{module.path}/{lesson.slug}", errors).add(
                    "glossary link", f"'{ref}' is not a term in library/glossary.yaml"
                )
    for study in case_studies:
        for ref in sorted(set(study.glossary_refs) - terms):
            Collector(study.path, errors).add(
                "glossary link", f"'{ref}' is not a term in library/glossary.yaml"
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
