"""The library: case studies and the glossary — sync from files, and what trainees see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import defer

from training.content.schema import Curriculum
from training.database import read_columns
from training.extensions import db
from training.models import CaseStudy, ContentRevision, GlossaryTerm, Module
from training.models.base import Summarised, pick, utcnow
from training.models.library import CaseStudyRevision
from training.services.case_studies.data import apply_data, clean_data, definition_data, snapshot
from training.services.case_studies.editing import HEAVY, add_revision, working_copy
from training.services.case_studies.search import search_clause


def sync_library(curriculum: Curriculum, report) -> None:
    """Import the shipped case studies and glossary; idempotent, by slug and id.

    A case study edited in the browser (or imported with `flask case-studies import`) belongs to
    the editors from then on: the sync never overwrites it and reports it as kept. The others
    follow their files: a changed file becomes a new revision, published at once (the files are
    reviewed like code)."""
    existing = {c.slug: c for c in db.session.scalars(select(CaseStudy))}
    for study in curriculum.case_studies:
        row = existing.get(study.slug)
        if row is not None and not row.search_text:
            row.search_text = row.build_search_text()  # rows synced before search existed
        if row is not None and row.managed_by == CaseStudy.EDITORS:
            report.note("case study (edited in the browser)", "unchanged")
            continue
        if row is not None and row.file_version == study.version:
            report.note("case study", "unchanged")
            continue
        data = clean_data(definition_data(study, snapshot(row) if row is not None else None))
        if row is not None and data == working_copy(row):
            row.file_version = study.version  # the file was rewritten, its content is the same
            report.note("case study", "unchanged")
            continue
        is_new = row is None
        if row is None:
            row = CaseStudy(slug=study.slug, status=CaseStudy.PUBLISHED, managed_by=CaseStudy.FILES)
            db.session.add(row)
        # The revision first: a row older than revisions gets its current text kept as the base.
        add_revision(row, data, None, CaseStudyRevision.SYNC, first=is_new)
        apply_data(row, data)
        row.file_version = study.version
        if row.status == CaseStudy.PUBLISHED:
            row.published_version, row.published_at = row.version, utcnow()
        report.note("case study", "created" if is_new else "updated")

    terms = {t.id: t for t in db.session.scalars(select(GlossaryTerm))}
    seen = set()
    for term in curriculum.glossary:
        seen.add(term.id)
        row = terms.get(term.id)
        values = {
            "position": term.position,
            "term_en": term.term.get("en", ""),
            "term_zh": term.term.get("zh", ""),
            "definition_en": term.definition.get("en", ""),
            "definition_zh": term.definition.get("zh", ""),
            "source": term.source,
            "see_also": list(term.see_also),
            "active": True,
        }
        if row is None:
            db.session.add(GlossaryTerm(id=term.id, **values))
            report.note("glossary term", "created")
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            report.note("glossary term", "updated")
        else:
            report.note("glossary term", "unchanged")
    for term_id, row in terms.items():
        if term_id not in seen and row.active:
            row.active = False
            report.note("glossary term", "retired")
    db.session.flush()


# --- reading -----------------------------------------------------------------------------


@dataclass
class CaseStudyFilters:
    topic: str = ""
    essential: int | None = None
    hazard: str = ""
    region: str = ""
    language: str = ""  # "en" or "zh": case studies written in that language
    search: str = ""  # full-text search, Chinese or English (see case_study_search)

    @property
    def active(self) -> bool:
        return bool(
            self.topic or self.essential or self.hazard or self.region or self.language or self.search.strip()
        )


def _published():
    """Published case studies, without the long texts a list does not show."""
    return (
        select(CaseStudy).options(*(defer(c) for c in HEAVY)).where(CaseStudy.status == CaseStudy.PUBLISHED)
    )


def list_case_studies(filters: CaseStudyFilters | None = None) -> list[CaseStudy]:
    """Published case studies, filtered and searched; one query (JSON list filters are applied in
    Python, which works the same on SQLite and PostgreSQL for a library of this size)."""
    filters = filters or CaseStudyFilters()
    query = _published().order_by(CaseStudy.title_en, CaseStudy.id)
    if filters.region:
        query = query.where(CaseStudy.region == filters.region)
    if filters.language in ("en", "zh"):
        query = query.where(getattr(CaseStudy, f"html_{filters.language}") != "")
    clause = search_clause(filters.search)
    if clause is not None:
        query = query.where(clause)
    rows = list(db.session.scalars(query))
    if filters.topic:
        rows = [r for r in rows if filters.topic in r.topics]
    if filters.essential:
        rows = [r for r in rows if filters.essential in r.essentials]
    if filters.hazard:
        rows = [r for r in rows if filters.hazard in r.hazards]
    return rows


def get_published_case_study(slug: str) -> CaseStudy | None:
    return db.session.scalar(
        select(CaseStudy).where(CaseStudy.slug == slug, CaseStudy.status == CaseStudy.PUBLISHED)
    )


def list_case_studies_by_slug(slugs: list[str]) -> list[CaseStudy]:
    """Published case studies with these slugs, in the given order."""
    if not slugs:
        return []
    rows = {r.slug: r for r in db.session.scalars(_published().where(CaseStudy.slug.in_(slugs)))}
    return [rows[s] for s in slugs if s in rows]


MODULE_MATCHES = 6


@dataclass(frozen=True)
class CaseStudyCard(Summarised):
    """What a case study's card shows (the module page), read as plain columns: no ORM object is
    built for a card. Frozen and hashable: the web layer keeps each card's HTML by its value."""

    slug: str
    title_en: str
    title_zh: str
    summary_en: str
    summary_zh: str
    city_en: str
    city_zh: str
    country_en: str
    country_zh: str
    years: str
    cautionary: bool
    topics: tuple[str, ...]
    essentials: tuple[int, ...]

    def title(self, locale: str) -> str:
        return pick(self.title_en, self.title_zh, locale) or self.slug

    def city(self, locale: str) -> str:
        return pick(self.city_en, self.city_zh, locale)

    def country(self, locale: str) -> str:
        return pick(self.country_en, self.country_zh, locale)


