"""Learning gain over a programme: pre-test → final quiz, per module and per Essential, per city
and overall, with the number of trainees behind each figure. Below MIN_TRAINEES trainees a
figure is not computed at all (only "fewer than 5" is shown), so that no one's result can be
read out of a small group.

Counted, for every trainee of a programme cohort and every module assigned in that cohort: the
trainee's first pre-test (the earliest) and latest final attempt on the module's quiz, both
with at least one question; pre % and post % are the shares of questions answered right. A
trainee with only one of the two is left out of that module. Per Essential, a trainee's
pre-tests and finals of all modules are pooled, and the trainee counts for an Essential only
when asked at least one of its questions in both (the Essential of a question is the one it
carries in the quiz file, `Question.essential`). The "all modules" figure averages over
trainee–module pairs; its N is the number of distinct trainees.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import fmean

from training.models import City, Module, QuizAttempt
from training.services.programmes.load import ProgrammeData

MIN_TRAINEES = 5
ESSENTIALS = tuple(range(1, 11))


@dataclass(frozen=True)
class GainFigure:
    """`trainees` is N; the means (0–100) are None when N < MIN_TRAINEES or N == 0."""

    trainees: int
    mean_pre: float | None = None
    mean_post: float | None = None

    @property
    def shown(self) -> bool:
        return self.trainees >= MIN_TRAINEES and self.mean_pre is not None

    @property
    def too_few(self) -> bool:
        return 0 < self.trainees < MIN_TRAINEES

    @property
    def gain(self) -> float | None:
        """Mean post − mean pre, in percentage points."""
        if self.mean_pre is None or self.mean_post is None:
            return None
        return self.mean_post - self.mean_pre


def _figure(observations: list[tuple[int, float, float]]) -> GainFigure:
    """From (user id, pre %, post %) observations; nothing computed below MIN_TRAINEES."""
    trainees = len({u for u, _, _ in observations})
    if trainees < MIN_TRAINEES:
        return GainFigure(trainees)
    return GainFigure(trainees, fmean(p for _, p, _ in observations), fmean(q for _, _, q in observations))


@dataclass
class GainTable:
    by_module: dict[int, GainFigure]  # module id -> figure
    by_essential: dict[int, GainFigure]  # 1..10 -> figure
    overall: GainFigure


@dataclass
class CityGain:
    city: City
    table: GainTable


@dataclass
class Learning:
    modules: list[Module]
    overall: GainTable
    cities: list[CityGain]


def _pre_post(data: ProgrammeData, user_id: int, module_id: int):
    taken = data.attempts.get((user_id, module_id), [])
    pretests = [a for a in taken if a.kind == QuizAttempt.PRETEST and a.total]
    finals = [a for a in taken if a.kind == QuizAttempt.FINAL and a.total]
    if not pretests or not finals:
        return None
    return min(pretests, key=lambda a: a.taken), max(finals, key=lambda a: a.taken)


def _table(data: ProgrammeData, pairs: set[tuple[int, int]], modules: list[Module], tests) -> GainTable:
    per_module: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    everything: list[tuple[int, float, float]] = []
    # essential -> user -> [pre right, pre asked, post right, post asked]
    tallies: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    for user_id, module_id in sorted(pairs):
        found = tests.get((user_id, module_id))
        if found is None:
            continue
        pre, post = found
        observation = (user_id, 100 * pre.correct / pre.total, 100 * post.correct / post.total)
        per_module[module_id].append(observation)
        everything.append(observation)
        for slot, attempt in ((0, pre), (2, post)):
            for key, right in attempt.results.items():
                essential = data.essential_of.get((module_id, key))
                if essential is None:
                    continue
                tally = tallies[essential][user_id]
                tally[slot] += bool(right)
                tally[slot + 1] += 1
    by_essential = {
        essential: _figure(
            [
                (user_id, 100 * pr / pa, 100 * qr / qa)
                for user_id, (pr, pa, qr, qa) in tallies[essential].items()
                if pa and qa
            ]
        )
        for essential in ESSENTIALS
    }
    return GainTable({m.id: _figure(per_module[m.id]) for m in modules}, by_essential, _figure(everything))


def build_learning(data: ProgrammeData) -> Learning:
    modules = data.programme_modules()
    pairs_by_city: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for cohort in data.cohorts:
        for user_id in data.members.get(cohort.id, []):
            for module_id in data.assigned.get(cohort.id, []):
                pairs_by_city[cohort.city_id].add((user_id, module_id))
    every = set().union(*pairs_by_city.values()) if pairs_by_city else set()
    tests = {pair: found for pair in every if (found := _pre_post(data, *pair)) is not None}
    cities = [
        CityGain(city, _table(data, pairs_by_city.get(city.id, set()), modules, tests))
        for city in data.cities
    ]
    return Learning(modules, _table(data, every, modules, tests), cities)
