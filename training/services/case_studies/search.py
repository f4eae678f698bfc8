"""Full-text search over case studies that finds Chinese words as well as English ones, the same
on SQLite and PostgreSQL.

Chinese is written without spaces, so word-based full-text engines (SQLite FTS5's default
tokenizer, PostgreSQL's to_tsvector) do not find 海绵 inside 海绵城市建设. Instead each case study
keeps a `search_text` column — every searchable field in both languages, normalised (NFKC,
case-folded, single spaces; see `normalise_search_text`) — refreshed whenever the row is written.
A query is normalised the same way and split on spaces; every term must occur as a substring
(LIKE '%term%', wildcards escaped). That is plain SQL on both databases, exact for Chinese and
English, and fast enough for a library of thousands of case studies (a PostgreSQL pg_trgm index
on search_text would speed it up later without changing the query)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from training.models import CaseStudy
from training.models.library import normalise_search_text

MAX_TERMS = 8


def search_terms(query: str) -> list[str]:
    return normalise_search_text(query).split(" ")[:MAX_TERMS] if query and query.strip() else []


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_clause(query: str) -> ColumnElement[bool] | None:
    """A WHERE clause matching case studies that contain every term of `query`; None for no query."""
    terms = search_terms(query)
    if not terms:
        return None
    return and_(*(CaseStudy.search_text.like(f"%{_escape(t)}%", escape="\\") for t in terms))
