"""The editors' pages: every case study with its state, create and edit with a live preview,
the review workflow, history with differences and restore, and (admins) the editorial log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from training.services.case_studies import audit, images, workflow
from training.services.case_studies import editing as cs
from training.services.case_studies.data import build_preview, keep_order
from training.services.case_studies.diff import diff_data
from training.web.access import role_required
from training.web.case_studies import bp
from training.web.case_studies import messages as msg
from training.web.case_studies.forms import EXTRA_SOURCE_ROWS, CaseStudyForm, CommentForm, RestoreForm
from training.web.routing import bounded_int
from training.web.vocabulary import HAZARD_LABELS, REGION_LABELS, TOPIC_LABELS

EDITORS = ("editor", "admin")
TEXT_KEYS = tuple(
    f"{name}_{lang}"
    for name in ("title", "summary", "body", "city", "country", "measures", "cost", "impact", "cover_alt")
    for lang in ("en", "zh")
) + ("region", "years")
LOG_PAGE = 100
# Editor forms carry an image; the limit is raised for them only (see raise_upload_limit).
UPLOAD_ENDPOINTS = {"case_studies.create", "case_studies.edit"}
UPLOAD_REQUEST_LIMIT = images.MAX_UPLOAD_BYTES + 2 * 1024 * 1024


def raise_upload_limit() -> None:
    """Runs before every other before-request function (CSRF reads the form there), so a photo
    up to the image limit reaches the image check instead of a bare 413 page."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = UPLOAD_REQUEST_LIMIT


def _register_upload_limit(state) -> None:
    state.app.before_request_funcs.setdefault(None, []).insert(0, raise_upload_limit)


bp.record_once(_register_upload_limit)


def _csrf_ok(form) -> bool:
    """After validation: the form's CSRF token was right (or CSRF is switched off, in tests)."""
    token = getattr(form, "csrf_token", None)
    return token is None or not token.errors


def _study_or_404(case_study_id: int):
    study = cs.get_case_study(case_study_id)
    if study is None:
        abort(404)
    return study


def _setup(form: CaseStudyForm, study=None) -> None:
    form.region.choices = [SelectChoice("", _("Choose a region…"))] + [
        SelectChoice(k, gettext(v)) for k, v in REGION_LABELS.items()
    ]
    form.hazards.choices = [SelectChoice(k, gettext(v)) for k, v in HAZARD_LABELS.items()]
    form.topics.choices = [SelectChoice(k, gettext(v)) for k, v in TOPIC_LABELS.items()]
    form.essentials.choices = [SelectChoice(n, _("Essential %(n)d", n=n)) for n in range(1, 11)]
    uploaded = images.list_images(study) if study is not None and study.id else []
    form.cover_image.choices = [SelectChoice("", _("No cover image"))] + [
        SelectChoice(i.name, f"{i.width}×{i.height} · {i.created_at:%Y-%m-%d %H:%M}") for i in uploaded
    ]
    blanks = 0
    for entry in reversed(form.sources.entries):
        if any((entry.form[k].data or "").strip() for k in ("title", "url", "accessed")):
            break
        blanks += 1
    for _i in range(EXTRA_SOURCE_ROWS - blanks):
        form.sources.append_entry()


def _form_for(study, data: dict) -> CaseStudyForm:
    form = CaseStudyForm(data={**data, "slug": study.slug, "version": str(study.version)})
    _setup(form, study)
    return form


def _data(form: CaseStudyForm, previous: dict) -> dict:
    data = {key: form[key].data or "" for key in TEXT_KEYS}
    for key in ("hazards", "topics", "essentials"):
        data[key] = keep_order(previous.get(key, []), form[key].data or [])
    data["cautionary"] = bool(form.cautionary.data)
    data["sources"] = [
        {k: entry.form[k].data or "" for k in ("title", "url", "accessed")} for entry in form.sources
    ]
    data["cover_image"] = form.cover_image.data or ""
    return data


MARKDOWN_KEYS = ("body_en", "body_zh")


