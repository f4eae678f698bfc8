"""Search across the curriculum: lessons, glossary and case studies, in English and Chinese
(docs/search.md). `search_curriculum` answers a query with one ranked page of hits;
`rebuild_search_index` and `refresh_case_study` keep the index in step with the content."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select

from training.extensions import db
from training.models import Module, SearchDocument
from training.models.base import pick
from training.services.search.index import rebuild_search_index, refresh_case_study, search_index_is_empty
from training.services.search.query import find_documents
from training.services.search.snippets import has_match, make_snippet, term_pattern
from training.services.search.text import MAX_QUERY_LENGTH, MAX_TERMS, parse_query

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "PER_PAGE",
    "SearchHit",
    "SearchResults",
    "rebuild_search_index",
    "refresh_case_study",
    "search_curriculum",
    "search_index_is_empty",
]

PER_PAGE = 10


@dataclass(frozen=True)
class SearchHit:
    kind: str  # SearchDocument.LESSON, GLOSSARY or CASE_STUDY
    ref: str  # what the link needs: lesson "<module>/<lesson>", term id, case study slug
    title: str
    module_slug: str
    module_title: str
    snippet: Markup
    snippet_lang: str  # the language the snippet is in (the page's when it matches there)

    @property
    def lesson_slug(self) -> str:
        return self.ref.split("/", 1)[1] if self.kind == SearchDocument.LESSON else ""


@dataclass
class SearchResults:
    query_text: str  # as typed (bounded), for the page to show
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    hits: list[SearchHit] = field(default_factory=list)
    searched: bool = False  # False: no query (or nothing searchable in it)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.hits else 0

    @property
    def last(self) -> int:
        return self.first + len(self.hits) - 1 if self.hits else 0


def _hit(doc: SearchDocument, pattern, locale: str, module_titles: dict[str, tuple[str, str]]) -> SearchHit:
    other = "en" if locale == "zh" else "zh"
    in_page_language = has_match(doc.text(locale), pattern)
    lang = locale if in_page_language or not has_match(doc.text(other), pattern) else other
    text = doc.text(lang) or doc.text(other)
    if not doc.text(lang):
        lang = other
    titles = module_titles.get(doc.module_slug)
    return SearchHit(
        kind=doc.kind,
        ref=doc.ref,
        title=doc.title(locale),
        module_slug=doc.module_slug,
        module_title=pick(titles[0], titles[1], locale) if titles else "",
        snippet=make_snippet(text, pattern, lang),
        snippet_lang=lang,
    )


def search_curriculum(query: str, locale: str = "en", page: int = 1, per_page: int = PER_PAGE):
    """One page of the documents matching every term of `query`, best first; three queries
    (count, page, module titles). `page` is clamped to the pages there are."""
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    terms = parse_query(query)
    results = SearchResults(query_text=query, per_page=per_page, searched=bool(terms))
    if not terms:
        return results
    page = max(1, page)
    total, docs = find_documents(terms, (page - 1) * per_page, per_page)
    if total and not docs:  # past the last page: show the last one
        page = -(-total // per_page)
        total, docs = find_documents(terms, (page - 1) * per_page, per_page)
    slugs = {d.module_slug for d in docs if d.module_slug}
    module_titles = (
        {m.slug: (m.title_en, m.title_zh) for m in db.session.execute(
            select(Module.slug, Module.title_en, Module.title_zh).where(Module.slug.in_(slugs))
        )}
        if slugs
        else {}
    )  # fmt: skip
    pattern = term_pattern(terms)
    results.total, results.page = total, page
    results.hits = [_hit(d, pattern, locale, module_titles) for d in docs]
    return results
