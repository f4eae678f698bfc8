"""The labels of the city profile fields (the official tool's Info sheet), in both languages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from training.services import city_profile

PROFILE_LABELS = {
    "city_name": _l("City name"),
    "city_type": _l("Type of city (municipality, metropolitan area…)"),
    "country": _l("Country"),
    "assessment_date": _l("Date of the assessment"),
    "authority_title": _l("Title of the highest authority (e.g. mayor)"),
    "population": _l("Total population"),
    "area_km2": _l("Area (km²)"),
    "density": _l("Population density (per km²)"),
    "youth_pct": _l("Young people aged 15–24 (%)"),
    "seniors_pct": _l("People aged 65 and over (%)"),
    "female_headed": _l("Female-headed households"),
    "literacy": _l("Literacy rate (%)"),
    "poverty": _l("Population not in poverty (%)"),
    "household_income": _l("Average household income (USD)"),
    "non_citizens_pct": _l("Residents who are not citizens (%)"),
    "likely_risk": _l("Most likely disaster risk"),
    "severe_disaster": _l("Most severe known disaster"),
    "households": _l("Number of households"),
    "persons_per_unit": _l("Persons per dwelling"),
    "cost_of_living": _l("Cost of living (USD)"),
    "gdp_per_capita": _l("National GDP per capita (USD)"),
    "gini": _l("Gini coefficient"),
    "city_product": _l("City product per capita (USD)"),
    "team_lead": _l("Person leading the assessment"),
    "team_organisation": _l("Their organisation"),
    "team_contact": _l("Contact details"),
    "share_results": _l("Willing to share the results with UNDRR and partners"),
    "stakeholders": _l("Stakeholders who supported the assessment"),
}
GROUP_TITLES = {
    "assessment": _l("This assessment"),
    "required": _l("City profile"),
    "optional": _l("City profile (optional)"),
    "team": _l("Disaster risk reduction team"),
    "stakeholders": _l("Stakeholders"),
}


def profile_rows(profile: dict[str, str], filled_only: bool = False) -> list[tuple[str, list]]:
    """(group title, [(key, label, value)]) for the groups of the Info sheet; with `filled_only`,
    only the filled fields and the groups that have any."""
    groups = []
    for group, keys in city_profile.GROUPS.items():
        rows = [(key, str(PROFILE_LABELS[key]), profile.get(key, "")) for key in keys]
        if filled_only:
            rows = [row for row in rows if row[2]]
        if rows:
            groups.append((str(GROUP_TITLES[group]), rows))
    return groups
