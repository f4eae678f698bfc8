"""What the editors read: field names, states, log actions and every refusal, translated."""

from flask_babel import lazy_gettext as _l

from training.services.case_studies.images import MAX_UPLOAD_BYTES, MIN_SIDE

FIELD_LABELS = {
    "slug": _l("Address (slug)"),
    "title_en": _l("Title (English)"),
    "title_zh": _l("Title (Chinese)"),
    "summary_en": _l("Summary (English)"),
    "summary_zh": _l("Summary (Chinese)"),
    "body_en": _l("Text (English)"),
    "body_zh": _l("Text (Chinese)"),
    "city_en": _l("City (English)"),
    "city_zh": _l("City (Chinese)"),
    "country_en": _l("Country (English)"),
    "country_zh": _l("Country (Chinese)"),
    "measures_en": _l("Measures (English)"),
    "measures_zh": _l("Measures (Chinese)"),
    "cost_en": _l("Cost (English)"),
    "cost_zh": _l("Cost (Chinese)"),
    "impact_en": _l("Impact figures (English)"),
    "impact_zh": _l("Impact figures (Chinese)"),
    "cover_alt_en": _l("Image description (English)"),
    "cover_alt_zh": _l("Image description (Chinese)"),
    "region": _l("Region"),
    "years": _l("Years"),
    "hazards": _l("Hazards"),
    "topics": _l("Topics"),
    "essentials": _l("Ten Essentials"),
    "cautionary": _l("Cautionary case"),
    "sources": _l("Sources"),
    "cover_image": _l("Cover image"),
}

STATE_LABELS = {
    "draft": _l("Draft"),
    "review": _l("In review"),
    "published": _l("Published"),
    "archived": _l("Archived"),
}
PENDING_LABELS = {
    "draft": _l("unpublished changes (draft)"),
    "review": _l("unpublished changes (in review)"),
}
ACTION_LABELS = {
    "create": _l("created"),
    "save": _l("saved"),
    "submit": _l("submitted for review"),
    "publish": _l("published"),
    "send_back": _l("sent back"),
    "archive": _l("archived"),
    "reopen": _l("reopened"),
    "restore": _l("restored a revision"),
    "import": _l("imported from files"),
}
BUTTON_LABELS = {
    "submit": _l("Submit for review"),
    "publish": _l("Publish"),
    "send-back": _l("Send back with a comment"),
    "archive": _l("Archive"),
    "reopen": _l("Reopen as a draft"),
}
DONE_MESSAGES = {
    "submit": _l("Submitted for review. Another editor can now publish it."),
    "publish": _l("Published: trainees can read it now."),
    "send-back": _l("Sent back to the author with your comment."),
    "archive": _l("Archived: trainees no longer see it."),
    "reopen": _l("Reopened as a draft."),
}
KIND_LABELS = {
    "edit": _l("edited"),
    "restore": _l("restored"),
    "sync": _l("from the shipped files"),
    "import": _l("imported from files"),
}
ERRORS = {
    "not_allowed": _l("Only editors and admins can do this."),
    "invalid": _l("Use lower-case letters, digits and hyphens, e.g. wuhan-sponge-city."),
    "reserved": _l("This address is reserved; choose another one."),
    "slug_taken": _l("A case study with this address already exists."),
    "wrong_state": _l("This is not possible in the case study's current state."),
    "four_eyes": _l("You wrote the latest revision, so another editor must publish it (four-eyes rule)."),
    "stale": _l("The case study changed since you opened it. Look at it again before you decide."),
    "not_ready": _l("It cannot go to review yet:"),
    "comment_required": _l("Write a comment that says what needs to change."),
    "not_found": _l("There is no such revision."),
}
PROBLEMS = {
    "missing": _l("%(field)s is missing."),
    "choose": _l("%(field)s: choose at least one."),
    "invalid_url": _l("%(field)s must be a link starting with https://."),
    "too_long": _l("%(field)s is too long."),
}
IMAGE_ERRORS = {
    "empty": _l("The file is empty."),
    "too_large": _l(
        "The image is larger than %(mb)d MB; make it smaller and upload it again.",
        mb=MAX_UPLOAD_BYTES // (1024 * 1024),
    ),
    "not_an_image": _l("This is not a PNG, JPEG or WebP image (SVG and other formats are not accepted)."),
    "too_many_pixels": _l("The image has too many pixels; make it smaller and upload it again."),
    "too_small": _l("The image is too small (at least %(n)d pixels each side).", n=MIN_SIDE),
}


def field_label(key: str) -> str:
    if key.startswith("sources-"):
        _s, index, part = key.split("-", 2)
        return f"{FIELD_LABELS['sources']} {int(index) + 1} ({part})"
    return str(FIELD_LABELS.get(key, key))


def problem_text(problem) -> str:
    return str(PROBLEMS[problem.code]) % {"field": field_label(problem.field)}
