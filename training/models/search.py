"""The curriculum search index (training/services/search/, docs/search.md): one document per
lesson, glossary term and published case study, with both languages, and an inverted index of
its tokens — Chinese character pairs (bigrams) and words — as plain rows, the same on SQLite and
PostgreSQL."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.models.base import pick


class SearchDocument(db.Model):
    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("kind", "ref"),)

    LESSON, GLOSSARY, CASE_STUDY = "lesson", "glossary", "case_study"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    # lesson: "<module slug>/<lesson slug>"; glossary: the term id; case study: its slug
    ref: Mapped[str] = mapped_column(String(240))
    module_slug: Mapped[str] = mapped_column(String(80), default="")
    position: Mapped[int] = mapped_column(default=0)
    title_en: Mapped[str] = mapped_column(String(300), default="")
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    # plain text (no HTML) for the snippets, in each language
    text_en: Mapped[str] = mapped_column(Text, default="")
    text_zh: Mapped[str] = mapped_column(Text, default="")

    def title(self, locale: str) -> str:
        return pick(self.title_en, self.title_zh, locale) or self.ref

    def text(self, locale: str) -> str:
        return self.text_zh if locale == "zh" else self.text_en


# Tokens compare by code point on both databases (SQLite's BINARY; PostgreSQL "C"), so that all
# the pairs starting with one Chinese character are one range of the primary key.
TOKEN = String(64).with_variant(String(64, collation="C"), "postgresql")


class SearchPosting(db.Model):
    """One token of one document and its weight there (how often, in the title or the text,
    relative to the text's length). The primary key (token, document) is the index a query reads:
    one range per query token, never the documents' text."""

    __tablename__ = "search_posting"
    __table_args__ = (
        Index("ix_search_posting_document_id", "document_id"),
        {"sqlite_with_rowid": False},
    )

    token: Mapped[str] = mapped_column(TOKEN, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("search_document.id"), primary_key=True)
    weight: Mapped[float] = mapped_column(default=0.0)
