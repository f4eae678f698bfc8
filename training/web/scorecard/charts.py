"""Geometry for server-rendered SVG charts; the templates draw them (macros/charts.html)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class RadarChart:
    size: int
    centre: float
    radius: float
    rings: list[str]  # polygon points for 1/3, 2/3, 3/3
    axes: list[tuple[float, float, float, float, str, str, str]]  # x1,y1,x2,y2,label,title,anchor
    shape: str


def _point(centre: float, radius: float, index: int, count: int, fraction: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return (
        round(centre + radius * fraction * math.cos(angle), 1),
        round(centre + radius * fraction * math.sin(angle), 1),
    )


def radar_chart(labels: list[tuple[str, str]], values: list[float], size: int = 320) -> RadarChart:
    """Radar of shares (0–1) per axis; labels are (short, long) pairs."""
    count = max(len(labels), 3)
    centre, radius = size / 2, size / 2 - 34
    rings = []
    for fraction in (1 / 3, 2 / 3, 1):
        pts = [_point(centre, radius, i, count, fraction) for i in range(count)]
        rings.append(" ".join(f"{x},{y}" for x, y in pts))
    axes = []
    for i, (short, long) in enumerate(labels):
        x2, y2 = _point(centre, radius, i, count, 1)
        lx, ly = _point(centre, radius + 16, i, count, 1)
        anchor = "middle" if abs(lx - centre) < 8 else ("start" if lx > centre else "end")
        axes.append((centre, centre, x2, y2, short, long, f"{lx},{ly},{anchor}"))
    shape = " ".join(
        f"{x},{y}"
        for x, y in (_point(centre, radius, i, count, max(0.0, min(1.0, v))) for i, v in enumerate(values))
    )
    return RadarChart(size, centre, radius, rings, axes, shape)


def bar_rows(card) -> list[dict]:
    """One row per question: id, score (or None), width in percent of the maximum."""
    rows = []
    for essential in card.essentials:
        for row in essential.questions:
            score = row.score
            rows.append(
                {
                    "essential": essential.essential.number,
                    "question": row.question,
                    "score": score,
                    "width": 0 if score is None else round(100 * score / 3),
                }
            )
    return rows


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