_CARD_TEXTS = [CaseStudy.slug, CaseStudy.title_en, CaseStudy.title_zh, CaseStudy.summary_en,
               CaseStudy.summary_zh, CaseStudy.city_en, CaseStudy.city_zh, CaseStudy.country_en,
               CaseStudy.country_zh, CaseStudy.years, CaseStudy.cautionary]  # fmt: skip
_CARDS = select(
    *_CARD_TEXTS, CaseStudy.topics, CaseStudy.essentials, CaseStudy.published_at, CaseStudy.updated_at
).where(CaseStudy.status == CaseStudy.PUBLISHED)


def _cards(query) -> list[tuple[CaseStudyCard, object]]:
    """Each published case study's card and when it was last published (or changed)."""
    return [
        (
            CaseStudyCard(*row[: len(_CARD_TEXTS)], tuple(row.topics or ()), tuple(row.essentials or ())),
            row.published_at or row.updated_at,
        )
        for row in db.session.execute(query)
    ]


def list_case_study_cards() -> list[CaseStudyCard]:
    """Every published case study's card, by English title: one query of the columns shown."""
    return [card for card, _when in _cards(_CARDS.order_by(CaseStudy.title_en, CaseStudy.id))]


def list_case_study_cards_on(essentials) -> list[CaseStudyCard]:
    """`list_case_study_cards()` of those serving any of `essentials` (the scorecard's advice):
    the same query, a card built only for those."""
    wanted = set(essentials)
    return [
        CaseStudyCard(*row[: len(_CARD_TEXTS)], tuple(row.topics or ()), tuple(row.essentials or ()))
        for row in db.session.execute(_CARDS_BY_TITLE)
        if wanted.intersection(row.essentials or ())
    ]


_CARDS_BY_TITLE = _CARDS.order_by(CaseStudy.title_en, CaseStudy.id)


def list_case_studies_for_module(module: Module, limit: int = MODULE_MATCHES) -> list[CaseStudyCard]:
    """The module's own list of case studies first, then up to `limit` more published ones that
    share its topic and at least one of its Essentials — most shared Essentials first, then the
    most recently published. One query, of the columns a card shows."""
    listed = list(module.case_studies or [])
    # Chosen from the rows; a card is built only for the few shown, not for every case study.
    rows = read_columns(_CARDS, {}).all()
    by_slug = {row.slug: row for row in rows}
    own = [by_slug[s] for s in listed if s in by_slug]
    essentials = set(module.essentials or [])
    matches = [
        (row, len(essentials & set(row.essentials or ())))
        for row in rows
        if row.slug not in listed
        and module.topic in (row.topics or ())
        and essentials & set(row.essentials or ())
    ]
    matches.sort(key=lambda m: (m[1], m[0].published_at or m[0].updated_at), reverse=True)
    return [_card(row) for row in own + [row for row, _shared in matches[:limit]]]


_CASE_STUDIES_REVISION = select(ContentRevision.case_studies).where(ContentRevision.id == 1)


def get_case_studies_revision() -> int:
    """A number raised by every write to a case study, in the writer's transaction
    (training/models/library.py): what is chosen from the published case studies, such as
    `list_case_studies_for_module`, is the same while it stays. One small query."""
    return read_columns(_CASE_STUDIES_REVISION, {}).scalar() or 0


def _card(row) -> CaseStudyCard:
    return CaseStudyCard(*row[: len(_CARD_TEXTS)], tuple(row.topics or ()), tuple(row.essentials or ()))


def list_glossary() -> list[GlossaryTerm]:
    return list(
        db.session.scalars(select(GlossaryTerm).where(GlossaryTerm.active).order_by(GlossaryTerm.position))
    )
