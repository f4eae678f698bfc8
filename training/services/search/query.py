"""Finding and ranking documents from the inverted index (search_posting), the same SQL on SQLite
and PostgreSQL: read the postings of the query's tokens (one primary-key range each), group them
by document, keep the documents that hold every token, rank by the sum of their weights.

The work grows with the number of postings of the query's tokens, never with the documents'
text: 城市, in every Chinese document, is one posting per document."""

from __future__ import annotations

import sqlalchemy as sa

from training.extensions import db
from training.models import SearchDocument, SearchPosting
from training.services.search.text import Term

_LAST = chr(0x10FFFF)


def _condition(token: str, prefix: bool):
    if prefix:  # every token starting with this character: one range of the primary key
        return sa.and_(SearchPosting.token >= token, SearchPosting.token < token + _LAST)
    return SearchPosting.token == token


def find_documents(terms: list[Term], offset: int, limit: int) -> tuple[int, list[SearchDocument]]:
    """The number of matching documents and the page [offset, offset+limit) of them, best first.
    One query for the ranked page with the total, one for the page's documents."""
    lookups = list(dict.fromkeys(lookup for term in terms for lookup in term.lookups))
    if not lookups:
        return 0, []
    conditions = [_condition(token, prefix) for token, prefix in lookups]
    score = sa.func.sum(SearchPosting.weight)
    ranked = (
        sa.select(SearchPosting.document_id, score.label("score"), sa.func.count().over().label("total"))
        .where(sa.or_(*conditions))
        .group_by(SearchPosting.document_id)
        .having(sa.and_(*(sa.func.max(sa.case((c, 1), else_=0)) == 1 for c in conditions)))
        .order_by(score.desc(), SearchPosting.document_id)
    )
    page = db.session.execute(ranked.offset(offset).limit(limit)).all()
    if not page:
        if offset == 0:
            return 0, []
        total = db.session.scalar(sa.select(sa.func.count()).select_from(ranked.order_by(None).subquery()))
        return total or 0, []
    documents = {
        d.id: d
        for d in db.session.scalars(
            sa.select(SearchDocument).where(SearchDocument.id.in_([r[0] for r in page]))
        )
    }
    return page[0].total, [documents[r.document_id] for r in page if r.document_id in documents]
