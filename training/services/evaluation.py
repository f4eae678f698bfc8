"""Cohort evaluation for trainers: knowledge gain from the pre-test to the final quiz, and an
item analysis of the final quiz (facility, discrimination, the wrong answer chosen most).

Each report reads two queries whatever the cohort size: the cohort's assigned modules, then every
attempt of the cohort's current members on those modules' quizzes. The rest is arithmetic on the
attempts as they were taken (`results`, `answers`, `snapshot`), so a question retired since, or
reworded, still counts as it was asked.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean, pstdev

from sqlalchemy import select

from training.content.question_types import QUESTION_TYPES
from training.extensions import db
from training.models import Cohort, CohortMember, Module, Quiz, QuizAttempt
from training.services.cohorts import list_modules

ESSENTIALS = tuple(range(1, 11))
#: fewer responses than this to a question: no discrimination and only the flag FEW_ANSWERS
MIN_RESPONSES = 5
TOO_EASY, TOO_HARD = "too_easy", "too_hard"
NOT_DISCRIMINATING, FEW_ANSWERS = "not_discriminating", "few_answers"

#: module id -> member id -> that member's attempts on the module's quiz, oldest first
AttemptsByModule = dict[int, dict[int, list[QuizAttempt]]]


# --- loading -------------------------------------------------------------------------------


def _load(cohort: Cohort, kinds: tuple[str, ...]) -> tuple[list[Module], AttemptsByModule]:
    """The assigned modules and the members' attempts of these kinds on their quizzes: two queries."""
    modules = list_modules(cohort)
    by_module: AttemptsByModule = defaultdict(lambda: defaultdict(list))
    if not modules:
        return modules, by_module
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id).scalar_subquery()
    rows = db.session.execute(
        select(QuizAttempt, Quiz.module_id)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(
            Quiz.module_id.in_([m.id for m in modules]),
            QuizAttempt.user_id.in_(members),
            QuizAttempt.kind.in_(kinds),
        )
        .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
    ).all()
    for attempt, module_id in rows:
        by_module[module_id][attempt.user_id].append(attempt)
    return modules, by_module


def _taken(attempt: QuizAttempt) -> tuple[datetime, int]:
    return attempt.submitted_at, attempt.id


# --- knowledge gain ------------------------------------------------------------------------


@dataclass(frozen=True)
class GainRow:
    """Pre-test against post-test for one module, one Essential or the whole cohort.

    Percentages are 0–100 and unrounded; `mean_gain` = mean_post − mean_pre in percentage
    points; `normalised_gain` is the class-average g = (mean_post − mean_pre) / (100 − mean_pre).
    The means are None when n == 0; g is None also when mean_pre is 100 (nothing left to gain).
    `n` counts trainees on module and Essential rows, and trainee–module pairs on the cohort-wide
    row; `trainees` always counts distinct trainees.
    """

    n: int
    trainees: int
    mean_pre: float | None
    mean_post: float | None
    mean_gain: float | None
    normalised_gain: float | None
    module: Module | None = None  # set on module rows
    essential: int | None = None  # set on Essential rows
    #: of the `n` pairs, how many had a final (post) attempt that repeated at least one pre-test
    #: question: 0 when the pool gave parallel forms; None on Essential rows
    overlapping: int | None = None


@dataclass(frozen=True)
class GainReport:
    """`modules`: one row per assigned module, in cohort order (n == 0 when the module has no
    quiz or no trainee took both tests); `essentials`: ten rows, Essentials 1–10, n == 0 where no
    question of that Essential was asked in both; `overall`: every module together."""

    cohort: Cohort
    modules: list[GainRow]
    essentials: list[GainRow]
    overall: GainRow


def _gain_row(pairs: list[tuple[int, float, float]], **label) -> GainRow:
    """A row from (user id, pre %, post %) observations."""
    if not pairs:
        return GainRow(0, 0, None, None, None, None, **label)
    pre = fmean(p for _, p, _ in pairs)
    post = fmean(p for _, _, p in pairs)
    g = None if pre >= 100 or math.isclose(pre, 100) else (post - pre) / (100 - pre)
    return GainRow(len(pairs), len({u for u, _, _ in pairs}), pre, post, post - pre, g, **label)


