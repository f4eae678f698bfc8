"""The curriculum search index (training/services/search/, docs/search.md): one document per
lesson, glossary term and published case study, with both languages, and an inverted index of
its tokens — Chinese character pairs (bigrams) and words — as packed posting lists in plain
rows, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import LargeBinary, String, Text, UniqueConstraint
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
    """The documents holding one token, for a block of BLOCK_SIZE document ids: their ids
    (ascending) and the token's weight in each (how often, in the title or the text, relative to
    the text's length), packed as little-endian uint32 and float64 arrays
    (training/services/search/postings.py). The primary key (token, block) is what a query
    reads: a few rows per query token, never the documents' text."""

    __tablename__ = "search_posting"

    BLOCK_SIZE = 1024

    token: Mapped[str] = mapped_column(TOKEN, primary_key=True)
    block: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    doc_ids: Mapped[bytes] = mapped_column(LargeBinary)
    weights: Mapped[bytes] = mapped_column(LargeBinary)
