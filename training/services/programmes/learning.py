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

import math
from collections import defaultdict
from dataclasses import dataclass

from training.models import City, Module
from training.services.programmes.load import ProgrammeData, Tested

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


def _figure(trainees: int, pre: list[float], post: list[float]) -> GainFigure:
    """N and the mean pre % and post % of the observations; nothing computed below
    MIN_TRAINEES. Exact sums (fsum), so the order the observations come in does not matter."""
    if trainees < MIN_TRAINEES:
        return GainFigure(trainees)
    return GainFigure(trainees, math.fsum(pre) / len(pre), math.fsum(post) / len(post))


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


class _Tallies:
    """What one table (a city, or all cities) is computed from: the trainee–module pairs'
    pre % and post % per module, and per Essential each trainee's questions right and asked,
    pooled over the modules (essential -> user -> [pre right, pre asked, post right, post asked])."""

    def __init__(self) -> None:
        self.pre: dict[int, list[float]] = defaultdict(list)  # module id -> pre % of each pair
        self.post: dict[int, list[float]] = defaultdict(list)
        self.users: set[int] = set()
        self.essentials: dict[int, dict[int, list[int]]] = defaultdict(dict)

    def add(self, pairs: dict[tuple[int, int], Tested]) -> None:
        """Count each trainee–module pair once (a dict: a pair cannot come twice)."""
        pre, post, users, essentials = self.pre, self.post, self.users, self.essentials
        for (user_id, module_id), (pc, pt, pre_by, qc, qt, post_by) in pairs.items():
            pre[module_id].append(100 * pc / pt)
            post[module_id].append(100 * qc / qt)
            users.add(user_id)
            for essential, (right, asked) in pre_by.items():
                per_user = essentials[essential]
                tally = per_user.get(user_id)
                if tally is None:
                    per_user[user_id] = [right, asked, 0, 0]
                else:
                    tally[0] += right
                    tally[1] += asked
            for essential, (right, asked) in post_by.items():
                per_user = essentials[essential]
                tally = per_user.get(user_id)
                if tally is None:
                    per_user[user_id] = [0, 0, right, asked]
                else:
                    tally[2] += right
                    tally[3] += asked

    @classmethod
    def merged(cls, parts: list[_Tallies]) -> _Tallies:
        """The tallies of the union of parts that share no trainee–module pair (a trainee may
        be in several: their per-Essential counts add up). Parts are not changed."""
        whole = cls()
        for part in parts:
            for module_id, values in part.pre.items():
                whole.pre[module_id] += values
                whole.post[module_id] += part.post[module_id]
            whole.users |= part.users
            for essential, per_user in part.essentials.items():
                pooled = whole.essentials[essential]
                for user_id, tally in per_user.items():
                    found = pooled.get(user_id)
                    pooled[user_id] = tally if found is None else [a + b for a, b in zip(found, tally)]
        return whole

    def table(self, modules: list[Module]) -> GainTable:
        by_essential = {}
        for essential in ESSENTIALS:
            pre, post = [], []
            for pr, pa, qr, qa in self.essentials.get(essential, {}).values():
                if pa and qa:
                    pre.append(100 * pr / pa)
                    post.append(100 * qr / qa)
            by_essential[essential] = _figure(len(pre), pre, post)
        by_module = {}
        for module in modules:
            pre, post = self.pre.get(module.id, []), self.post.get(module.id, [])
            by_module[module.id] = _figure(len(pre), pre, post)
        pre = [p for values in self.pre.values() for p in values]
        post = [q for values in self.post.values() for q in values]
        return GainTable(by_module, by_essential, _figure(len(self.users), pre, post))


def build_learning(data: ProgrammeData) -> Learning:
    """Each city's tallies once, over the trainee–module pairs that were tested; the
    all-cities table adds them up, unless a tested pair is in two cities (then it is counted
    once over their union)."""
    modules = data.programme_modules()
    tested = data.tested
    tested_by_city: dict[int, dict[tuple[int, int], Tested]] = defaultdict(dict)
    for cohort in data.cohorts:
        assigned = data.assigned.get(cohort.id)
        if not assigned:
            continue
        pairs = tested_by_city[cohort.city_id]
        for user_id in data.members.get(cohort.id, []):
            for module_id in assigned:
                found = tested.get((user_id, module_id))
                if found is not None:
                    pairs[user_id, module_id] = found
    by_city = {}
    for city in data.cities:
        by_city[city.id] = _Tallies()
        by_city[city.id].add(tested_by_city.get(city.id, {}))
    every: dict[tuple[int, int], Tested] = {}
    for pairs in tested_by_city.values():
        every.update(pairs)
    if len(every) == sum(len(pairs) for pairs in tested_by_city.values()):
        overall = _Tallies.merged(list(by_city.values()))  # no pair in two cities: add them up
    else:
        overall = _Tallies()
        overall.add(every)  # a trainee took a module in two cities: counted once
    cities = [CityGain(city, by_city[city.id].table(modules)) for city in data.cities]
    return Learning(modules, overall.table(modules), cities)
