"""The curriculum search index: one row per lesson, glossary term and published case study,
with both languages (training/services/search/, docs/search.md).

The full-text part is database-specific and lives outside the model, made by the migration
d18b00000001: on SQLite an FTS5 table `search_fts` kept in step by triggers, on PostgreSQL a
generated `tsv` tsvector column with a GIN index. Both index `title_tokens` and `body_tokens`,
which the service fills with the same tokens on both databases (each Chinese character one token,
other words lower-cased and lightly stemmed), so a query finds the same documents on both."""

from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
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
    title_tokens: Mapped[str] = mapped_column(Text, default="")
    body_tokens: Mapped[str] = mapped_column(Text, default="")

    def title(self, locale: str) -> str:
        return pick(self.title_en, self.title_zh, locale) or self.ref

    def text(self, locale: str) -> str:
        return self.text_zh if locale == "zh" else self.text_en
