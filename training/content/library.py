"""The library shipped as files: case studies (`library/case-studies/`) and the glossary
(`library/glossary.yaml`). Parsed and validated like the modules; every problem names its
file and field."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from training.content.errors import Collector, ContentError
from training.content.parsing import (
    SLUG_RE,
    bilingual,
    digest,
    essentials_field,
    mirror_fields,
    read_markdown,
    read_yaml,
    rel_path,
)
from training.content.render import (
    MARKDOWN_REFUSED,
    MarkdownRefused,
    glossary_refs,
    plain_paragraphs,
    render_markdown_strictly,
)
from training.content.schema import HAZARDS, LANGUAGES, REGIONS, TOPICS, CaseStudyDef, GlossaryTermDef

CASE_FILE_RE = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>en|zh)\.md$")


def _text(meta: dict, key: str, err: Collector, required: bool = True) -> str:
    value = meta.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        if required:
            err.add(key, "is missing or empty")
        return ""
    return value.strip()


def _choices(meta: dict, key: str, allowed: tuple[str, ...], err: Collector) -> tuple[str, ...]:
    value = meta.get(key)
    if not isinstance(value, list) or not value:
        err.add(key, f"needs a list of one or more of: {', '.join(allowed)}")
        return ()
    for i, item in enumerate(value):
        if item not in allowed:
            err.add(f"{key}[{i}]", f"{item!r} is not one of: {', '.join(allowed)}")
    return tuple(str(v) for v in value if v in allowed)


def _case_sources(value, err: Collector) -> tuple[dict[str, str], ...]:
    if not isinstance(value, list) or not value:
        err.add("sources", "needs a list of sources, each with title, url and accessed")
        return ()
    result = []
    for i, item in enumerate(value):
        field = f"sources[{i}]"
        if not isinstance(item, dict):
            err.add(field, "must have title, url and accessed")
            continue
        title, url, accessed = item.get("title"), item.get("url"), item.get("accessed")
        if not isinstance(title, str) or not title.strip():
            err.add(f"{field}.title", "is missing")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            err.add(f"{field}.url", "must be an http(s) link")
        if accessed is not None and not isinstance(accessed, (date, str)):
            err.add(f"{field}.accessed", "must be a date such as 2026-11-01")
        entry = {
            "title": str(title or "").strip(),
            "url": str(url or "").strip(),
            "accessed": str(accessed or ""),
        }
        mirror, note = mirror_fields(item, field, err)
        if mirror:
            entry["mirror"] = True
        if note:
            entry["note"] = note
        result.append(entry)
    return tuple(result)


def load_case_studies(folder: Path, root: Path, errors: list[ContentError]) -> list[CaseStudyDef]:
    if not folder.is_dir():
        return []
    files: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        match = CASE_FILE_RE.match(path.name)
        if not match:
            Collector(rel_path(path, root), errors).add(
                "(file name)", "case-study files are named <slug>.en.md or <slug>.zh.md"
            )
            continue
        files.setdefault(match["slug"], {})[match["lang"]] = path
    studies = []
    for slug, by_lang in sorted(files.items()):
        if "en" not in by_lang:
            Collector(rel_path(folder / f"{slug}.en.md", root), errors).add(
                "(file)", "is missing: every case study needs an English file"
            )
            continue
        study = _load_case_study(slug, by_lang, root, errors)
        if study:
            studies.append(study)
    return studies


def _load_case_study(slug, by_lang, root, errors) -> CaseStudyDef | None:
    metas, bodies, raws = {}, {}, []
    for lang in LANGUAGES:
        path = by_lang.get(lang)
        if path is None:
            continue
        raw, err, meta, body = read_markdown(path, root, errors)
        raws.append(raw)
        if meta is None:
            continue
        if not body.strip():
            err.add("(body)", "the case study has no text")
        metas[lang], bodies[lang] = meta, body
    if "en" not in metas:
        return None
    en = metas["en"]
    err = Collector(rel_path(by_lang["en"], root), errors)
    per_lang: dict[str, dict[str, str]] = {"title": {}, "summary": {}, "city": {}, "country": {}}
    for lang, meta in metas.items():
        lerr = Collector(rel_path(by_lang[lang], root), errors)
        for key in per_lang:
            value = _text(meta, key, lerr)
            if value:
                per_lang[key][lang] = value
    region = en.get("region")
    if region not in REGIONS:
        err.add("region", f"must be one of {', '.join(REGIONS)}")
    cautionary = en.get("cautionary", False)
    if not isinstance(cautionary, bool):
        err.add("cautionary", "must be true or false")
    html = {}
    for lang, body in bodies.items():
        try:
            html[lang] = render_markdown_strictly(body)
        except MarkdownRefused as refused:  # over the renderer's bounds: say so, not plain text
            Collector(rel_path(by_lang[lang], root), errors).add("(body)", MARKDOWN_REFUSED[refused.code])
            html[lang] = plain_paragraphs(body)
    return CaseStudyDef(
        slug=slug,
        path=rel_path(by_lang["en"], root),
        title=per_lang["title"],
        summary=per_lang["summary"],
        city=per_lang["city"],
        country=per_lang["country"],
        region=str(region),
        years=_text(en, "years", err),
        hazards=_choices(en, "hazards", HAZARDS, err),
        topics=_choices(en, "topics", TOPICS, err),
        essentials=essentials_field(en.get("essentials"), "essentials", err),
        cautionary=cautionary is True,
        sources=_case_sources(en.get("sources"), err),
        body=bodies,
        html=html,
        glossary_refs=tuple(ref for body in bodies.values() for ref in glossary_refs(body)),
        version=digest(*raws),
    )


def _glossary_source(source: dict, field: str, err: Collector) -> dict:
    entry = {"title": str(source.get("title", "")), "url": str(source["url"])}
    mirror, note = mirror_fields(source, field, err)
    if mirror:
        entry["mirror"] = True
    if note:
        entry["note"] = note
    return entry


def load_glossary(path: Path, root: Path, errors: list[ContentError]) -> list[GlossaryTermDef]:
    if not path.exists():
        return []
    err = Collector(rel_path(path, root), errors)
    data, _raw = read_yaml(path, err)
    if data is None:
        return []
    if not isinstance(data, list):
        err.add("(file)", "must be a YAML list of terms")
        return []
    terms, seen = [], set()
    for i, item in enumerate(data):
        field = f"[{i}]"
        if not isinstance(item, dict):
            err.add(field, "must be a mapping with id, term and definition")
            continue
        term_id = item.get("id")
        if not isinstance(term_id, str) or not SLUG_RE.match(term_id):
            err.add(f"{field}.id", "needs a kebab-case id")
            continue
        if term_id in seen:
            err.add(f"{field}.id", f"'{term_id}' is used twice")
        seen.add(term_id)
        field = f"[{i}] ({term_id})"
        source = item.get("source")
        if source is not None and (
            not isinstance(source, dict) or not str(source.get("url", "")).startswith(("http://", "https://"))
        ):
            err.add(f"{field}.source", "must have a title and an http(s) url")
            source = None
        see_also = item.get("see_also") or []
        if not isinstance(see_also, list):
            err.add(f"{field}.see_also", "must be a list of term ids")
            see_also = []
        terms.append(
            GlossaryTermDef(
                id=term_id,
                term=bilingual(item.get("term"), f"{field}.term", err),
                definition=bilingual(item.get("definition"), f"{field}.definition", err),
                source=_glossary_source(source, f"{field}.source", err) if source else None,
                see_also=tuple(str(s) for s in see_also),
                position=i,
            )
        )
    ids = {t.id for t in terms}
    for i, term in enumerate(terms):
        for ref in term.see_also:
            if ref not in ids:
                err.add(f"[{i}] ({term.id}).see_also", f"'{ref}' is not a term in the glossary")
    return terms
