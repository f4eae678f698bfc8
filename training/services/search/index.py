"""Building the search index: one document per active lesson, active glossary term and published
case study, each with both languages. Rebuilt by the content sync (training/services/content_sync.py)
and refreshed for one case study when it is published, archived or reopened (workflow.py)."""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from training.extensions import db
from training.models import CaseStudy, GlossaryTerm, Module, SearchDocument, SearchPosting
from training.services.search.postings import add_postings, remove_postings
from training.services.search.text import index_tokens, tokens

_BLOCK_TAG_RE = re.compile(
    r"</?(?:p|div|li|ul|ol|h[1-6]|br|hr|tr|td|th|table|blockquote|pre|dd|dt|figcaption)\b[^>]*>", re.I
)
_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")


def plain_text(html: str) -> str:
    """The visible text of sanitised HTML: blocks separated by a space, inline tags removed
    without a space (so 海绵<strong>城市</strong> stays 海绵城市)."""
    text = _TAG_RE.sub("", _BLOCK_TAG_RE.sub(" ", html or ""))
    return _SPACE_RE.sub(" ", html_lib.unescape(text)).strip()


def _document(kind: str, ref: str, *, module_slug="", position=0, titles, texts, extra=("", "")) -> dict:
    title_en, title_zh = titles
    text_en, text_zh = texts
    return {
        "kind": kind,
        "ref": ref,
        "module_slug": module_slug,
        "position": position,
        "title_en": title_en[:300],
        "title_zh": title_zh[:300],
        "text_en": text_en,
        "text_zh": text_zh,
        "_title": index_tokens(tokens(title_en)) + index_tokens(tokens(title_zh)),
        "_body": [t for text in (text_en, text_zh, *extra) for t in index_tokens(tokens(text))],
    }


# BM25's saturation and length normalisation, with a fixed typical length (in tokens) so that a
# document's weights do not depend on the others (one case study can be indexed alone).
_K1, _B, _TYPICAL_LENGTH, _TITLE_BONUS = 1.2, 0.75, 2000, 3.0


def posting_weights(title: list[str], body: list[str]) -> dict[str, float]:
    """Each token's weight in a document: BM25's term-frequency part over the text, plus a
    bonus when the token is in the title (in either language)."""
    counts = Counter(body)
    norm = _K1 * (1 - _B + _B * len(body) / _TYPICAL_LENGTH)
    weights = {t: n * (_K1 + 1) / (n + norm) for t, n in counts.items()}
    for t in set(title):
        weights[t] = weights.get(t, 0.0) + _TITLE_BONUS
    return weights


def _store(documents: list[dict], *, empty: bool = False) -> None:
    """Insert documents (one bulk INSERT per 200) and their postings; `empty` when the index
    was just emptied (a rebuild)."""
    postings = []
    for start in range(0, len(documents), 200):
        chunk = documents[start : start + 200]
        rows = [SearchDocument(**{k: v for k, v in d.items() if not k.startswith("_")}) for d in chunk]
        db.session.add_all(rows)
        db.session.flush()
        postings += [
            (row.id, posting_weights(d["_title"], d["_body"])) for row, d in zip(rows, chunk, strict=True)
        ]
    add_postings(postings, empty=empty)


def lesson_documents() -> list[dict]:
    modules = db.session.scalars(
        select(Module)
        .where(Module.active.is_(True))
        .options(selectinload(Module.lessons))
        .order_by(Module.position)
    )
    documents = []
    for module in modules:
        for lesson in module.lessons:
            if not lesson.active:
                continue
            documents.append(
                _document(
                    SearchDocument.LESSON,
                    f"{module.slug}/{lesson.slug}",
                    module_slug=module.slug,
                    position=module.position * 1000 + lesson.position,
                    titles=(lesson.title_en, lesson.title_zh),
                    texts=(plain_text(lesson.html_en), plain_text(lesson.html_zh)),
                )
            )
    return documents


def glossary_documents() -> list[dict]:
    terms = db.session.scalars(select(GlossaryTerm).where(GlossaryTerm.active.is_(True)))
    return [
        _document(
            SearchDocument.GLOSSARY,
            t.id,
            position=t.position,
            titles=(t.term_en, t.term_zh),
            texts=(t.definition_en, t.definition_zh),
        )
        for t in terms
    ]


def _case_study_modules() -> dict[str, str]:
    """Each case study's first module (by module order) that lists it."""
    owner: dict[str, str] = {}
    for slug, studies in db.session.execute(
        select(Module.slug, Module.case_studies).where(Module.active.is_(True)).order_by(Module.position)
    ):
        for study in studies or []:
            owner.setdefault(study, slug)
    return owner


def case_study_document(study: CaseStudy, module_slug: str = "") -> dict:
    def text(lang: str) -> str:
        summary = getattr(study, f"summary_{lang}") or ""
        return " ".join(p for p in (summary, plain_text(getattr(study, f"html_{lang}") or "")) if p)

    return _document(
        SearchDocument.CASE_STUDY,
        study.slug,
        module_slug=module_slug,
        titles=(study.title_en, study.title_zh),
        texts=(text("en"), text("zh")),
        extra=(
            " ".join([study.city_en, study.country_en, study.measures_en or "", study.years or ""]),
            " ".join([study.city_zh, study.country_zh, study.measures_zh or ""]),
        ),
    )


def case_study_documents() -> list[dict]:
    owner = _case_study_modules()
    studies = db.session.scalars(select(CaseStudy).where(CaseStudy.status == CaseStudy.PUBLISHED))
    return [case_study_document(s, owner.get(s.slug, "")) for s in studies]


def rebuild_search_index() -> int:
    """Replace every document of the index with the current curriculum; returns the count.
    Flushes; the caller commits."""
    documents = lesson_documents() + glossary_documents() + case_study_documents()
    db.session.execute(delete(SearchPosting))
    db.session.execute(delete(SearchDocument))
    _store(documents, empty=True)
    db.session.flush()
    return len(documents)


def refresh_case_study(study: CaseStudy) -> None:
    """Index a case study as trainees now see it: in the index while published, out otherwise."""
    doc = SearchDocument
    old = db.session.scalar(select(doc.id).where(doc.kind == doc.CASE_STUDY, doc.ref == study.slug))
    if old is not None:
        remove_postings(old)
        db.session.execute(delete(doc).where(doc.id == old))
    if study.status == CaseStudy.PUBLISHED:
        _store([case_study_document(study, _case_study_modules().get(study.slug, ""))])
    db.session.flush()


def search_index_is_empty() -> bool:
    return db.session.scalar(select(SearchDocument.id).limit(1)) is None
