from __future__ import annotations

from flask import abort, render_template, request

from training.i18n import current_locale
from training.services import library
from training.web.case_studies import bp
from training.web.vocabulary import HAZARD_LABELS, REGION_LABELS, TOPIC_LABELS


def _filters() -> library.CaseStudyFilters:
    args = request.args
    essential = args.get("essential", "")
    return library.CaseStudyFilters(
        topic=args.get("topic", "") if args.get("topic") in TOPIC_LABELS else "",
        essential=int(essential) if essential.isdigit() and 1 <= int(essential) <= 10 else None,
        hazard=args.get("hazard", "") if args.get("hazard") in HAZARD_LABELS else "",
        region=args.get("region", "") if args.get("region") in REGION_LABELS else "",
    )


@bp.get("/")
def index():
    filters = _filters()
    return render_template(
        "case_studies/index.html", rows=library.list_case_studies(filters), filters=filters
    )


@bp.get("/<slug>")
def detail(slug: str):
    study = library.get_published_case_study(slug)
    if study is None:
        abort(404)
    return render_template(
        "case_studies/detail.html", study=study, fallback=study.is_fallback(current_locale())
    )
