"""Translated labels for the controlled vocabularies of the content (topics, hazards, regions).

The dictionaries hold the English labels (the message ids); templates get them through `Labels`,
which translates with the catalog the page is drawn with, and Python code through `gettext`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from flask_babel import get_translations


def _l(message: str) -> str:
    """Marks a label for `flask translate extract`; it is translated where it is shown."""
    return message


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


class Labels(Mapping):
    """A vocabulary for one page: each label looked up in the page's catalog when shown. The
    catalog is fetched on the first label shown: most pages show none."""

    def __init__(self, labels: dict[str, str]) -> None:
        self._labels = labels
        self._translations = None

    def __getitem__(self, key: str) -> str:
        if self._translations is None:
            self._translations = get_translations()
        return self._translations.ugettext(self._labels[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


def vocabulary() -> dict:
    return {
        "topic_labels": Labels(TOPIC_LABELS),
        "hazard_labels": Labels(HAZARD_LABELS),
        "region_labels": Labels(REGION_LABELS),
    }
