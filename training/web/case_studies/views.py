"""What everyone sees: the library (filters and full-text search), a case study, its cover image."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user

from training.i18n import current_locale
from training.services import library
from training.services.case_studies import data as case_study_data
from training.services.case_studies import editing as case_studies
from training.services.case_studies import images
from training.web.case_studies import bp
from training.web.vocabulary import HAZARD_LABELS, REGION_LABELS, TOPIC_LABELS

LANGUAGE_FILTER = ("en", "zh")
MAX_QUERY = 100


def _filters() -> library.CaseStudyFilters:
    args = request.args
    essential = args.get("essential", "")
    return library.CaseStudyFilters(
        topic=args.get("topic", "") if args.get("topic") in TOPIC_LABELS else "",
        essential=int(essential) if essential.isdigit() and 1 <= int(essential) <= 10 else None,
        hazard=args.get("hazard", "") if args.get("hazard") in HAZARD_LABELS else "",
        region=args.get("region", "") if args.get("region") in REGION_LABELS else "",
        language=args.get("lang", "") if args.get("lang") in LANGUAGE_FILTER else "",
        search=args.get("q", "").strip()[:MAX_QUERY],
    )


@bp.app_template_test("web_link")
def is_web_link(url: str) -> bool:
    """Only http(s) links become links: a source can never be a javascript: or data: URL."""
    return case_study_data.is_web_link(url)


def _user():
    return current_user if current_user.is_authenticated else None


@bp.get("/")
def index():
    filters = _filters()
    return render_template(
        "case_studies/index.html",
        rows=library.list_case_studies(filters),
        filters=filters,
        can_edit=case_studies.can_edit_case_studies(_user()),
    )


@bp.get("/<slug>")
def detail(slug: str):
    study = library.get_published_case_study(slug)
    if study is None:
        abort(404)
    return render_template(
        "case_studies/detail.html",
        study=study,
        fallback=study.is_fallback(current_locale()),
        can_edit=case_studies.can_edit_case_studies(_user()),
    )


@bp.get("/images/<name>")
def image(name: str):
    """An uploaded image, with the content type of what was stored (never guessed by the browser)."""
    found = images.get_image(name)
    if found is None or not images.can_view_image(_user(), found[1], found[0]):
        abort(404)
    image, study = found
    response = Response(image.data, mimetype=image.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Disposition"] = f'inline; filename="{image.name}"'
    public = study.status == study.PUBLISHED and image.name == study.cover_image
    # The name is random and the bytes never change: browsers may keep a public image for a year.
    cache = "public, max-age=31536000, immutable" if public else "private, no-cache"
    response.headers["Cache-Control"] = cache
    response.set_etag(image.sha256)
    return response.make_conditional(request)
