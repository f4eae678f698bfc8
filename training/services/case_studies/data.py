"""The editable content of a case study as one plain dict — what a revision stores, what the editing
form, the files and the sync produce — with its normal form, its readiness rules and how it is
applied to the columns that trainees see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from training.content.render import MAX_MARKDOWN_CHARS, render_markdown
from training.content.schema import HAZARDS, REGIONS, TOPICS
from training.models import CaseStudy
from training.models.base import utcnow

LANGS = ("en", "zh")
# Per language. Lines: one line of text; texts: several lines; body: Markdown.
LINE_FIELDS = ("title", "city", "country", "cost", "cover_alt")
TEXT_FIELDS = ("summary", "measures", "impact")
BILINGUAL = ("title", "summary", "body", "city", "country", "measures", "cost", "impact", "cover_alt")
SHARED = ("region", "years", "hazards", "topics", "essentials", "cautionary", "sources", "cover_image")
FIELDS = tuple(f"{name}_{lang}" for name in BILINGUAL for lang in LANGS) + SHARED
# Longest values the columns take (the form and the file import check them).
MAX_LENGTH = {
    "title": 300,
    "city": 120,
    "country": 120,
    "cost": 300,
    "cover_alt": 300,
    "region": 40,
    "years": 40,
    "body": MAX_MARKDOWN_CHARS,  # Markdown: the renderer's own limit (training/content/render.py)
}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = frozenset({"editor", "images", "new"})
_BLANK_LINES_RE = re.compile(r"\A(?:[ \t]*\n)+")
# What a case study needs before it goes to review, as in library/case-studies/ (the loader's rules).
REQUIRED_EN = ("title_en", "summary_en", "city_en", "country_en", "body_en", "years")
REQUIRED_ZH = ("title_zh", "summary_zh", "city_zh", "country_zh", "body_zh")


def normalise_body(text: str) -> str:
    """Markdown as a file stores it: Unix newlines, no blank lines first, one newline at the end."""
    text = _BLANK_LINES_RE.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n")).rstrip()
    return text + "\n" if text else ""


def _text(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _unique(values, allowed=None) -> list:
    seen, out = set(), []
    for value in values or []:
        if value in seen or (allowed is not None and value not in allowed):
            continue
        seen.add(value)
        out.append(value)
    return out


def _essentials(values) -> list[int]:
    numbers = []
    for value in values or []:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if 1 <= number <= 10:
            numbers.append(number)
    return _unique(numbers)


def clean_sources(values) -> list[dict[str, str]]:
    sources = []
    for item in values or []:
        source: dict = {key: _text((item or {}).get(key)) for key in ("title", "url", "accessed")}
        if (item or {}).get("mirror") is True:  # a copy on a mirror site (training/content/sources.py)
            source["mirror"] = True
        if any(source.values()):
            sources.append(source)
    return sources


def clean_data(data: dict[str, Any]) -> dict[str, Any]:
    """Every field present, in its normal form. Equal dicts mean equal content."""
    out: dict[str, Any] = {}
    for lang in LANGS:
        for name in LINE_FIELDS:
            out[f"{name}_{lang}"] = " ".join(_text(data.get(f"{name}_{lang}")).split("\n"))
        for name in ("summary", "impact"):
            out[f"{name}_{lang}"] = _text(data.get(f"{name}_{lang}"))
        lines = _text(data.get(f"measures_{lang}")).split("\n")
        out[f"measures_{lang}"] = "\n".join(line.strip() for line in lines if line.strip())
        out[f"body_{lang}"] = normalise_body(data.get(f"body_{lang}") or "")
    out["region"] = _text(data.get("region"))
    out["years"] = _text(data.get("years"))
    out["hazards"] = _unique(data.get("hazards"), HAZARDS)
    out["topics"] = _unique(data.get("topics"), TOPICS)
    out["essentials"] = _essentials(data.get("essentials"))
    out["cautionary"] = bool(data.get("cautionary"))
    out["sources"] = clean_sources(data.get("sources"))
    out["cover_image"] = _text(data.get("cover_image"))
    return {key: out[key] for key in FIELDS}


def keep_order(previous: list, selected: list) -> list:
    """Checkboxes cannot say which tag comes first: keep the earlier order, add new ones after."""
    chosen = list(selected)
    return [v for v in previous if v in chosen] + [v for v in chosen if v not in previous]


def snapshot(study: CaseStudy) -> dict[str, Any]:
    """The editable content as the columns hold it."""
    data = {key: getattr(study, key) for key in FIELDS}
    for key in ("hazards", "topics", "essentials"):
        data[key] = list(data[key] or [])
    data["sources"] = [dict(s) for s in study.sources or []]
    return clean_data(data)


def apply_data(study: CaseStudy, data: dict[str, Any]) -> None:
    """Write content to the columns, rendering the Markdown with the one renderer and sanitiser."""
    data = clean_data(data)
    for key in FIELDS:
        setattr(study, key, data[key])
    for lang in LANGS:
        setattr(study, f"html_{lang}", render_markdown(data[f"body_{lang}"]) if data[f"body_{lang}"] else "")
    study.updated_at = utcnow()


def build_preview(slug: str, data: dict[str, Any]) -> CaseStudy:
    """A case study that is never saved, rendered exactly as it would be published."""
    study = CaseStudy(slug=slug or "preview")
    apply_data(study, data)
    return study


@dataclass(frozen=True)
class Problem:
    field: str
    code: str  # missing | choose | invalid_url | too_long | invalid


def has_chinese(data: dict[str, Any]) -> bool:
    return any(data.get(f"{name}_zh") for name in BILINGUAL)


def _written(data: dict[str, Any]) -> tuple[str, ...]:
    return LANGS if has_chinese(data) else ("en",)


def check_lengths(data: dict[str, Any]) -> list[Problem]:
    problems = []
    for name, limit in MAX_LENGTH.items():
        keys = [name] if name in SHARED else [f"{name}_{lang}" for lang in LANGS]
        problems += [Problem(key, "too_long") for key in keys if len(str(data.get(key) or "")) > limit]
    return problems


def check_ready(data: dict[str, Any]) -> list[Problem]:
    """What stops this content from going to review: the rules the file loader applies to
    library/case-studies/, so every published case study exports to files that load."""
    data = clean_data(data)
    problems = [Problem(key, "missing") for key in REQUIRED_EN if not data[key]]
    if has_chinese(data):
        problems += [Problem(key, "missing") for key in REQUIRED_ZH if not data[key]]
    if data["region"] not in REGIONS:
        problems.append(Problem("region", "choose"))
    problems += [Problem(key, "choose") for key in ("hazards", "topics", "essentials") if not data[key]]
    if data["cover_image"]:  # an image needs its description for readers who cannot see it
        problems += [
            Problem(f"cover_alt_{lang}", "missing")
            for lang in _written(data)
            if not data[f"cover_alt_{lang}"]
        ]
    if not data["sources"]:
        problems.append(Problem("sources", "missing"))
    for i, source in enumerate(data["sources"]):
        if not source["title"]:
            problems.append(Problem(f"sources-{i}-title", "missing"))
        if not is_web_link(source["url"]):
            problems.append(Problem(f"sources-{i}-url", "invalid_url"))
    return problems + check_lengths(data)


def is_web_link(url: str) -> bool:
    return bool(re.match(r"^https?://[^\s/$.?#][^\s]*$", url or "", re.IGNORECASE))


def check_slug(slug: str) -> str | None:
    """None when the slug can name a new case study, else a problem code."""
    if not slug or len(slug) > 120 or not SLUG_RE.match(slug):
        return "invalid"
    if slug in RESERVED_SLUGS:
        return "reserved"
    return None


def definition_data(study, base: dict | None = None) -> dict:
    """A case-study file (CaseStudyDef) as editable data, on top of `base` (fields the shipped
    format does not carry, e.g. measures or a cover kept from the row)."""
    data = dict(base or {})
    for lang in ("en", "zh"):
        for name in ("title", "summary", "body", "city", "country"):
            data[f"{name}_{lang}"] = getattr(study, name).get(lang, "")
    data.update(
        region=study.region,
        years=study.years,
        hazards=list(study.hazards),
        topics=list(study.topics),
        essentials=list(study.essentials),
        cautionary=study.cautionary,
        sources=[dict(s) for s in study.sources],
    )
    return data
