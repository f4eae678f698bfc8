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
    """A bar per assessment that has answered questions: no bar (not a bar of 0) for one with
    none, and a note when neither has any."""
    res = report.resilience
    rows = []
    for city in res.cities:
        if city.first is None or city.latest is None:
            rows.append((city.label(locale), [None, None], _("no assessment")))
            continue
        values = [None if s.total is None else float(s.total) for s in (city.first, city.latest)]
        rows.append((city.label(locale), values, _("no question answered")))
    return hbar_chart(rows, res.max_total or 1, [_("first assessment"), _("latest assessment")])
