"""Finding and ranking documents from the inverted index (search_posting), the same on SQLite and
PostgreSQL: read the posting lists of the query's tokens (one query: a few rows per token, one
primary-key range for a lone Chinese character), keep the documents that hold every term's
tokens, rank by the sum of their weights — in Python, over packed arrays.

The work grows with the postings of the query's tokens, never with the documents' text: 城市, in
every Chinese document, is one 12-byte entry per document. The rarest token is intersected first,
so a common word in a query costs no more than its list."""

from __future__ import annotations

import heapq

import sqlalchemy as sa

from training.extensions import db
from training.models import SearchDocument
from training.services.search.postings import read_postings
from training.services.search.text import Term


def rank(terms: list[Term]) -> list[tuple[float, int]]:
    """Every document holding all the terms, as (score, id), best first (ties: lower id first).
    A document's score is the sum of the weights of the distinct tokens of the query it holds."""
    lookups = list(dict.fromkeys(lookup for term in terms for lookup in term.lookups))
    if not lookups:
        return []
    lists = read_postings(lookups)
    matched: list[set[int]] = []
    for token, prefix in lookups:
        found = [t for t in lists if t.startswith(token)] if prefix else [token] if token in lists else []
        if not found:
            return []
        ids = {i for t in found for ids, _ in lists[t] for i in ids}
        matched.append(ids)
    matched.sort(key=len)
    candidates = matched[0].intersection(*matched[1:])
    if not candidates:
        return []
    scores = dict.fromkeys(candidates, 0.0)
    for token_lists in lists.values():
        for ids, weights in token_lists:
            for i, w in zip(ids, weights, strict=True):
                if i in scores:
                    scores[i] += w
    return [(s, i) for i, s in scores.items()]


def find_documents(terms: list[Term], offset: int, limit: int) -> tuple[int, list[SearchDocument]]:
    """The number of matching documents and the page [offset, offset+limit) of them, best first:
    one query for the posting lists, one for the page's documents."""
    scored = rank(terms)
    page = heapq.nsmallest(offset + limit, scored, key=lambda p: (-p[0], p[1]))[offset:]
    if not page:
        return len(scored), []
    ids = [i for _, i in page]
    documents = {
        d.id: d for d in db.session.scalars(sa.select(SearchDocument).where(SearchDocument.id.in_(ids)))
    }
    return len(scored), [documents[i] for i in ids if i in documents]
