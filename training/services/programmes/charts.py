"""Geometry of the programme's SVG charts: horizontal bars, one or two per row, drawn by the
template (templates/programmes/_charts.html) in a fixed coordinate box. Every chart has a text
alternative: its title and description, and the table beside it gives the same figures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 640
LABEL = 190  # room for the row labels at the left
ROW = 26  # height of a row
BAR = 9  # height of one bar (two per row)
TOP = 8


@dataclass(frozen=True)
class HBar:
    x: float
    y: float
    width: float
    series: int  # 0 or 1 (first / second of the pair)
    value: float
    text: str  # the value as printed at the bar's end


@dataclass
class HRow:
    label: str
    y: float  # text baseline of the label
    bars: list[HBar] = field(default_factory=list)
    note: str = ""  # printed instead of bars (e.g. "fewer than 5")


@dataclass
class HChart:
    width: int
    height: int
    plot_x: int
    plot_width: int
    rows: list[HRow]
    ticks: list[tuple[float, str]]  # x, label
    series: list[str]  # legend names


def hbar_chart(
    rows: list[tuple[str, list[float | None], str]],
    maximum: float,
    series: list[str],
    fmt: str = "{:.0f}",
) -> HChart:
    """`rows`: (label, values — one per series, None for no bar —, note). Bars scale to
    `maximum`; rows whose values are all None print their note instead."""
    plot_width = WIDTH - LABEL - 50
    pairs = max(len(series), 1)
    height = TOP + ROW * len(rows) + 22
    out = []
    for index, (label, values, note) in enumerate(rows):
        top = TOP + ROW * index
        row = HRow(label, top + ROW / 2 + 4)
        if all(v is None for v in values):
            row.note = note
        offset = (ROW - BAR * pairs) / 2
        for s, value in enumerate(values):
            if value is None:
                continue
            width = 0.0 if maximum <= 0 else max(0.0, min(1.0, value / maximum)) * plot_width
            row.bars.append(
                HBar(LABEL, round(top + offset + s * BAR, 1), round(width, 1), s, value, fmt.format(value))
            )
        out.append(row)
    ticks = [(round(LABEL + plot_width * v / maximum, 1), fmt.format(v)) for v in tick_values(maximum)]
    return HChart(WIDTH, height, LABEL, plot_width, out, ticks, series)


def tick_values(maximum: float) -> list[float]:
    """Round gridline values from 0 to `maximum` (at most six): whole multiples of 1, 2, 2.5
    (from 25 up) or 5 times a power of ten — the charts count people, modules and points — and
    the maximum itself at the end when it is not one of them (a scale's top, such as the
    preliminary scorecard's 141, is worth reading), in place of the last one if it would crowd
    it."""
    if maximum <= 0:
        return [0.0]
    magnitude = max(1, 10 ** math.floor(math.log10(maximum / 5)))
    multiples = (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 5, 10)
    step = next(m * magnitude for m in multiples if maximum / (m * magnitude) <= 5)
    values = [i * step for i in range(int(maximum / step + 1e-9) + 1)]
    if maximum - values[-1] >= maximum / 12:  # room for both labels
        values.append(maximum)
    elif values[-1] < maximum:
        values[-1] = maximum
    return values