def _previewable(form: CaseStudyForm, data: dict) -> dict:
    """A Markdown text the form refused (too long, too complex) is left out of the preview: its
    error shows next to the field, which keeps what was typed."""
    return {**data, **{key: "" for key in MARKDOWN_KEYS if form[key].errors}}


def _upload(form: CaseStudyForm) -> bytes | None:
    file = form.cover_upload.data
    return file.read() if file and getattr(file, "filename", "") else None


def _render_form(form, study, preview=None, conflict=None, status=200):
    return (
        render_template(
            "case_studies/editor/form.html",
            form=form,
            study=study,
            preview=preview,
            conflict=conflict,
            labels=msg.FIELD_LABELS,
        ),
        status,
    )


@bp.get("/editor/")
@role_required(*EDITORS)
def editor_index():
    query, status = request.args.get("q", "").strip()[:100], request.args.get("status", "")
    return render_template(
        "case_studies/editor/list.html",
        rows=cs.list_all_case_studies(query, status),
        query=query,
        status=status,
        state_labels=msg.STATE_LABELS,
        pending_labels=msg.PENDING_LABELS,
        can_view_log=audit.can_view_editorial_log(current_user),
    )


@bp.route("/editor/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def create():
    form = CaseStudyForm()
    _setup(form)
    if request.method == "GET":
        return _render_form(form, None)
    data = _data(form, {})
    valid = form.validate_on_submit()
    if request.form.get("action") == "preview":
        if _upload(form):
            form.cover_upload.errors.append(_("The image is uploaded when you save; choose it again then."))
        return _render_form(form, None, preview=build_preview(form.slug.data or "", _previewable(form, data)))
    if not valid:
        return _render_form(form, None, status=422)
    try:
        study = cs.create_case_study(current_user, form.slug.data, data, form.note.data or "", _upload(form))
    except cs.EditorialError as exc:
        form.slug.errors.append(msg.ERRORS[exc.code])
        return _render_form(form, None, status=422)
    except images.ImageRejected as exc:
        form.cover_upload.errors.append(msg.IMAGE_ERRORS[exc.code])
        return _render_form(form, None, status=422)
    flash(_("The case study is saved as a draft."), "success")
    return redirect(url_for("case_studies.show", case_study_id=study.id))


@bp.route("/editor/<int:case_study_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit(case_study_id: int):
    study = _study_or_404(case_study_id)
    current = cs.working_copy(study)
    if request.method == "GET":
        return _render_form(_form_for(study, current), study, preview=build_preview(study.slug, current))
    form = CaseStudyForm()
    form.slug.data = study.slug  # an address never changes
    _setup(form, study)
    valid = form.validate_on_submit()
    raw = _upload(form)
    if raw is not None and _csrf_ok(form):
        try:  # kept even if this save does not go through, so the image is never uploaded twice
            form.cover_image.data = cs.upload_image(current_user, study, raw).name
            _setup(form, study)
        except images.ImageRejected as exc:
            form.cover_upload.errors.append(msg.IMAGE_ERRORS[exc.code])
            valid = False
    data = _data(form, current)
    if request.form.get("action") == "preview":
        return _render_form(form, study, preview=build_preview(study.slug, _previewable(form, data)))
    if not valid:
        return _render_form(form, study, status=422)
    base = bounded_int(form.version.data)
    try:
        revision = cs.save_case_study(current_user, study, data, base, form.note.data or "")
    except cs.SaveConflict as conflict:
        form.version.data = str(conflict.study.version)  # saving again means: I have seen theirs
        return _render_form(form, conflict.study, conflict=conflict, status=409)
    if revision is None:
        flash(_("Nothing changed, so nothing was saved."), "info")
    else:
        flash(_("Saved as revision %(n)d.", n=revision.number), "success")
    return redirect(url_for("case_studies.show", case_study_id=study.id))


@bp.post("/editor/preview")
@role_required(*EDITORS)
def preview():
    """The live preview for the small script: the same partial and renderer as the page."""
    form = CaseStudyForm()
    _setup(form)
    form.validate_on_submit()
    if not _csrf_ok(form):
        abort(400)
    study = build_preview(form.slug.data or "", _previewable(form, _data(form, {})))
    refused = [f"{form[key].label.text}: {error}" for key in MARKDOWN_KEYS for error in form[key].errors]
    return render_template("case_studies/editor/_preview.html", preview=study, refused=refused)


@bp.get("/editor/<int:case_study_id>/")
@role_required(*EDITORS)
def show(case_study_id: int):
    study = _study_or_404(case_study_id)
    return render_template(
        "case_studies/editor/show.html",
        study=study,
        preview=build_preview(study.slug, cs.working_copy(study)),
        actions=cs.available_actions(current_user, study),
        four_eyes=cs.in_review(study) and study.last_author_id == current_user.id,
        events=audit.list_events(study, limit=30),
        form=CommentForm(data={"version": str(study.version)}),
        msg=msg,
    )


@bp.post("/editor/<int:case_study_id>/<any(submit, publish, 'send-back', archive, reopen):action>")
@role_required(*EDITORS)
def transition(case_study_id: int, action: str):
    study = _study_or_404(case_study_id)
    form = CommentForm()
    if not form.validate_on_submit():
        abort(400)
    seen = bounded_int(form.version.data)
    comment = form.comment.data or ""
    steps = {
        "submit": lambda: workflow.submit_case_study(current_user, study),
        "publish": lambda: workflow.publish_case_study(current_user, study, seen),
        "send-back": lambda: workflow.send_back_case_study(current_user, study, comment),
        "archive": lambda: workflow.archive_case_study(current_user, study, comment),
        "reopen": lambda: workflow.reopen_case_study(current_user, study),
    }
    try:
        steps[action]()
    except cs.EditorialError as exc:
        flash(msg.ERRORS[exc.code], "error")
        for problem in exc.problems:
            flash(msg.problem_text(problem), "error")
        return redirect(url_for("case_studies.show", case_study_id=study.id))
    flash(msg.DONE_MESSAGES[action], "success")
    return redirect(url_for("case_studies.show", case_study_id=study.id))


@bp.get("/editor/<int:case_study_id>/history")
@role_required(*EDITORS)
def history(case_study_id: int):
    study = _study_or_404(case_study_id)
    revisions = cs.list_revisions(study)
    newer = bounded_int(request.args.get("b")) or study.version
    older = bounded_int(request.args.get("a")) or max(newer - 1, 1)
    rev_a, rev_b = cs.get_revision(study, older), cs.get_revision(study, newer)
    diff = diff_data(rev_a.data, rev_b.data) if rev_a and rev_b and older != newer else None
    return render_template(
        "case_studies/editor/history.html",
        study=study,
        revisions=revisions,
        older=older,
        newer=newer,
        diff=diff,
        form=RestoreForm(data={"version": str(study.version)}),
        msg=msg,
    )


@bp.post("/editor/<int:case_study_id>/history/<int:number>/restore")
@role_required(*EDITORS)
def restore(case_study_id: int, number: int):
    study = _study_or_404(case_study_id)
    form = RestoreForm()
    if not form.validate_on_submit():
        abort(400)
    base = bounded_int(form.version.data)
    try:
        revision = cs.restore_revision(current_user, study, number, base)
    except cs.EditorialError as exc:
        abort(404 if exc.code == "not_found" else 403)
    except cs.SaveConflict:
        flash(msg.ERRORS["stale"], "error")
        return redirect(url_for("case_studies.history", case_study_id=study.id))
    if revision is None:
        flash(_("Revision %(n)d is already the current text.", n=number), "info")
    else:
        flash(_("Revision %(old)d restored as revision %(new)d.", old=number, new=revision.number), "success")
    return redirect(url_for("case_studies.show", case_study_id=study.id))


@bp.get("/editor/log")
@role_required("admin")
def log():
    page = max(bounded_int(request.args.get("page"), 1), 1)
    events = audit.list_events(limit=LOG_PAGE + 1, offset=(page - 1) * LOG_PAGE)
    return render_template(
        "case_studies/editor/log.html",
        events=events[:LOG_PAGE],
        page=page,
        has_more=len(events) > LOG_PAGE,
        msg=msg,
    )
