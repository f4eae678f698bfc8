"""Editing case studies without a request: revisions, the optimistic lock, the workflow with the
four-eyes rule, restore, the editorial log, search and what module pages show."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests import factories
from training.extensions import db
from training.models import CaseStudy, Module
from training.models.library import CaseStudyRevision, EditorialEvent
from training.services import library
from training.services.case_studies import audit, workflow
from training.services.case_studies import editing as cs
from training.services.case_studies.diff import diff_data


def complete(**overrides) -> dict:
    """Content that may go to review, in both languages."""
    data = {
        "title_en": "Cooling corridors in Chongqing",
        "title_zh": "重庆通风降温廊道",
        "summary_en": "Wind paths and shade to cool a mountain city.",
        "summary_zh": "用通风廊道和遮阴为山城降温。",
        "body_en": "## Context\n\nHot summers.\n\n## Lessons for other cities\n\nPlan early.\n",
        "body_zh": "## 背景\n\n夏季炎热。\n\n## 对其他城市的启示\n\n尽早规划。\n",
        "city_en": "Chongqing",
        "city_zh": "重庆",
        "country_en": "China",
        "country_zh": "中国",
        "region": "east-asia",
        "years": "2018–2023",
        "hazards": ["heat"],
        "topics": ["nbs", "adaptation"],
        "essentials": [5, 4],
        "sources": [{"title": "A source", "url": "https://example.org/a", "accessed": "2026-11-01"}],
        "measures_en": "Wind corridors\nStreet trees",
        "cost_en": "CNY 2 billion",
        "impact_en": "Up to 2 °C cooler streets",
        "cover_alt_en": "Trees along a ventilation corridor",
        "cover_alt_zh": "通风廊道旁的树木",
    }
    data.update(overrides)
    return data


@pytest.fixture
def editors(db_session):
    return factories.user("editor"), factories.user("editor")


def _new(editor, slug="chongqing-cooling-corridors", **overrides) -> CaseStudy:
    return cs.create_case_study(editor, slug, complete(**overrides))


def _publish(author, reviewer, study) -> None:
    workflow.submit_case_study(author, study)
    workflow.publish_case_study(reviewer, study, study.version)


def test_create_makes_a_draft_with_its_first_revision_hidden_from_trainees(editors):
    author, _ = editors
    study = _new(author)
    assert (study.status, study.version, study.managed_by) == ("draft", 1, "editors")
    assert [r.revision.number for r in cs.list_revisions(study)] == [1]
    assert study.html_zh.startswith("<h2>背景</h2>")
    assert library.get_published_case_study(study.slug) is None
    assert [e.event.action for e in audit.list_events(study)] == ["create"]


@pytest.mark.parametrize(
    "slug, code", [("Bad Slug", "invalid"), ("editor", "reserved"), ("wuhan-sponge-city", "slug_taken")]
)
def test_slugs_are_checked(editors, slug, code):
    with pytest.raises(cs.EditorialError) as exc:
        cs.create_case_study(editors[0], slug, complete())
    assert exc.value.code == code


def test_trainees_and_trainers_cannot_edit(db_session):
    for role in ("trainee", "trainer"):
        with pytest.raises(cs.EditorialError, match="not_allowed"):
            _new(factories.user(role), slug=f"x-{role}")


def test_every_save_is_a_revision_with_author_and_a_readable_diff(editors):
    author, other = editors
    study = _new(author)
    revision = cs.save_case_study(
        other, study, complete(title_en="Cooling corridors"), study.version, "shorter"
    )
    assert (revision.number, revision.author_id, revision.note, study.version) == (2, other.id, "shorter", 2)
    assert study.title_en == "Cooling corridors" and study.last_author_id == other.id
    assert cs.save_case_study(other, study, complete(title_en="Cooling corridors"), 2) is None  # no change
    old, new = cs.get_revision(study, 1), cs.get_revision(study, 2)
    [change] = diff_data(old.data, new.data)
    assert change.field == "title_en"
    assert [(line.kind, line.text) for line in change.lines] == [
        ("del", "Cooling corridors in Chongqing"),
        ("add", "Cooling corridors"),
    ]
    assert (True, " in Chongqing") in change.lines[0].segments


def test_diff_marks_the_changed_characters_of_a_chinese_paragraph():
    old = {"body_zh": "第一段。\n\n武汉在两个示范区进行改造。\n"}
    new = {"body_zh": "第一段。\n\n武汉在三个示范区进行改造。\n"}
    [change] = diff_data(old, new)
    removed = next(line for line in change.lines if line.kind == "del")
    added = next(line for line in change.lines if line.kind == "add")
    assert [t for changed, t in removed.segments if changed] == ["两"]
    assert [t for changed, t in added.segments if changed] == ["三"]


def test_second_concurrent_save_is_refused_with_the_difference_and_nothing_lost(editors):
    first, second = editors
    study = _new(first)
    opened = study.version  # both open the form on revision 1
    cs.save_case_study(first, study, complete(summary_en="Their summary."), opened)
    with pytest.raises(cs.SaveConflict) as exc:
        cs.save_case_study(second, study, complete(years="2019–2024"), opened)
    conflict = exc.value
    assert study.version == 2 and study.years == "2018–2023"  # the second save changed nothing
    assert [d.field for d in conflict.theirs] == ["summary_en"]
    assert {d.field for d in conflict.yours} == {"summary_en", "years"}
    assert conflict.latest.revision.number == 2 and conflict.latest.author == first.name
    # saving again on the version now shown goes through
    cs.save_case_study(second, study, complete(years="2019–2024"), conflict.study.version)
    assert study.version == 3 and study.years == "2019–2024"


def test_a_race_between_two_saves_is_caught_by_the_database(editors):
    first, second = editors
    study = _new(first)
    # Another process saved between our check and our UPDATE: the row's version moved on.
    db.session.execute(
        update(CaseStudy).where(CaseStudy.id == study.id).values(version=2),
        execution_options={"synchronize_session": False},
    )
    assert study.version == 1  # this process still believes revision 1 is the latest
    with pytest.raises(cs.SaveConflict):
        cs.save_case_study(second, study, complete(years="1999"), 1)
    assert db.session.get(CaseStudy, study.id).years == "2018–2023"


def test_four_eyes_the_last_author_cannot_publish(editors):
    author, reviewer = editors
    study = _new(author)
    workflow.submit_case_study(author, study)
    assert study.status == "review" and cs.available_actions(author, study) == ["send-back", "archive"]
    with pytest.raises(cs.EditorialError, match="four_eyes"):
        workflow.publish_case_study(author, study, study.version)
    admin = factories.user("admin")
    assert cs.can_publish_case_study(admin, study) and cs.can_publish_case_study(reviewer, study)
    workflow.publish_case_study(reviewer, study, study.version)
    assert study.status == "published" and study.published_version == 1
    assert library.get_published_case_study(study.slug) is study


def test_a_reviewer_publishes_only_the_revision_they_saw(editors):
    author, reviewer = editors
    study = _new(author)
    workflow.submit_case_study(author, study)
    seen = study.version
    cs.save_case_study(author, study, complete(summary_en="Changed during review."), seen)
    with pytest.raises(cs.EditorialError, match="stale"):
        workflow.publish_case_study(reviewer, study, seen)


def test_a_cover_image_needs_its_description(editors):
    study = cs.create_case_study(editors[0], "no-alt", complete(cover_alt_en="", cover_image="x.png"))
    with pytest.raises(cs.EditorialError) as exc:
        workflow.submit_case_study(editors[0], study)
    assert [p.field for p in exc.value.problems] == ["cover_alt_en"]


def test_submit_lists_what_is_missing(editors):
    study = cs.create_case_study(
        editors[0], "half-done", {"title_en": "Half done", "body_zh": "只有中文正文。"}
    )
    with pytest.raises(cs.EditorialError) as exc:
        workflow.submit_case_study(editors[0], study)
    fields = {p.field for p in exc.value.problems}
    assert {"summary_en", "body_en", "region", "hazards", "sources", "title_zh", "city_zh"} <= fields
    assert study.status == "draft"


def test_send_back_needs_a_comment_and_is_logged(editors):
    author, reviewer = editors
    study = _new(author)
    workflow.submit_case_study(author, study)
    with pytest.raises(cs.EditorialError, match="comment_required"):
        workflow.send_back_case_study(reviewer, study, "  ")
    workflow.send_back_case_study(reviewer, study, "Add the cost source.")
    assert (study.status, study.review_comment) == ("draft", "Add the cost source.")
    rows = audit.list_events(study)
    assert [(r.event.action, r.user) for r in rows[:2]] == [
        ("send_back", reviewer.name),
        ("submit", author.name),
    ]
    assert rows[0].event.comment == "Add the cost source."


def test_changes_to_a_published_case_study_wait_for_review(editors):
    author, reviewer = editors
    study = _new(author)
    _publish(author, reviewer, study)
    cs.save_case_study(author, study, complete(title_en="Corridors, revised"), study.version)
    assert (study.status, study.pending, study.title_en) == (
        "published",
        "draft",
        "Cooling corridors in Chongqing",
    )
    assert cs.working_copy(study)["title_en"] == "Corridors, revised"
    workflow.submit_case_study(author, study)
    assert study.pending == "review"
    workflow.publish_case_study(reviewer, study, study.version)
    assert (study.pending, study.title_en, study.published_version) == ("", "Corridors, revised", 2)


def test_restore_makes_an_old_revision_the_newest(editors):
    author, other = editors
    study = _new(author)
    cs.save_case_study(other, study, complete(years="2000"), 1)
    restored = cs.restore_revision(author, study, 1, study.version)
    assert (restored.number, restored.kind, restored.restored_from) == (3, "restore", 1)
    assert study.years == "2018–2023" and len(cs.list_revisions(study)) == 3
    assert audit.list_events(study)[0].event.action == "restore"
    with pytest.raises(cs.EditorialError, match="not_found"):
        cs.restore_revision(author, study, 99, study.version)


def test_archive_and_reopen(editors):
    author, reviewer = editors
    study = _new(author)
    _publish(author, reviewer, study)
    workflow.archive_case_study(reviewer, study, "Outdated figures.")
    assert study.status == "archived" and library.get_published_case_study(study.slug) is None
    workflow.reopen_case_study(author, study)
    assert study.status == "draft"
    actions = [r.event.action for r in audit.list_events(study)]
    assert actions == ["reopen", "archive", "publish", "submit", "create"]


def test_the_editorial_log_records_who_did_what(editors):
    author, reviewer = editors
    study = _new(author)
    _publish(author, reviewer, study)
    events = db.session.scalars(
        select(EditorialEvent).where(EditorialEvent.case_study_id == study.id).order_by(EditorialEvent.id)
    ).all()
    assert [(e.action, e.user_id) for e in events] == [
        ("create", author.id),
        ("submit", author.id),
        ("publish", reviewer.id),
    ]
    assert all(e.created_at is not None for e in events)
    assert audit.can_view_editorial_log(factories.user("admin")) and not audit.can_view_editorial_log(author)


@pytest.mark.parametrize(
    "query, found",
    [
        ("通风", True),  # a Chinese word inside a sentence without spaces
        ("重庆 降温", True),  # every term must match
        ("COOLING corridors", True),  # case does not matter
        ("ＣＯＯＬＩＮＧ", True),  # full-width letters are normalised
        ("尽早规划", True),  # in the Chinese body
        ("cooling 台风", False),
        ("%", False),  # LIKE wildcards are escaped
        ("_", False),
    ],
)
def test_full_text_search_in_chinese_and_english(editors, query, found):
    author, reviewer = editors
    study = _new(author)
    _publish(author, reviewer, study)
    rows = library.list_case_studies(library.CaseStudyFilters(search=query))
    assert (study in rows) is found


def test_search_finds_the_shipped_library_and_filters_by_language(editors):
    assert "wuhan-sponge-city" in [
        r.slug for r in library.list_case_studies(library.CaseStudyFilters(search="海绵"))
    ]
    chinese = {k: "" for k in complete() if k.endswith("_zh")}
    only_en = _new(editors[0], slug="english-only", **chinese)
    _publish(editors[0], editors[1], only_en)
    zh = library.list_case_studies(library.CaseStudyFilters(language="zh"))
    en = library.list_case_studies(library.CaseStudyFilters(language="en"))
    assert only_en in en and only_en not in zh


def test_module_pages_get_published_case_studies_matching_topic_and_essentials(editors):
    author, reviewer = editors
    module = db.session.scalar(select(Module).where(Module.slug == "nature-based-solutions"))
    study = _new(author, essentials=list(module.essentials))
    shown = [s.slug for s in library.list_case_studies_for_module(module)]
    assert shown[: len(module.case_studies)] == list(module.case_studies)  # its own list first
    assert study.slug not in shown  # a draft
    _publish(author, reviewer, study)
    shown = [s.slug for s in library.list_case_studies_for_module(module)]
    assert study.slug in shown and len(shown) == len(set(shown))
    other_topic = db.session.scalar(select(Module).where(Module.slug == "climate-mitigation"))
    assert study.slug not in [s.slug for s in library.list_case_studies_for_module(other_topic)]


def test_revisions_are_numbered_like_versions(editors):
    study = _new(editors[0])
    for i in range(3):
        cs.save_case_study(editors[1], study, complete(years=str(2000 + i)), study.version)
    numbers = db.session.scalars(
        select(CaseStudyRevision.number).where(CaseStudyRevision.case_study_id == study.id)
    ).all()
    assert sorted(numbers) == [1, 2, 3, 4] and study.version == 4
