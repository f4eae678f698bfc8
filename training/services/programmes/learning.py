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

from training.models import City, Module
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
    count = len(observations)
    return GainFigure(
        trainees, sum(p for _, p, _ in observations) / count, sum(q for _, _, q in observations) / count
    )


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


@dataclass(frozen=True)
class _Pair:
    """One trainee–module pair's observation and its per-Essential tallies
    (essential -> [pre right, pre asked, post right, post asked])."""

    observation: tuple[int, float, float]
    tallies: dict[int, list[int]]


def _pair(data: ProgrammeData, user_id: int, module_id: int) -> _Pair | None:
    tested = data.tested.get((user_id, module_id))
    if tested is None:
        return None
    tallies: dict[int, list[int]] = {}
    essential_of = data.essential_of.get(module_id, {})
    for slot, results in ((0, tested.pre_results), (2, tested.post_results)):
        for key, right in results.items():
            essential = essential_of.get(key)
            if essential is None:
                continue
            tally = tallies.get(essential)
            if tally is None:
                tally = tallies[essential] = [0, 0, 0, 0]
            if right:
                tally[slot] += 1
            tally[slot + 1] += 1
    pre, post = 100 * tested.pre_correct / tested.pre_total, 100 * tested.post_correct / tested.post_total
    return _Pair((user_id, pre, post), tallies)


def _table(
    pairs: set[tuple[int, int]], modules: list[Module], computed: dict[tuple[int, int], _Pair]
) -> GainTable:
    per_module: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    everything: list[tuple[int, float, float]] = []
    # essential -> user -> [pre right, pre asked, post right, post asked], pooled over modules
    tallies: dict[int, dict[int, list[int]]] = defaultdict(dict)
    for user_id, module_id in pairs:
        pair = computed.get((user_id, module_id))
        if pair is None:
            continue
        per_module[module_id].append(pair.observation)
        everything.append(pair.observation)
        for essential, (pr, pa, qr, qa) in pair.tallies.items():
            tally = tallies[essential].setdefault(user_id, [0, 0, 0, 0])
            tally[0] += pr
            tally[1] += pa
            tally[2] += qr
            tally[3] += qa
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
    computed = {key: found for key in every if (found := _pair(data, *key)) is not None}
    cities = [
        CityGain(city, _table(pairs_by_city.get(city.id, set()), modules, computed)) for city in data.cities
    ]
    return Learning(modules, _table(every, modules, computed), cities)