def knowledge_gain(cohort: Cohort) -> GainReport:
    """Pre-test → final quiz gain of the cohort's current members, per module, per Essential
    and cohort-wide, in two queries.

    Counted, per assigned module: the members who have a pre-test attempt AND at least one final
    attempt on its quiz. Pre % is the pre-test's share of questions right (correct / total,
    unrounded); post % is that of their latest final attempt (by submitted_at, then id). Members
    with only one of the two are left out. Per Essential, from question-level results and the
    attempt snapshots: for each counted trainee, the pre-tests and post attempts of all modules
    are pooled, pre % = share right of that Essential's questions in the pre-tests, post % likewise
    in the post attempts; a trainee counts for an Essential only when asked at least one of its
    questions in both. The cohort-wide row averages over all counted trainee–module pairs.
    """
    modules, attempts = _load(cohort, (QuizAttempt.PRETEST, QuizAttempt.FINAL))
    module_rows: list[GainRow] = []
    all_pairs: list[tuple[int, float, float]] = []
    all_overlapping = 0
    # essential -> user -> [pre right, pre asked, post right, post asked]
    tallies: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    for module in modules:
        pairs = []
        overlapping = 0
        for user_id, taken in attempts[module.id].items():
            pretests = [a for a in taken if a.kind == QuizAttempt.PRETEST and a.total]
            finals = [a for a in taken if a.kind == QuizAttempt.FINAL and a.total]
            if not pretests or not finals:
                continue
            pre, post = min(pretests, key=_taken), max(finals, key=_taken)
            pairs.append((user_id, 100 * pre.correct / pre.total, 100 * post.correct / post.total))
            overlapping += bool(set(pre.question_keys) & set(post.question_keys))
            for slot, attempt in ((0, pre), (2, post)):
                for key, right in attempt.results.items():
                    tally = tallies[attempt.snapshot.get(key, {}).get("essential")][user_id]
                    tally[slot] += bool(right)
                    tally[slot + 1] += 1
        module_rows.append(_gain_row(pairs, module=module, overlapping=overlapping))
        all_pairs.extend(pairs)
        all_overlapping += overlapping
    essential_rows = [
        _gain_row(
            [
                (user_id, 100 * pre_right / pre_asked, 100 * post_right / post_asked)
                for user_id, (pre_right, pre_asked, post_right, post_asked) in tallies[essential].items()
                if pre_asked and post_asked
            ],
            essential=essential,
        )
        for essential in ESSENTIALS
    ]
    return GainReport(cohort, module_rows, essential_rows, _gain_row(all_pairs, overlapping=all_overlapping))


@dataclass(frozen=True)
class Bar:
    """One bar in a 100 × 100 box (SVG coordinates: y grows downwards, `y` is the top edge)."""

    x: float
    y: float
    width: float
    height: float
    series: str  # "pre" or "post"
    value: float  # the percentage it shows, unrounded
    group: int  # index of its row


@dataclass(frozen=True)
class BarLabel:
    x: float  # centre of the group, for text-anchor="middle"
    text: str


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    labels: list[BarLabel]


def gain_chart(rows: Sequence[GainRow], labels: Sequence[str]) -> BarChart:
    """Geometry of a grouped bar chart, pre beside post for each row, for `viewBox="0 0 100 100"`.

    The caller names the groups (translated module titles, "Essential 3", ...), one label per
    row. Each row gets an equal slot; a row without data keeps its slot and label but no bars.
    """
    rows, labels = list(rows), list(labels)
    if len(rows) != len(labels):
        raise ValueError("gain_chart needs one label per row")
    slot = 100 / len(rows) if rows else 0.0
    width = slot * 0.35  # two bars fill 70% of the slot, 15% margin on each side
    bars, texts = [], []
    for group, (row, text) in enumerate(zip(rows, labels)):
        left = group * slot + slot * 0.15
        for index, (series, value) in enumerate((("pre", row.mean_pre), ("post", row.mean_post))):
            if value is None:
                continue
            height = min(max(value, 0.0), 100.0)
            bars.append(
                Bar(
                    x=round(left + index * width, 3),
                    y=round(100 - height, 3),
                    width=round(width, 3),
                    height=round(height, 3),
                    series=series,
                    value=value,
                    group=group,
                )
            )
        texts.append(BarLabel(x=round(group * slot + slot / 2, 3), text=text))
    return BarChart(bars, texts)


# --- item analysis -------------------------------------------------------------------------


@dataclass(frozen=True)
class WrongAnswer:
    """The wrong answer chosen most often: an option (single, multiple) or a boolean (true_false)."""

    count: int
    option_id: str | None  # single / multiple
    value: bool | None  # true_false
    text_en: str
    text_zh: str


@dataclass(frozen=True)
class ItemStats:
    """One question of a module's final quiz, over the members' first final attempts.

    `facility` is the share answered right (0–1). `discrimination` is the corrected item-total
    point-biserial correlation: the item (1 right / 0 wrong) against the attempt's number of right
    answers on the other questions; None below MIN_RESPONSES responses or when either side does
    not vary. `flags`: FEW_ANSWERS alone when n < MIN_RESPONSES, otherwise any of TOO_EASY
    (facility > 0.90), TOO_HARD (< 0.30), NOT_DISCRIMINATING (discrimination < 0.20).
    Texts are as in the most recent of these attempts.
    """

    module: Module
    key: str
    type: str
    essential: int | None
    text_en: str
    text_zh: str
    n: int
    correct: int
    facility: float
    discrimination: float | None
    most_wrong: WrongAnswer | None
    flags: tuple[str, ...]
    #: members who answered "I don't know" (or left it blank) in their pre-test: not counted in
    #: n or facility, which are about the final quiz
    dont_know: int = 0

    @property
    def module_slug(self) -> str:
        return self.module.slug


