"""Resilience: for each city that shares its scorecard with the programme, its first and latest
preliminary assessment — the score per Essential and in total, and the change — and where
training and the weakest Essentials line up (modules recommended vs modules taken).

Private cities are left out before anything of their scorecard is read: no query here reads an
assessment of a city that does not share. Anonymised cities are shown under a letter.

Only what was answered is a figure. A question scored 0 counts 0; a question not answered (no
answer row, or a row without a score) counts nothing: an Essential none of whose questions was
answered has no score (None, not 0), the total is the sum over the questions answered and says how
many they were, and a change is given only where both assessments have a score.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import defer

from training.extensions import db
from training.models import Assessment, AssessmentAnswer, Essential, Module, ScorecardQuestion
from training.services.programmes.load import ProgrammeData
from training.services.programmes.sharing import ANONYMISED, NAMED, anonymous_letters, current_levels
from training.services.recommendations import recommend
from training.services.scorecard import MAX_SCORE, QUESTION_TEXTS, EssentialRow, QuestionRow, Scorecard


@dataclass(frozen=True)
class Snapshot:
    """One assessment's scores per Essential (1..10) and in total, each with how many questions
    were answered: a score is the sum over the answered questions, None when none was."""

    sequence: int
    started_at: object
    by_essential: dict[int, int | None]
    answered_by_essential: dict[int, int]
    total: int | None
    answered: int  # questions answered, of all the preliminary questions


@dataclass
class CityResilience:
    city_id: int
    level: str  # named or anonymised
    name: dict[str, str]  # {"en": …, "zh": …}: the city's name, or "City C" / "城市C"
    letter: str  # "" when named
    first: Snapshot | None
    latest: Snapshot | None
    recommended: list[Module] = field(default_factory=list)
    taken: list[Module] = field(default_factory=list)  # assigned in the city's programme cohorts
    weakest: list[int] = field(default_factory=list)  # Essential numbers

    def label(self, locale: str) -> str:
        return self.name.get(locale) or self.name["en"]

    def change(self, essential: int | None = None) -> int | None:
        if self.first is None or self.latest is None:
            return None
        if essential is None:
            first, latest = self.first.total, self.latest.total
        else:
            first, latest = self.first.by_essential[essential], self.latest.by_essential[essential]
        if first is None or latest is None:
            return None  # nothing answered on one side: no change to tell
        return latest - first

    @property
    def recommended_taken(self) -> list[Module]:
        taken = {m.id for m in self.taken}
        return [m for m in self.recommended if m.id in taken]


@dataclass
class Resilience:
    essentials: list[Essential]
    maximum: dict[int, int]  # Essential -> maximum score (3 × questions)
    max_total: int
    questions: dict[int, int]  # Essential -> how many preliminary questions it has
    question_total: int  # 47
    cities: list[CityResilience]  # named first (by name), then anonymised (by letter)
    private: int  # how many of the programme's cities keep their scorecard private


def _snapshot(assessment: Assessment, scores: dict[str, int | None], questions) -> Snapshot:
    summed: dict[int, int] = dict.fromkeys(range(1, 11), 0)
    answered: dict[int, int] = dict.fromkeys(range(1, 11), 0)
    for question in questions:
        score = scores.get(question.id)
        if score is None:  # not answered: no figure, not a 0
            continue
        summed[question.essential_number] = summed.get(question.essential_number, 0) + score
        answered[question.essential_number] = answered.get(question.essential_number, 0) + 1
    by_essential: dict[int, int | None] = {n: summed[n] if answered[n] else None for n in summed}
    count = sum(answered.values())
    total = sum(summed.values()) if count else None
    return Snapshot(assessment.sequence, assessment.started_at, by_essential, answered, total, count)


def _card(essentials, questions, scores: dict[str, int | None]) -> Scorecard:
    rows = {e.number: EssentialRow(e) for e in essentials}
    for question in questions:
        if question.essential_number in rows:
            answer = SimpleNamespace(score=scores.get(question.id))
            rows[question.essential_number].questions.append(QuestionRow(question, answer))  # type: ignore[arg-type]
    return Scorecard(None, list(rows.values()))


def build_resilience(data: ProgrammeData) -> Resilience:
    levels = current_levels([c.id for c in data.cities])
    sharing = [c for c in data.cities if levels[c.id] in (NAMED, ANONYMISED)]
    essentials = list(db.session.scalars(select(Essential).order_by(Essential.number)))
    questions = list(
        db.session.scalars(
            select(ScorecardQuestion)
            .options(*(defer(column, raiseload=True) for column in QUESTION_TEXTS))
            .order_by(ScorecardQuestion.essential_number, ScorecardQuestion.position)
        )
    )
    counts: dict[int, int] = defaultdict(int)
    for question in questions:
        counts[question.essential_number] += 1
    maximum = {n: MAX_SCORE * count for n, count in counts.items()}
    private = len(data.cities) - len(sharing)

    def resilience(cities: list[CityResilience]) -> Resilience:
        return Resilience(
            essentials, maximum, sum(maximum.values()), dict(counts), len(questions), cities, private
        )

    if not sharing:
        return resilience([])
    assessments: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in db.session.scalars(
        select(Assessment)
        .where(Assessment.city_id.in_([c.id for c in sharing]), Assessment.level == "preliminary")
        .order_by(Assessment.sequence)
    ):
        assessments[assessment.city_id].append(assessment)
    wanted = {a.id for rows in assessments.values() for a in (rows[0], rows[-1])}
    scores: dict[int, dict[str, int | None]] = defaultdict(dict)
    if wanted:
        for assessment_id, question_id, score in db.session.execute(
            select(
                AssessmentAnswer.assessment_id, AssessmentAnswer.question_id, AssessmentAnswer.score
            ).where(AssessmentAnswer.assessment_id.in_(wanted))
        ):
            scores[assessment_id][question_id] = score
    modules = data.modules
    taken_by_city: dict[int, set[int]] = defaultdict(set)
    for cohort in data.cohorts:
        taken_by_city[cohort.city_id].update(data.assigned.get(cohort.id, []))
    letters = anonymous_letters(data.programme.id, [c.id for c in sharing if levels[c.id] == ANONYMISED])
    result = []
    for city in sharing:
        letter = letters.get(city.id, "")
        name = (
            {"en": f"City {letter}", "zh": f"城市{letter}"}
            if letter
            else {"en": city.name("en"), "zh": city.name("zh")}
        )
        rows = assessments.get(city.id, [])
        entry = CityResilience(city.id, levels[city.id], name, letter, None, None)
        if rows:
            entry.first = _snapshot(rows[0], scores[rows[0].id], questions)
            entry.latest = _snapshot(rows[-1], scores[rows[-1].id], questions)
            advice = recommend(
                _card(essentials, questions, scores[rows[-1].id]), modules=modules, with_case_studies=False
            )
            entry.weakest = [row.essential.number for row in advice.essentials]
            entry.recommended = advice.modules
        entry.taken = [m for m in modules if m.id in taken_by_city[city.id]]
        result.append(entry)
    result.sort(key=lambda r: (r.level == ANONYMISED, len(r.letter), r.letter or r.name["en"]))
    return resilience(result)
