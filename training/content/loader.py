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
from training.content.quiz_loader import _check_key_balance, _load_quiz  # noqa: F401 - tests use both
from training.content.render import (
    MARKDOWN_REFUSED,
    MarkdownRefused,
    glossary_refs,
    plain_paragraphs,
    render_markdown_strictly,
)
from training.content.schema import (
    LANGUAGES,
    TOPICS,
    Curriculum,
    LessonDef,
    ModuleDef,
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
        sources=_titled_like_lessons(
            sources_field(data.get("sources"), "sources", err, required=True), lessons
        ),
        lessons=lessons,
        version=digest(raw, *(lesson.version.encode() for lesson in lessons)),
        case_studies=_slug_list(data.get("case_studies"), "case_studies", err),
    )


def _titled_like_lessons(sources: tuple[Source, ...], lessons: tuple[LessonDef, ...]) -> tuple[Source, ...]:
    """The module's sources, each with the Chinese title a lesson gives the same url (if any), so
    a Chinese module page names them as its Chinese lessons do."""
    zh_titles = {s.url: s.title_zh for lesson in lessons for s in lesson.sources if s.title_zh}
    return tuple(
        replace(s, title_zh=zh_titles[s.url]) if not s.title_zh and s.url in zh_titles else s for s in sources
    )


def _slug_list(value, field: str, err: Collector) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and SLUG_RE.match(v) for v in value):
        err.add(field, "must be a list of case-study slugs")
        return ()
    return tuple(value)


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
