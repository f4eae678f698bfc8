"""Case studies as files: export and import in the shipped format, both idempotent, and the file
sync never overwriting what editors changed in the browser."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import delete

from tests import factories
from tests.content.conftest import REAL, copy_content
from tests.services.test_case_studies import complete
from tests.services.test_case_study_images import picture
from training.content import ContentErrors, load_curriculum
from training.content.library import load_case_studies
from training.models.library import CaseStudyRevision
from training.services import library
from training.services.case_studies import editing as cs
from training.services.case_studies import workflow
from training.services.case_studies.data import snapshot
from training.services.case_studies.files import export_case_studies, import_case_studies
from training.services.content_sync import sync_curriculum


@pytest.fixture
def published(db_session):
    author, reviewer = factories.user("editor"), factories.user("editor")
    study = cs.create_case_study(author, "chongqing-cooling-corridors", complete(), upload=picture("PNG"))
    workflow.submit_case_study(author, study)
    workflow.publish_case_study(reviewer, study, study.version)
    return study


def test_export_writes_files_the_loader_accepts_and_twice_changes_nothing(published, tmp_path):
    folder = tmp_path / "case-studies"
    first = export_case_studies(folder)
    assert "chongqing-cooling-corridors" in first.created and "wuhan-sponge-city" in first.created
    cover = next((folder / "images").glob("chongqing-cooling-corridors.*"))
    assert cover.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    errors = []
    loaded = {d.slug: d for d in load_case_studies(folder, tmp_path, errors)}
    assert errors == [] and len(loaded) == len(first.created)
    assert loaded["chongqing-cooling-corridors"].title == {
        "en": "Cooling corridors in Chongqing",
        "zh": "重庆通风降温廊道",
    }
    second = export_case_studies(folder)
    assert not second.changed and len(second.unchanged) == len(first.created)


def test_export_then_import_is_a_round_trip(published, tmp_path):
    folder = tmp_path / "case-studies"
    export_case_studies(folder)
    report = import_case_studies(folder)
    assert not report.changed, (report.created, report.updated)
    assert published.version == 1


def test_import_creates_drafts_updates_with_a_revision_and_is_idempotent(published, tmp_path):
    folder = tmp_path / "case-studies"
    export_case_studies(folder, ["chongqing-cooling-corridors"])
    shutil.copy(REAL / "library/case-studies/wuhan-sponge-city.en.md", folder / "wuhan-sponge-city.en.md")
    path = folder / "chongqing-cooling-corridors.en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Plan early.", "Plan early and often."), "utf-8")
    for name in ("new-case.en.md", "new-case.zh.md"):
        source = folder / name.replace("new-case", "chongqing-cooling-corridors")
        (folder / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")

    report = import_case_studies(folder)
    assert report.created == ["new-case"] and "chongqing-cooling-corridors" in report.updated
    assert "wuhan-sponge-city" in report.updated  # English only in this folder: its Chinese goes
    new = cs.get_case_study_by_slug("new-case")
    assert (new.status, new.managed_by, new.cover_image != "") == ("draft", "editors", True)
    assert (published.status, published.pending) == ("published", "draft")  # waits for review
    assert "Plan early and often." in cs.working_copy(published)["body_en"]
    assert "Plan early and often." not in published.html_en
    assert cs.list_revisions(published)[0].revision.kind == "import"
    assert not import_case_studies(folder).changed  # idempotent


def test_import_with_publish_goes_live(published, tmp_path):
    folder = tmp_path / "case-studies"
    export_case_studies(folder, ["chongqing-cooling-corridors"])
    path = folder / "chongqing-cooling-corridors.en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Plan early.", "Plan now."), "utf-8")
    import_case_studies(folder, publish=True)
    assert "Plan now." in published.html_en and published.pending == ""


def test_a_broken_file_imports_nothing_and_names_file_and_field(published, tmp_path):
    folder = tmp_path / "case-studies"
    export_case_studies(folder, ["chongqing-cooling-corridors"])
    (folder / "broken.en.md").write_text("---\ntitle: Broken\nregion: atlantis\n---\n\nText.\n", "utf-8")
    path = folder / "chongqing-cooling-corridors.en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Plan early.", "Changed."), "utf-8")
    (folder / "images" / "chongqing-cooling-corridors.png").write_bytes(b"<svg onload=alert(1)>")
    with pytest.raises(ContentErrors) as exc:
        import_case_studies(folder)
    text = "\n".join(str(e) for e in exc.value.errors)
    assert "case-studies/broken.en.md: region: must be one of" in text
    assert cs.get_case_study_by_slug("broken") is None and published.version == 1


def test_a_bad_cover_image_is_refused(published, tmp_path):
    folder = tmp_path / "case-studies"
    export_case_studies(folder, ["chongqing-cooling-corridors"])
    (folder / "images" / "chongqing-cooling-corridors.png").write_bytes(b"<svg onload=alert(1)>")
    with pytest.raises(ContentErrors, match="cover_image: is not a usable image"):
        import_case_studies(folder)
    assert published.version == 1


def test_the_sync_keeps_browser_edits_and_follows_files_otherwise(db_session, tmp_path):
    copy_content(tmp_path)
    editor = factories.user("editor")
    wuhan = library.get_published_case_study("wuhan-sponge-city")
    data = snapshot(wuhan)
    data["summary_en"] = "Edited in the browser."
    cs.save_case_study(editor, wuhan, data, wuhan.version)
    for slug in ("wuhan-sponge-city", "rotterdam-water-square"):
        path = tmp_path / f"library/case-studies/{slug}.en.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nAdded in the file.\n", encoding="utf-8")

    report = sync_curriculum(load_curriculum(tmp_path))
    assert report.counts["case study (edited in the browser) unchanged"] == 1
    assert report.counts["case study updated"] == 1
    assert cs.working_copy(wuhan)["summary_en"] == "Edited in the browser."
    assert "Added in the file." not in cs.working_copy(wuhan)["body_en"]
    rotterdam = library.get_published_case_study("rotterdam-water-square")
    assert "Added in the file." in rotterdam.html_en
    assert rotterdam.published_version == rotterdam.version == 2
    assert cs.list_revisions(rotterdam)[0].revision.kind == "sync"
    assert not sync_curriculum(load_curriculum(tmp_path)).changed


def test_a_case_study_synced_before_revisions_existed_keeps_its_old_text_as_revision_1(db_session, tmp_path):
    copy_content(tmp_path)
    rotterdam = library.get_published_case_study("rotterdam-water-square")
    db_session.execute(delete(CaseStudyRevision).where(CaseStudyRevision.case_study_id == rotterdam.id))
    old_body = rotterdam.body_en
    path = tmp_path / "library/case-studies/rotterdam-water-square.en.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nAdded.\n", encoding="utf-8")
    sync_curriculum(load_curriculum(tmp_path))
    assert cs.get_revision(rotterdam, 1).data["body_en"] == old_body
    assert cs.get_revision(rotterdam, 2).data["body_en"].endswith("Added.\n")


def test_cli_import_and_export(app, published, tmp_path):
    runner = app.test_cli_runner()
    folder = tmp_path / "out"
    result = runner.invoke(args=["case-studies", "export", str(folder)])
    assert result.exit_code == 0 and "unchanged" in result.output
    assert (folder / "chongqing-cooling-corridors.zh.md").exists()
    again = runner.invoke(args=["case-studies", "import", str(folder)])
    assert again.exit_code == 0 and "0 created, 0 updated" in again.output
    (folder / "bad.en.md").write_text("no front matter", encoding="utf-8")
    broken = runner.invoke(args=["case-studies", "import", str(folder)])
    assert broken.exit_code == 1 and "nothing was imported" in broken.output
