"""Case studies as files, in the format the library ships (`<slug>.en.md` and `<slug>.zh.md` with
YAML front matter; docs/content-format.md), for `flask case-studies import|export`.

Both are idempotent. Export writes the published text of published case studies and leaves a file
alone when its bytes would not change. Import validates with the same loader as `flask content
check` (all files or none), then compares each case study with its latest revision: the same text
changes nothing; new text becomes a new revision. Imported case studies belong to the editors
(the automatic sync no longer touches them). New ones arrive as drafts, changes to published ones
as unpublished changes — unless `publish` is given (files reviewed like code).

Optional keys beyond the shipped format, written only when set: `measures` (a list), `cost`,
`impact`, `cover_alt` in either file, and `cover_image` in the English file — a path relative to
the folder; export writes covers to `images/<slug>.<ext>` (a subfolder, which the loader skips)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from training.content.errors import Collector, ContentError, ContentErrors
from training.content.library import load_case_studies
from training.content.parsing import split_front_matter
from training.extensions import db
from training.models import CaseStudy
from training.models.base import utcnow
from training.models.library import CaseStudyRevision, EditorialEvent
from training.services.case_studies import images
from training.services.case_studies.audit import log_event
from training.services.case_studies.data import (
    LANGS,
    apply_data,
    check_lengths,
    clean_data,
    definition_data,
    has_chinese,
    snapshot,
)
from training.services.case_studies.editing import add_revision, get_case_study_by_slug, working_copy


@dataclass
class FilesReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


# --- export ----------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Front matter as the shipped files write it: `hazards: [flood, heat]` on one line, mappings
    in block style, texts with line breaks as `|` blocks."""


