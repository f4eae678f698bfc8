"""Geometry for server-rendered SVG charts; the templates draw them (macros/charts.html)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

# The short label of each Essential on a chart's axis, after the official names (the full name
# is the axis' tooltip and is in the chart's text alternative).
ESSENTIAL_SHORT = {
    1: _l("Organise"),
    2: _l("Risk scenarios"),
    3: _l("Finance"),
    4: _l("Urban development"),
    5: _l("Natural buffers"),
    6: _l("Institutions"),
    7: _l("Society"),
    8: _l("Infrastructure"),
    9: _l("Response"),
    10: _l("Recovery"),
}
# A score of 0 sits on this inner ring, not on the centre: zeros on neighbouring axes stay apart
# and a few answers still draw an area, never a line.
INNER = 0.14


@dataclass
class RadarPoint:
    x: float
    y: float
    answered: bool


@dataclass
class RadarChart:
    width: int
    height: int
    centre: tuple[float, float]
    radius: float
    rings: list[str]  # polygon points for 0 (inner ring), 1/3, 2/3, 3/3
    axes: list[
        tuple[float, float, float, float, list[str], str, str]
    ]  # x1,y1,x2,y2,label lines,title,"x,y,anchor"
    shape: str
    points: list[RadarPoint]

    @property
    def size(self) -> int:  # kept for templates sizing the chart
        return self.width

    @property
    def any_unanswered(self) -> bool:
        return any(not p.answered for p in self.points)


def _point(centre, radius: float, index: int, count: int, fraction: float) -> tuple[float, float]:
    cx, cy = centre if isinstance(centre, tuple) else (centre, centre)
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return (
        round(cx + radius * fraction * math.cos(angle), 1),
        round(cy + radius * fraction * math.sin(angle), 1),
    )


def _on_scale(value: float) -> float:
    return INNER + (1 - INNER) * max(0.0, min(1.0, value))


def radar_chart(
    labels: list[tuple[str, str]],
    values: list[float],
    answered: list[bool] | None = None,
    radius: int = 115,
) -> RadarChart:
    """Radar of shares (0–1) per axis; labels are (short, long) pairs; `answered` says which axes
    have at least one answer (the others get a hollow marker at 0). Room is left around the
    plot for the short labels."""
    count = max(len(labels), 3)
    answered = answered if answered is not None else [True] * len(values)
    margin_x, margin_y = 125, 40
    width, height = 2 * (radius + margin_x), 2 * (radius + margin_y)
    centre = (width / 2, height / 2)
    rings = []
    for fraction in (INNER, _on_scale(1 / 3), _on_scale(2 / 3), 1):
        pts = [_point(centre, radius, i, count, fraction) for i in range(count)]
        rings.append(" ".join(f"{x},{y}" for x, y in pts))
    axes = []
    for i, (short, long) in enumerate(labels):
        x1, y1 = _point(centre, radius, i, count, INNER)
        x2, y2 = _point(centre, radius, i, count, 1)
        lx, ly = _point(centre, radius + 12, i, count, 1)
        anchor = "middle" if abs(lx - centre[0]) < 8 else ("start" if lx > centre[0] else "end")
        lines = [str(short)] if anchor == "middle" else _label_lines(str(short))
        if anchor == "middle":
            ly += -8 - 9 * (len(lines) - 1) if ly < centre[1] else 8
        else:
            ly -= 9 * (len(lines) - 1)
        axes.append((x1, y1, x2, y2, lines, long, f"{lx},{ly},{anchor}"))
    points = [
        RadarPoint(*_point(centre, radius, i, count, _on_scale(v)), answered=bool(a))
        for i, (v, a) in enumerate(zip(values, answered))
    ]
    shape = " ".join(f"{p.x},{p.y}" for p in points)
    return RadarChart(width, height, centre, radius, rings, axes, shape, points)


def _label_lines(label: str, width: int = 12) -> list[str]:
    """A short label on one line, or two when long (split between words, never inside one)."""
    words = label.split(" ")
    if len(label) <= width or len(words) < 2:
        return [label]
    first = words[0]
    rest = words[1:]
    while rest and len(first) + 1 + len(rest[0]) <= width:
        first += " " + rest.pop(0)
    return [first, " ".join(rest)] if rest else [first]


def _short_label(number: int) -> str:
    return f"{number} {ESSENTIAL_SHORT.get(number, '')}".strip()


def essentials_radar(card, locale: str) -> RadarChart:
    """The radar of a scorecard's Ten Essentials: short labels, full names, shares, answered."""
    return radar_chart(
        [
            (
                f"{e.essential.number} {ESSENTIAL_SHORT.get(e.essential.number, '')}".strip(),
                e.essential.title(locale),
            )
            for e in card.essentials
        ],
        [e.score / e.max_score if e.max_score else 0 for e in card.essentials],
        [bool(e.answered) for e in card.essentials],
    )


def bar_rows(card, locale: str = "en") -> list[dict]:
    """One row per question: id, score (or None), width in percent of the maximum, the topic
    in `locale`, and the bar drawn (what `score_bar` in macros/charts.html draws: a page lists
    every question, and a macro call per row was a fifth of the results page)."""
    not_answered = gettext("not answered")
    colon = "：" if locale == "zh" else ":"
    rows = []
    for essential in card.essentials:
        for row in essential.questions:
            score = row.score
            question = row.question
            label = f"{question.id}{colon} " + (not_answered if score is None else f"{score} / 3")
            rows.append(
                {
                    "essential": essential.essential.number,
                    "question": question,
                    "topic": question.topic(locale),
                    "score": score,
                    "width": 0 if score is None else round(100 * score / 3),
                    "bar": score_bar(score, 3, label),
                }
            )
    return rows


_BAR = Markup(
    '<svg class="chart bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{}" '
    'width="100%" height="12">{}</svg>'
)
_TRACK_UNANSWERED = Markup('<rect x="0.5" y="0.5" width="99" height="9" class="track unanswered"/>')
_TRACK = Markup('<rect x="0" y="0" width="100" height="10" class="track"/>')
_FILL = Markup('<rect x="0" y="0" width="{}" height="10" class="fill{}"/>')


def score_bar(score: int | None, max_score: int, label: str) -> Markup:
    """A question's bar, as macros/charts.html `score_bar` draws it: filled to its score; a
    score of 0 shows a mark at the start; an unanswered question an empty, dashed track.
    `label` is escaped."""
    if score is None:
        body = _TRACK_UNANSWERED
    else:
        body = _TRACK
        if max_score:
            width = max(round(100 * score / max_score, 1), 1.5)
            body += _FILL.format(width, " zero" if score == 0 else "")
    return _BAR.format(label, body)


@dataclass
class TrendSeries:
    number: int
    title: str
    points: str  # polyline points in a 0–100 box
    dots: list[tuple[float, float, int, int]]  # x, y, score, max


def trend_chart(trend, locale: str = "en") -> list[TrendSeries]:
    """One small line per Essential: its score as a share of its maximum, assessment by assessment."""
    count = len(trend.points)
    series = []
    for essential in trend.essentials:
        maximum = trend.maxima.get(essential.number, 0) or 1
        dots = []
        for i, point in enumerate(trend.points):
            x = 50.0 if count == 1 else round(5 + 90 * i / (count - 1), 2)
            score = point.by_essential.get(essential.number, 0)
            dots.append((x, round(95 - 90 * score / maximum, 2), score, maximum))
        series.append(
            TrendSeries(
                number=essential.number,
                title=essential.title(locale),
                points=" ".join(f"{x},{y}" for x, y, _s, _m in dots),
                dots=dots,
            )
        )
    return series
