"""The programme page's charts: translated labels around the geometry of
training/services/programmes/charts.py."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _

from training.services.programmes.charts import HChart, hbar_chart
from training.services.programmes.learning import MIN_TRAINEES
from training.services.programmes.report import ProgrammeReport


def reach_chart(report: ProgrammeReport) -> HChart:
    per_year: dict[int, int] = defaultdict(int)
    for row in report.reach.rows:
        per_year[row.year] += row.trainees  # type: ignore[index]
    rows = [(str(year), [float(per_year[year])], "") for year in report.years]
    top = max(per_year.values(), default=0)
    return hbar_chart(rows, max(top, 1), [_("Officials trained")])


def gain_chart(report: ProgrammeReport, locale: str) -> HChart:
    learning = report.learning
    rows = []
    for module in learning.modules:
        figure = learning.overall.by_module[module.id]
        note = _("fewer than %(n)d trainees", n=MIN_TRAINEES) if figure.too_few else _("no data")
        rows.append((module.title(locale), [figure.mean_pre, figure.mean_post], note))
    return hbar_chart(rows, 100, [_("pre-test"), _("final quiz")], fmt="{:.0f}%")


def resilience_chart(report: ProgrammeReport, locale: str) -> HChart:
    res = report.resilience
    rows = []
    for city in res.cities:
        values = [None, None] if city.first is None else [float(city.first.total), float(city.latest.total)]
        rows.append((city.label(locale), values, _("no assessment")))
    return hbar_chart(rows, res.max_total or 1, [_("first assessment"), _("latest assessment")])
