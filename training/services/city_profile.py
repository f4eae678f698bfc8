"""The city profile kept with each assessment: the fields of the official tool's Info sheet
(this assessment, the city profile, the city's disaster risk reduction team, stakeholders)."""

from __future__ import annotations

from training.extensions import db
from training.models import Assessment

# field → its cell on the official tool's Info sheet, in the order the sheet shows them
PROFILE_CELLS = {
    "city_name": "D4",
    "city_type": "D5",
    "country": "D6",
    "assessment_date": "D7",
    "authority_title": "C10",
    "population": "C11",
    "area_km2": "C12",
    "density": "C13",
    "youth_pct": "C14",
    "seniors_pct": "C15",
    "female_headed": "C16",
    "literacy": "C17",
    "poverty": "C18",
    "household_income": "C19",
    "non_citizens_pct": "C20",
    "likely_risk": "C21",
    "severe_disaster": "C22",
    "households": "C25",
    "persons_per_unit": "C26",
    "cost_of_living": "C27",
    "gdp_per_capita": "C28",
    "gini": "C29",
    "city_product": "C30",
    "team_lead": "D33",
    "team_organisation": "D34",
    "team_contact": "D35",
    "share_results": "D36",
    "stakeholders": "B40",
}
GROUPS = {
    "assessment": ("city_name", "city_type", "country", "assessment_date"),
    "required": tuple(list(PROFILE_CELLS)[4:17]),
    "optional": tuple(list(PROFILE_CELLS)[17:23]),
    "team": ("team_lead", "team_organisation", "team_contact", "share_results"),
    "stakeholders": ("stakeholders",),
}
LIMITS = {"stakeholders": 4000}
DEFAULT_LIMIT = 300


def clean_profile(values: dict[str, object]) -> dict[str, str]:
    """Known fields only, as stripped text cut to its limit; empty fields are left out."""
    cleaned = {}
    for key in PROFILE_CELLS:
        text = str(values.get(key) or "").strip()
        if text:
            cleaned[key] = text[: LIMITS.get(key, DEFAULT_LIMIT)]
    return cleaned


def too_long(values: dict[str, object]) -> list[str]:
    return [k for k in PROFILE_CELLS if len(str(values.get(k) or "").strip()) > LIMITS.get(k, DEFAULT_LIMIT)]


def get_profile(assessment: Assessment | None) -> dict[str, str]:
    return dict(assessment.profile or {}) if assessment is not None else {}


def save_profile(assessment: Assessment, values: dict[str, object]) -> None:
    assessment.profile = clean_profile(values)
    db.session.commit()