def item_analysis(cohort: Cohort) -> list[ItemStats]:
    """Item statistics for every question in the current members' FIRST final attempt (by
    submitted_at, then id) of each assigned module's quiz, in two queries.

    One response per member and question; questions come from the attempt snapshots, so retired
    ones still count. Sorted by module (cohort order), then by the order the questions were shown
    (first seen in the oldest attempt first).
    """
    modules, attempts = _load(cohort, (QuizAttempt.FINAL, QuizAttempt.PRETEST))
    items = []
    for module in modules:
        dont_know: Counter = Counter()
        finals: list[list[QuizAttempt]] = []
        for taken in attempts[module.id].values():
            for attempt in taken:
                if attempt.kind == QuizAttempt.PRETEST:
                    dont_know.update(k for k in attempt.question_keys if attempt.answers.get(k) is None)
            finals.append([a for a in taken if a.kind == QuizAttempt.FINAL])
        firsts = sorted((min(taken, key=_taken) for taken in finals if taken), key=_taken)
        order: dict[str, None] = {}
        for attempt in firsts:
            for key in attempt.question_keys or list(attempt.snapshot):
                if key in attempt.results:
                    order.setdefault(key)
        for key in order:
            items.append(_item(module, key, [a for a in firsts if key in a.results], dont_know[key]))
    return items


def _item(module: Module, key: str, attempts: list[QuizAttempt], dont_know: int = 0) -> ItemStats:
    snap = attempts[-1].snapshot.get(key, {})
    body = snap.get("body", {})
    marks = [1 if a.results[key] else 0 for a in attempts]
    rest = [sum(bool(v) for v in a.results.values()) - mark for a, mark in zip(attempts, marks)]
    n, correct = len(marks), sum(marks)
    facility = correct / n
    discrimination = _point_biserial(marks, rest) if n >= MIN_RESPONSES else None
    if n < MIN_RESPONSES:
        flags: tuple[str, ...] = (FEW_ANSWERS,)
    else:
        checks = (
            (TOO_EASY, facility > 0.90),
            (TOO_HARD, facility < 0.30),
            (NOT_DISCRIMINATING, discrimination is not None and discrimination < 0.20),
        )
        flags = tuple(flag for flag, raised in checks if raised)
    return ItemStats(
        module=module,
        key=key,
        type=snap.get("type", ""),
        essential=snap.get("essential"),
        text_en=body.get("text", {}).get("en", ""),
        text_zh=body.get("text", {}).get("zh", ""),
        n=n,
        correct=correct,
        facility=facility,
        discrimination=discrimination,
        most_wrong=_most_wrong(key, snap.get("type", ""), body, attempts),
        flags=flags,
        dont_know=dont_know,
    )


def _point_biserial(marks: list[int], rest: list[int]) -> float | None:
    """r_pb = (M1 − M0) / s · √(p·q), s the population SD of `rest`; None without variance."""
    spread = pstdev(rest)
    p = fmean(marks)
    if spread == 0 or p in (0, 1):
        return None
    m1 = fmean(r for r, mark in zip(rest, marks) if mark)
    m0 = fmean(r for r, mark in zip(rest, marks) if not mark)
    return (m1 - m0) / spread * math.sqrt(p * (1 - p))


def _most_wrong(key: str, qtype: str, body: dict, attempts: list[QuizAttempt]) -> WrongAnswer | None:
    """Single: the wrong option picked most; multiple: the incorrect option ticked most in wrong
    answers (a wrong answer that only misses a correct option ticks none); true_false: the wrong
    boolean. Ties go to the option listed first."""
    if qtype not in QUESTION_TYPES:
        return None
    counts: Counter = Counter()
    for attempt in attempts:
        if attempt.results[key]:
            continue
        response = attempt.answers.get(key)
        if qtype == "true_false":
            if isinstance(response, bool):
                counts[response] += 1
            continue
        options = attempt.snapshot.get(key, {}).get("body", {}).get("options", [])
        incorrect = {o["id"] for o in options if not o.get("correct")}
        chosen = response if isinstance(response, list) else [response]
        counts.update(c for c in chosen if c in incorrect)
    if not counts:
        return None
    position = {o["id"]: i for i, o in enumerate(body.get("options", []))}
    best = min(counts, key=lambda answer: (-counts[answer], position.get(answer, len(position)), str(answer)))
    shown = best if qtype != "multiple" else [best]
    texts = {locale: QUESTION_TYPES[qtype].summarise(body, shown, locale) for locale in ("en", "zh")}
    is_bool = qtype == "true_false"
    return WrongAnswer(
        count=counts[best],
        option_id=None if is_bool else best,
        value=best if is_bool else None,
        text_en=texts["en"],
        text_zh=texts["zh"],
    )