def _list(dumper: yaml.SafeDumper, value: list):
    flow = all(not isinstance(v, (dict, list)) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(list, _list)
_Dumper.add_representer(str, _str)


def _front_matter(meta: dict[str, Any]) -> str:
    # No line folding: a folded line could start with "---" and end the front matter early.
    return yaml.dump(
        meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10**9
    )


def render_files(data: dict[str, Any], cover_path: str = "") -> dict[str, str]:
    """The text of the English and (when there is Chinese) the Chinese file."""
    data = clean_data(data)
    files = {}
    for lang in LANGS:
        if lang == "zh" and not has_chinese(data):
            continue
        meta: dict[str, Any] = {k: data[f"{k}_{lang}"] for k in ("title", "summary", "city", "country")}
        if lang == "en":
            meta.update({k: data[k] for k in ("region", "years", "hazards", "topics", "essentials")})
            meta["cautionary"] = data["cautionary"]
            meta["sources"] = [{k: v for k, v in s.items() if v} for s in data["sources"]]
            if cover_path:
                meta["cover_image"] = cover_path
        measures = [m for m in data[f"measures_{lang}"].split("\n") if m]
        extras = {"measures": measures, "cost": data[f"cost_{lang}"], "impact": data[f"impact_{lang}"]}
        extras["cover_alt"] = data[f"cover_alt_{lang}"]
        meta.update({k: v for k, v in extras.items() if v})
        files[lang] = f"---\n{_front_matter(meta)}---\n\n{data[f'body_{lang}']}"
    return files


def _write(path: Path, content: bytes) -> bool:
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def export_case_studies(folder: Path, slugs: list[str] | None = None) -> FilesReport:
    """Write every published case study (or those in `slugs`) as it is published."""
    report = FilesReport()
    query = select(CaseStudy).where(CaseStudy.status == CaseStudy.PUBLISHED).order_by(CaseStudy.slug)
    if slugs:
        query = query.where(CaseStudy.slug.in_(slugs))
    for study in db.session.scalars(query):
        data = snapshot(study)
        cover = images.get_image_by_name(study, data["cover_image"])
        cover_path = f"images/{study.slug}.{cover.name.rsplit('.', 1)[-1]}" if cover else ""
        existed = (folder / f"{study.slug}.en.md").exists()
        changed = False
        for lang, text in render_files(data, cover_path).items():
            changed |= _write(folder / f"{study.slug}.{lang}.md", text.encode("utf-8"))
        if cover:
            changed |= _write(folder / cover_path, cover.data)
        bucket = report.unchanged if not changed else (report.updated if existed else report.created)
        bucket.append(study.slug)
    return report


# --- import ----------------------------------------------------------------------------------


def _extras(folder: Path, slug: str, errors: list[ContentError]) -> tuple[dict[str, Any], Path | None]:
    """The optional keys of both files, checked; and the cover image's path."""
    extras: dict[str, Any] = {}
    cover = None
    for lang in LANGS:
        path = folder / f"{slug}.{lang}.md"
        if not path.exists():
            continue
        err = Collector(f"{folder.name}/{path.name}", errors)
        meta, _body = split_front_matter(path.read_text(encoding="utf-8"), err)
        measures = meta.get("measures") or []
        if not isinstance(measures, list) or not all(isinstance(m, str) for m in measures):
            err.add("measures", "must be a list of texts")
            measures = []
        extras[f"measures_{lang}"] = "\n".join(measures)
        for key in ("cost", "impact", "cover_alt"):
            value = meta.get(key) or ""
            if not isinstance(value, (str, int, float)):
                err.add(key, "must be a text")
                value = ""
            extras[f"{key}_{lang}"] = str(value)
        if lang == "en" and meta.get("cover_image"):
            cover = (folder / str(meta["cover_image"])).resolve()
            if folder.resolve() not in cover.parents or not cover.is_file():
                err.add("cover_image", "must name an image file in the case-studies folder")
                cover = None
    for problem in check_lengths(extras):
        Collector(f"{folder.name}/{slug}.en.md", errors).add(problem.field, "is too long")
    return extras, cover


def _cover_name(study: CaseStudy, path: Path | None, errors: list[ContentError], where: str) -> str:
    if path is None:
        return ""
    try:
        return images.store_image(None, study, path.read_bytes()).name
    except images.ImageRejected as exc:
        Collector(where, errors).add("cover_image", f"is not a usable image ({exc.code})")
        return ""


def import_case_studies(folder: Path, publish: bool = False) -> FilesReport:
    """Import every case study in `folder`; raises ContentErrors (and changes nothing) when any
    file is broken."""
    folder = Path(folder)
    errors: list[ContentError] = []
    definitions = load_case_studies(folder, folder.parent, errors)
    if not folder.is_dir():
        errors.append(ContentError(str(folder), "(folder)", "does not exist"))
    found = [(d, *_extras(folder, d.slug, errors)) for d in definitions]
    if errors:
        raise ContentErrors(errors)
    report = FilesReport()
    for definition, extras, cover_path in found:
        study = get_case_study_by_slug(definition.slug)
        is_new = study is None
        if study is None:
            study = CaseStudy(slug=definition.slug, status=CaseStudy.DRAFT, version=1)
            db.session.add(study)
            db.session.flush()
        data = clean_data(definition_data(definition, extras))
        data["cover_image"] = _cover_name(study, cover_path, errors, definition.path)
        if not is_new and data == working_copy(study):
            report.unchanged.append(study.slug)
            continue
        study.managed_by, study.file_version = CaseStudy.EDITORS, definition.version
        revision = add_revision(study, data, None, CaseStudyRevision.IMPORT, definition.path, first=is_new)
        if publish or study.status != CaseStudy.PUBLISHED:
            apply_data(study, data)
        if publish:
            study.status, study.pending = CaseStudy.PUBLISHED, ""
            study.published_version, study.published_at = study.version, utcnow()
        elif study.status == CaseStudy.PUBLISHED:
            study.pending = study.pending or CaseStudy.DRAFT
        log_event(None, study, EditorialEvent.IMPORT, revision=revision.number, comment=definition.path)
        (report.created if is_new else report.updated).append(study.slug)
    if errors:
        db.session.rollback()
        raise ContentErrors(errors)
    db.session.commit()
    return report
