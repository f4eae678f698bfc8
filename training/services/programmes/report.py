"""The programme report: reach, learning and resilience built from one load of the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from training.models import Programme
from training.services.programmes.learning import Learning, build_learning
from training.services.programmes.load import load_programme
from training.services.programmes.reach import Reach, build_reach
from training.services.programmes.resilience import Resilience, build_resilience


@dataclass
class ProgrammeReport:
    programme: Programme
    city_count: int
    cohort_count: int
    years: list[int]
    reach: Reach
    learning: Learning
    resilience: Resilience


def build_report(programme: Programme, today: date | None = None) -> ProgrammeReport:
    """Every figure of the programme page, the data pack and the printed report, in a fixed
    number of queries (19) whatever the size of the programme."""
    data = load_programme(programme, today)
    reach = build_reach(data)
    return ProgrammeReport(
        programme=programme,
        city_count=len(data.cities),
        cohort_count=len(data.cohorts),
        years=sorted({row.year for row in reach.rows if row.year is not None}),
        reach=reach,
        learning=build_learning(data),
        resilience=build_resilience(data),
    )
