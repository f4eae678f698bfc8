"""The library: case studies and the glossary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.models.base import is_fallback, pick, utcnow


class CaseStudy(db.Model):
    """A case study. The starting library is imported from files; only published ones reach trainees."""

    __tablename__ = "case_study"

    DRAFT, REVIEW, PUBLISHED, ARCHIVED = "draft", "review", "published", "archived"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=PUBLISHED, index=True)
    title_en: Mapped[str] = mapped_column(String(300), default="")
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    body_zh: Mapped[str] = mapped_column(Text, default="")
    html_en: Mapped[str] = mapped_column(Text, default="")
    html_zh: Mapped[str] = mapped_column(Text, default="")
    city_en: Mapped[str] = mapped_column(String(120), default="")
    city_zh: Mapped[str] = mapped_column(String(120), default="")
    country_en: Mapped[str] = mapped_column(String(120), default="")
    country_zh: Mapped[str] = mapped_column(String(120), default="")
    region: Mapped[str] = mapped_column(String(40), default="")
    years: Mapped[str] = mapped_column(String(40), default="")
    hazards: Mapped[list[str]] = mapped_column(JSON, default=list)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    essentials: Mapped[list[int]] = mapped_column(JSON, default=list)
    cautionary: Mapped[bool] = mapped_column(default=False)
    sources: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    file_version: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def title(self, locale: str) -> str:
        return pick(self.title_en, self.title_zh, locale)

    def summary(self, locale: str) -> str:
        return pick(self.summary_en, self.summary_zh, locale)

    def html(self, locale: str) -> str:
        return pick(self.html_en, self.html_zh, locale)

    def is_fallback(self, locale: str) -> bool:
        return is_fallback(self.html_en, self.html_zh, locale)

    def city(self, locale: str) -> str:
        return pick(self.city_en, self.city_zh, locale)

    def country(self, locale: str) -> str:
        return pick(self.country_en, self.country_zh, locale)


class GlossaryTerm(db.Model):
    __tablename__ = "glossary_term"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    term_en: Mapped[str] = mapped_column(String(200))
    term_zh: Mapped[str] = mapped_column(String(200))
    definition_en: Mapped[str] = mapped_column(Text)
    definition_zh: Mapped[str] = mapped_column(Text)
    source: Mapped[dict[str, str] | None] = mapped_column(JSON, default=None)
    see_also: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)

    def term(self, locale: str) -> str:
        return pick(self.term_en, self.term_zh, locale)

    def definition(self, locale: str) -> str:
        return pick(self.definition_en, self.definition_zh, locale)
