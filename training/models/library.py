"""The library: case studies (with their revisions, images and editorial log) and the glossary."""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    insert,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.models.base import Summarised, TitledText, pick, utcnow
from training.models.content import ContentRevision

_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")


def normalise_search_text(text: str) -> str:
    """The one normal form for searching, used for the stored search text and for queries:
    Unicode NFKC (full-width letters and digits become ordinary ones), case-folded, every run of
    whitespace one space. Chinese has no spaces between words, so a query term is matched as a
    substring (LIKE '%term%'), which finds 海绵城市 inside a sentence as well as "sponge" in English."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()


def html_to_text(html: str) -> str:
    return html_lib.unescape(_TAG_RE.sub(" ", html or ""))


class CaseStudy(TitledText, Summarised, db.Model):
    """A case study. The columns hold what trainees see: for a published case study with saved
    but unpublished changes (`pending`), the working copy is its latest revision."""

    __tablename__ = "case_study"

    DRAFT, REVIEW, PUBLISHED, ARCHIVED = "draft", "review", "published", "archived"
    STATES = (DRAFT, REVIEW, PUBLISHED, ARCHIVED)
    # Who keeps the case study up to date: the files in library/case-studies (synced by
    # `flask content sync`) or the editors in the browser (the sync leaves it alone).
    FILES, EDITORS = "files", "editors"

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
    # What editors add to the shipped format: measures (one per line), cost and impact figures,
    # and a cover image with its alternative text.
    measures_en: Mapped[str] = mapped_column(Text, default="")
    measures_zh: Mapped[str] = mapped_column(Text, default="")
    cost_en: Mapped[str] = mapped_column(String(300), default="")
    cost_zh: Mapped[str] = mapped_column(String(300), default="")
    impact_en: Mapped[str] = mapped_column(Text, default="")
    impact_zh: Mapped[str] = mapped_column(Text, default="")
    cover_image: Mapped[str] = mapped_column(String(64), default="")
    cover_alt_en: Mapped[str] = mapped_column(String(300), default="")
    cover_alt_zh: Mapped[str] = mapped_column(String(300), default="")
    # The editorial workflow. `version` is the number of the latest revision (optimistic lock);
    # `pending` is "draft" or "review" when a published case study has unpublished changes.
    version: Mapped[int] = mapped_column(default=1)
    published_version: Mapped[int | None] = mapped_column(default=None)
    pending: Mapped[str] = mapped_column(String(12), default="")
    managed_by: Mapped[str] = mapped_column(String(12), default=FILES)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    last_author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    search_text: Mapped[str] = mapped_column(Text, default="")

    # A second concurrent save fails at the database too (UPDATE ... WHERE version = seen).
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    def title(self, locale: str) -> str:
        return pick(self.title_en, self.title_zh, locale) or self.slug

    def city(self, locale: str) -> str:
        return pick(self.city_en, self.city_zh, locale)

    def country(self, locale: str) -> str:
        return pick(self.country_en, self.country_zh, locale)

    def measures(self, locale: str) -> list[str]:
        text = pick(self.measures_en, self.measures_zh, locale)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def cost(self, locale: str) -> str:
        return pick(self.cost_en, self.cost_zh, locale)

    def impact(self, locale: str) -> str:
        return pick(self.impact_en, self.impact_zh, locale)

    def cover_alt(self, locale: str) -> str:
        return pick(self.cover_alt_en, self.cover_alt_zh, locale)

    def build_search_text(self) -> str:
        parts = [self.slug, self.years]
        for lang in ("en", "zh"):
            parts += [getattr(self, f"{name}_{lang}") or "" for name in _SEARCHED]
            parts.append(html_to_text(getattr(self, f"html_{lang}") or ""))
        return normalise_search_text(" \n ".join(p for p in parts if p))


_SEARCHED = ("title", "summary", "city", "country", "measures", "cost", "impact")


@event.listens_for(CaseStudy, "before_insert")
@event.listens_for(CaseStudy, "before_update")
def _refresh_search_text(_mapper, _connection, target: CaseStudy) -> None:
    target.search_text = target.build_search_text()


_RAISE_CASE_STUDIES = update(ContentRevision).values(case_studies=ContentRevision.case_studies + 1)


@event.listens_for(CaseStudy, "after_insert")
@event.listens_for(CaseStudy, "after_update")
@event.listens_for(CaseStudy, "after_delete")
def _raise_case_studies_revision(_mapper, connection, _target: CaseStudy) -> None:
    """Every write of a case study row — an editor's save, publish, unpublish or archive, an
    import, a content sync, or any other — raises `content_revision.case_studies` on the same
    connection, in the same transaction: pages that keep what they chose from the published
    case studies under that number (the module page's cards) choose again at once, and no
    reader sees the new number before the change it stands for is committed."""
    if connection.execute(_RAISE_CASE_STUDIES).rowcount == 0:  # a database never synced
        connection.execute(insert(ContentRevision).values(id=1, number=0, case_studies=1))


class CaseStudyRevision(db.Model):
    """One save of a case study: a snapshot of every editable field, with author and time.
    Revision `number` n is the case study's `version` n."""

    __tablename__ = "case_study_revision"
    __table_args__ = (UniqueConstraint("case_study_id", "number"),)

    EDIT, RESTORE, SYNC, IMPORT = "edit", "restore", "sync", "import"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_study_id: Mapped[int] = mapped_column(ForeignKey("case_study.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(12), default=EDIT)  # how it was made
    restored_from: Mapped[int | None] = mapped_column(default=None)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(300), default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseStudyImage(db.Model):
    """An uploaded image, re-encoded; stored in the database so that app servers stay stateless."""

    __tablename__ = "case_study_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_study_id: Mapped[int] = mapped_column(ForeignKey("case_study.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # random, with the extension
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    byte_size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # of the stored bytes
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)  # of the upload
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EditorialEvent(db.Model):
    """The audit log: who did what to which case study, and when."""

    __tablename__ = "editorial_event"
    __table_args__ = (Index("ix_editorial_event_created_at", "created_at"),)

    CREATE, SAVE, SUBMIT, PUBLISH, SEND_BACK = "create", "save", "submit", "publish", "send_back"
    ARCHIVE, REOPEN, RESTORE, IMPORT = "archive", "reopen", "restore", "import"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_study_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_study.id", ondelete="SET NULL"), index=True
    )
    slug: Mapped[str] = mapped_column(String(120), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int | None] = mapped_column(default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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
