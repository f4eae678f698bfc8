"""From the city's scorecard back into training: the weakest Essentials and questions recommend
the modules and case studies tagged with them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from training.models import Module
from training.services.curriculum_cache import list_modules
from training.services.library import CaseStudyCard, list_case_study_cards_on
from training.services.scorecard import MAX_SCORE, EssentialRow, QuestionRow, Scorecard

WEAKEST = 3


@dataclass
class Recommendations:
    essentials: list[EssentialRow] = field(default_factory=list)
    questions: list[QuestionRow] = field(default_factory=list)
    modules: list[Module] = field(default_factory=list)
    case_studies: list[CaseStudyCard] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.essentials


def _share(row: EssentialRow) -> float:
    answered = [q.score for q in row.questions if q.score is not None]
    return sum(answered) / (MAX_SCORE * len(answered)) if answered else 1.0


def recommend(
    card: Scorecard,
    limit: int = WEAKEST,
    *,
    modules: list[Module] | None = None,
    with_case_studies: bool = True,
    case_studies_on: Callable[[list[int]], Sequence[CaseStudyCard]] = list_case_study_cards_on,
) -> Recommendations:
    """The Essentials with the lowest share of their answered maximum (answered ones only), the
    questions scored 0 or 1 in them, and the modules (among `modules`, else all active ones) and
    case studies (unless not wanted; `case_studies_on` reads the cards of those serving some
    Essentials, by English title) serving those Essentials."""
    answered = [e for e in card.essentials if e.answered]
    if not answered:
        return Recommendations()
    weakest = sorted(answered, key=lambda e: (_share(e), e.essential.number))[:limit]
    numbers = [e.essential.number for e in weakest]
    questions = [q for e in weakest for q in e.questions if q.score is not None and q.score <= 1]
    candidates = list_modules() if modules is None else modules
    modules = [m for m in candidates if set(m.essentials) & set(numbers)]
    modules.sort(key=lambda m: (min(numbers.index(n) for n in m.essentials if n in numbers), m.position))
    studies = list(case_studies_on(numbers)) if with_case_studies else []
    studies.sort(key=lambda c: (min(numbers.index(n) for n in c.essentials if n in numbers), c.title_en))
    return Recommendations(weakest, questions, modules, studies[:6])
