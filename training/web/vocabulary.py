"""Translated labels for the controlled vocabularies of the content (topics, hazards, regions)."""

from flask_babel import lazy_gettext as _l

TOPIC_LABELS = {
    "mitigation": _l("Climate mitigation"),
    "adaptation": _l("Climate adaptation"),
    "finance": _l("Climate investment and financing"),
    "nbs": _l("Nature-based Solutions"),
    "resilience": _l("Resilience and MCR2030"),
}
HAZARD_LABELS = {
    "flood": _l("Flood"),
    "heat": _l("Heat"),
    "drought": _l("Drought"),
    "typhoon": _l("Typhoon"),
    "storm-surge": _l("Storm surge"),
    "sea-level-rise": _l("Sea-level rise"),
    "landslide": _l("Landslide"),
    "earthquake": _l("Earthquake"),
    "water-scarcity": _l("Water scarcity"),
    "air-pollution": _l("Air pollution"),
    "cold-wave": _l("Cold wave"),
}
REGION_LABELS = {
    "east-asia": _l("East Asia"),
    "south-east-asia": _l("South-East Asia"),
    "south-asia": _l("South Asia"),
    "europe": _l("Europe"),
    "north-america": _l("North America"),
    "latin-america": _l("Latin America"),
    "africa": _l("Africa"),
    "middle-east": _l("Middle East"),
    "oceania": _l("Oceania"),
}


def vocabulary() -> dict:
    return {"topic_labels": TOPIC_LABELS, "hazard_labels": HAZARD_LABELS, "region_labels": REGION_LABELS}
