"""The search page: /search?q=…&page=… over lessons, glossary and case studies
(training/services/search/)."""

from __future__ import annotations

from flask import render_template, request, url_for

from training.i18n import current_locale
from training.models import SearchDocument
from training.services.search import SearchHit, SearchResults, search_curriculum
from training.web.main import bp
from training.web.main.forms import SearchForm

MAX_PAGE = 1000  # deeper pages are never useful; keeps OFFSET small


def hit_url(hit: SearchHit) -> str:
    if hit.kind == SearchDocument.LESSON:
        return url_for("learn.lesson", slug=hit.module_slug, lesson_slug=hit.lesson_slug)
    if hit.kind == SearchDocument.GLOSSARY:
        return url_for("learn.glossary", _anchor=hit.ref)
    return url_for("case_studies.detail", slug=hit.ref)


@bp.get("/search")
def search():
    form = SearchForm(request.args)
    query = (form.q.data or "").strip()
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    if query and not form.validate():
        results = SearchResults(query_text=query)  # the error is shown next to the field, input kept
    else:
        results = search_curriculum(query, current_locale(), page)
    return render_template(
        "main/search.html",
        form=form,
        results=results,
        hits=[(hit, hit_url(hit)) for hit in results.hits],
    )
