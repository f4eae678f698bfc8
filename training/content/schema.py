"""The curriculum as frozen dataclasses, built by the loader from the files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TOPICS = ("mitigation", "adaptation", "finance", "nbs", "resilience")
LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    mirror: bool = False  # a copy on another site, cited because no primary copy is known
    note: str = ""
    title_zh: str = ""  # the title the Chinese lesson gives the same source (matched by url)


@dataclass(frozen=True)
class LessonDef:
    slug: str  # "01-urban-climate-risks"
    position: int
    minutes: int
    title: dict[str, str]
    html: dict[str, str]
    sources: tuple[Source, ...]
    version: str
    glossary_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleDef:
    slug: str
    path: str
    position: int
    topic: str
    essentials: tuple[int, ...]
    scorecard_questions: tuple[str, ...]
    title: dict[str, str]
    summary: dict[str, str]
    objectives: dict[str, list[str]]
    sources: tuple[Source, ...]
    lessons: tuple[LessonDef, ...]
    version: str
    case_studies: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionDef:
    key: str
    type: str
    essential: int
    lesson: str
    body: dict[str, Any]  # single/multiple bodies carry "shuffle": bool (default true)


#: what a result page reveals (docs/quizzes.md)
REVEALS = ("pass_or_last", "always", "never")
STRATA = ("lesson", "essential")


@dataclass(frozen=True)
class QuizDef:
    module: str
    path: str
    pass_mark: int
    max_attempts: int
    pretest_questions: int
    questions: tuple[QuestionDef, ...]
    version: str
    draw: int = 0  # questions per final attempt; 0 = all
    stratify: str = "lesson"
    reveal: str = "pass_or_last"


@dataclass(frozen=True)
class ScorecardQuestionDef:
    id: str
    essential: int
    position: int
    topic: dict[str, str]
    text: dict[str, str]
    levels: dict[str, dict[str, str]]
    # Which indicator of UNDRR's official preliminary tool this question renders (a short note in
    # our own words, for reviewers), and optional help: local examples that illustrate the levels.
    official: str = ""
    help: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EssentialDef:
    number: int
    title: dict[str, str]
    summary: dict[str, str]
    questions: tuple[ScorecardQuestionDef, ...]


@dataclass(frozen=True)
class Curriculum:
    modules: tuple[ModuleDef, ...] = ()
    quizzes: tuple[QuizDef, ...] = ()
    essentials: tuple[EssentialDef, ...] = ()
    case_studies: tuple[CaseStudyDef, ...] = ()
    glossary: tuple[GlossaryTermDef, ...] = ()
    warnings: tuple[str, ...] = field(default=())


HAZARDS = (
    "flood", "heat", "drought", "typhoon", "storm-surge", "sea-level-rise",
    "landslide", "earthquake", "water-scarcity", "air-pollution", "cold-wave",
)  # fmt: skip
REGIONS = (
    "east-asia", "south-east-asia", "south-asia", "europe", "north-america",
    "latin-america", "africa", "middle-east", "oceania",
)  # fmt: skip


@dataclass(frozen=True)
class CaseStudyDef:
    slug: str
    path: str
    title: dict[str, str]
    summary: dict[str, str]
    city: dict[str, str]
    country: dict[str, str]
    region: str
    years: str
    hazards: tuple[str, ...]
    topics: tuple[str, ...]
    essentials: tuple[int, ...]
    cautionary: bool
    sources: tuple[dict[str, str], ...]
    body: dict[str, str]  # Markdown per language, as written
    html: dict[str, str]  # rendered and sanitised
    glossary_refs: tuple[str, ...]
    version: str


@dataclass(frozen=True)
class GlossaryTermDef:
    id: str
    term: dict[str, str]
    definition: dict[str, str]
    source: dict[str, str] | None
    see_also: tuple[str, ...]
    position: int
