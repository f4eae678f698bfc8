"""Posting lists: for each token, the documents that hold it and its weight in each, stored one
row per (token, block of SearchPosting.BLOCK_SIZE document ids) as two packed arrays (ids
ascending as little-endian uint32, weights as little-endian float64). 10,000 lesson-sized
documents are about 19 million (token, document) pairs but only a few hundred thousand rows: the
index is built in seconds and a query reads a few rows per token (docs/search.md)."""

from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator

import sqlalchemy as sa

from training.extensions import db
from training.models import SearchPosting

_BIG_ENDIAN = sys.byteorder == "big"
_LAST = chr(0x10FFFF)
_CHUNK = 500  # tokens per IN (...) list


def pack(values: array) -> bytes:
    if _BIG_ENDIAN:
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def unpack(typecode: str, data: bytes) -> array:
    values = array(typecode)
    values.frombytes(data)
    if _BIG_ENDIAN:
        values.byteswap()
    return values


def posting_rows(documents: Iterable[tuple[int, dict[str, float]]]) -> list[dict]:
    """The rows for documents given as (id, {token: weight}), grouped by token and block, ids
    ascending. For new documents only: merging with stored rows is `add_postings`'s job."""
    rows: list[dict] = []
    lists: dict[str, tuple[array, array]] = {}
    current = None

    def flush() -> None:
        rows.extend(
            {"token": t, "block": current, "doc_ids": pack(ids), "weights": pack(ws)}
            for t, (ids, ws) in lists.items()
        )
        lists.clear()

    for doc_id, weights in sorted(documents, key=lambda d: d[0]):
        block = doc_id // SearchPosting.BLOCK_SIZE
        if block != current:  # ids ascending: one block at a time
            flush()
            current = block
        for token, weight in weights.items():
            pair = lists.get(token)
            if pair is None:
                pair = lists[token] = (array("I"), array("d"))
            pair[0].append(doc_id)
            pair[1].append(weight)
    flush()
    return rows


def _stored(keys: set[tuple[str, int]]) -> dict[tuple[str, int], tuple[array, array]]:
    """The stored lists among `keys` (token, block)."""
    found = {}
    for block, where in _by_block(keys):
        for row in db.session.scalars(sa.select(SearchPosting).where(*where)):
            found[row.token, block] = (unpack("I", row.doc_ids), unpack("d", row.weights))
    return found


def _by_block(keys: Iterable[tuple[str, int]]) -> Iterator[tuple[int, tuple]]:
    """(block, WHERE clauses) for the rows of `keys` (token, block), a block and a bounded
    chunk of its tokens at a time."""
    by_block: dict[int, list[str]] = defaultdict(list)
    for token, block in keys:
        by_block[block].append(token)
    for block, block_tokens in by_block.items():
        for start in range(0, len(block_tokens), _CHUNK):
            chunk = block_tokens[start : start + _CHUNK]
            yield block, (SearchPosting.block == block, SearchPosting.token.in_(chunk))


def _replace(rows: list[dict], keys: Iterable[tuple[str, int]]) -> None:
    for _block, where in _by_block(keys):
        db.session.execute(sa.delete(SearchPosting).where(*where))
    if rows:
        db.session.execute(sa.insert(SearchPosting), rows)


def add_postings(documents: list[tuple[int, dict[str, float]]], *, empty: bool = False) -> None:
    """Store the postings of new documents (id, {token: weight}); `empty` when the index is known
    to be empty (a rebuild), which skips reading the stored lists to merge with."""
    rows = posting_rows(documents)
    if empty or not rows:
        if rows:
            db.session.execute(sa.insert(SearchPosting), rows)
        return
    stored = _stored({(r["token"], r["block"]) for r in rows})
    for row in rows:
        old = stored.get((row["token"], row["block"]))
        if old:
            pairs = sorted(zip(old[0], old[1], strict=True))
            pairs += zip(unpack("I", row["doc_ids"]), unpack("d", row["weights"]), strict=True)
            pairs.sort()
            row["doc_ids"] = pack(array("I", (p[0] for p in pairs)))
            row["weights"] = pack(array("d", (p[1] for p in pairs)))
    _replace(rows, stored.keys())


def remove_postings(doc_id: int) -> None:
    """Take a document out of every list of its block (one read of the block's rows: a
    publish or archive of one case study, never a query)."""
    block = doc_id // SearchPosting.BLOCK_SIZE
    query = sa.select(SearchPosting.token, SearchPosting.doc_ids, SearchPosting.weights).where(
        SearchPosting.block == block
    )
    rows, keys = [], []
    for token, packed_ids, packed_weights in db.session.execute(query):
        ids = unpack("I", packed_ids)
        if doc_id not in ids:
            continue
        keys.append((token, block))
        kept = [(i, w) for i, w in zip(ids, unpack("d", packed_weights), strict=True) if i != doc_id]
        if kept:
            rows.append(
                {
                    "token": token,
                    "block": block,
                    "doc_ids": pack(array("I", (i for i, _ in kept))),
                    "weights": pack(array("d", (w for _, w in kept))),
                }
            )
    _replace(rows, keys)


def read_postings(lookups: list[tuple[str, bool]]) -> dict[str, list[tuple[array, array]]]:
    """The stored lists of every token a lookup (token, is_prefix) matches, by token; one query.
    A prefix lookup matches every token starting with it: one range of the primary key."""
    conditions = [
        sa.and_(SearchPosting.token >= token, SearchPosting.token < token + _LAST)
        if prefix
        else SearchPosting.token == token
        for token, prefix in lookups
    ]
    query = sa.select(SearchPosting.token, SearchPosting.doc_ids, SearchPosting.weights).where(
        sa.or_(*conditions)
    )
    lists: dict[str, list[tuple[array, array]]] = defaultdict(list)
    for token, ids, weights in db.session.execute(query):
        lists[token].append((unpack("I", ids), unpack("d", weights)))
    return lists
