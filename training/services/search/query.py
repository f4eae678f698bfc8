"""Finding and ranking documents: FTS5 on SQLite, core full-text search on PostgreSQL, the same
tokens on both (text.py). Every query term is a phrase; all of them must match; a match in a
title weighs ten times one in the text (FTS5 bm25 column weights; PostgreSQL weight A against D)."""

from __future__ import annotations

import sqlalchemy as sa

from training.extensions import db
from training.models import SearchDocument
from training.services.search.text import Term

# The FTS5 table made by the migration; not in the models' metadata, so nothing creates it twice.
_fts = sa.Table(
    "search_fts", sa.MetaData(), sa.Column("rowid", sa.Integer), sa.Column("title"), sa.Column("body")
)
_TITLE_WEIGHT = 10.0


def _fts5_query(terms: list[Term]) -> str:
    # Tokens hold only letters and digits (text.py), so quoting each phrase is enough.
    return " AND ".join(f'"{t.phrase}"' for t in terms)


def _tsquery(terms: list[Term]):
    query = None
    for term in terms:
        phrase = sa.func.phraseto_tsquery(sa.literal_column("'simple'::regconfig"), term.phrase)
        query = phrase if query is None else query.op("&&")(phrase)
    return query


def _title_tsquery(term: Term):
    """The phrase found in a title only (weight A); tokens are letters and digits, so quoting is safe."""
    text = " <-> ".join(f"'{token}':A" for token in term.tokens)
    return sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), text)


def _postgresql_rank(tsv, terms: list[Term]):
    """ts_rank counts the words of a phrase one by one (for 海绵城市 the common 城 and 市 weigh as
    much as the phrase), so the terms found as phrases in the title come first, then ts_rank."""
    in_title = sum(
        (sa.case((tsv.op("@@")(_title_tsquery(t)), 1), else_=0) for t in terms[1:]),
        sa.case((tsv.op("@@")(_title_tsquery(terms[0])), 1), else_=0),
    )
    rank = sa.func.ts_rank(sa.literal_column("'{0.1, 0.2, 0.4, 1.0}'::float4[]"), tsv, _tsquery(terms), 1)
    return in_title.desc(), rank.desc()


def find_documents(terms: list[Term], offset: int, limit: int) -> tuple[int, list[SearchDocument]]:
    """The number of matching documents and the page [offset, offset+limit) of them, best first.
    Two queries."""
    if not terms:
        return 0, []
    if db.engine.dialect.name == "postgresql":
        tsv = sa.literal_column("search_document.tsv")
        matched = tsv.op("@@")(_tsquery(terms))
        total = db.session.scalar(sa.select(sa.func.count()).select_from(SearchDocument).where(matched))
        stmt = (
            sa.select(SearchDocument)
            .where(matched)
            .order_by(*_postgresql_rank(tsv, terms), SearchDocument.position, SearchDocument.id)
        )
    else:
        matched = sa.literal_column("search_fts").op("MATCH")(_fts5_query(terms))
        total = db.session.scalar(sa.select(sa.func.count()).select_from(_fts).where(matched))
        rank = sa.func.bm25(sa.literal_column("search_fts"), _TITLE_WEIGHT, 1.0)
        stmt = (
            sa.select(SearchDocument)
            .join(_fts, _fts.c.rowid == SearchDocument.id)
            .where(matched)
            .order_by(rank, SearchDocument.position, SearchDocument.id)
        )
    if not total or offset >= total:
        return total or 0, []
    return total, list(db.session.scalars(stmt.offset(offset).limit(limit)))
