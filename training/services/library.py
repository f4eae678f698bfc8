"""The library: case studies and the glossary — sync from files, and what trainees see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from training.content.schema import Curriculum
from training.extensions import db
from training.models import CaseStudy, GlossaryTerm
from training.models.base import utcnow


def sync_library(curriculum: Curriculum, report) -> None:
    """Import the shipped case studies and glossary; idempotent, by slug and id."""
    existing = {c.slug: c for c in db.session.scalars(select(CaseStudy))}
    for study in curriculum.case_studies:
        row = existing.get(study.slug)
        if row is not None and row.file_version == study.version:
            report.note("case study", "unchanged")
            continue
        is_new = row is None
        if row is None:
            row = CaseStudy(slug=study.slug, status=CaseStudy.PUBLISHED)
            db.session.add(row)
        for lang in ("en", "zh"):
            setattr(row, f"title_{lang}", study.title.get(lang, ""))
            setattr(row, f"summary_{lang}", study.summary.get(lang, ""))
            setattr(row, f"body_{lang}", study.body.get(lang, ""))
            setattr(row, f"html_{lang}", study.html.get(lang, ""))
            setattr(row, f"city_{lang}", study.city.get(lang, ""))
            setattr(row, f"country_{lang}", study.country.get(lang, ""))
        row.region, row.years = study.region, study.years
        row.hazards, row.topics = list(study.hazards), list(study.topics)
        row.essentials, row.cautionary = list(study.essentials), study.cautionary
        row.sources = [dict(s) for s in study.sources]
        row.file_version = study.version
        row.updated_at = utcnow()
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

    @property
    def active(self) -> bool:
        return bool(self.topic or self.essential or self.hazard or self.region)


def list_case_studies(filters: CaseStudyFilters | None = None) -> list[CaseStudy]:
    """Published case studies, filtered; one query (JSON list filters are applied in Python,
    which works the same on SQLite and PostgreSQL for a library of this size)."""
    filters = filters or CaseStudyFilters()
    query = select(CaseStudy).where(CaseStudy.status == CaseStudy.PUBLISHED).order_by(CaseStudy.title_en)
    if filters.region:
        query = query.where(CaseStudy.region == filters.region)
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
    rows = {
        r.slug: r
        for r in db.session.scalars(
            select(CaseStudy).where(CaseStudy.slug.in_(slugs), CaseStudy.status == CaseStudy.PUBLISHED)
        )
    }
    return [rows[s] for s in slugs if s in rows]


def list_glossary() -> list[GlossaryTerm]:
    return list(
        db.session.scalars(select(GlossaryTerm).where(GlossaryTerm.active).order_by(GlossaryTerm.position))
    )
