"""Parsing helpers shared by the loaders: YAML, front matter, typed fields. Each reports
problems to a Collector instead of raising, so one pass finds every mistake."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from training.content.errors import Collector
from training.content.schema import LANGUAGES, Source

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FILE_RE = re.compile(r"^(?P<num>\d{2})-(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>en|zh)\.md$")
QUESTION_ID_RE = re.compile(r"^P(?P<e>\d{1,2})\.(?P<n>\d{1,2})$")
FRONT_MATTER_RE = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*\n(?P<body>.*)\Z", re.DOTALL)
# The preliminary level: questions per Essential (UNDRR Disaster Resilience Scorecard, 2017).
SCORECARD_COUNTS = {1: 3, 2: 5, 3: 4, 4: 4, 5: 3, 6: 6, 7: 4, 8: 9, 9: 7, 10: 2}


def rel_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def digest(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk)
    return h.hexdigest()[:16]


def read_yaml(path: Path, err: Collector) -> tuple[Any, bytes]:
    raw = path.read_bytes()
    try:
        return yaml.safe_load(raw.decode("utf-8")), raw
    except UnicodeDecodeError:
        err.add("(file)", "is not UTF-8 text")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        err.add(where, f"is not valid YAML: {getattr(exc, 'problem', exc)}")
    return None, raw


def int_field(value: Any, field: str, err: Collector, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        err.add(field, f"must be a whole number from {lo} to {hi}")
        return lo
    return value


def sources_field(value: Any, field: str, err: Collector, required: bool) -> tuple[Source, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or (required and not value):
        err.add(field, "needs a list of sources, each with title and url")
        return ()
    result = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            err.add(f"{field}[{i}]", "must have title and url")
            continue
        title, url = item.get("title"), item.get("url")
        if not isinstance(title, str) or not title.strip():
            err.add(f"{field}[{i}].title", "is missing")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            err.add(f"{field}[{i}].url", "must be an http(s) link")
        mirror, note = mirror_fields(item, f"{field}[{i}]", err)
        if isinstance(title, str) and isinstance(url, str):
            result.append(Source(title.strip(), url.strip(), mirror, note))
    return tuple(result)


def mirror_fields(item: dict, field: str, err: Collector) -> tuple[bool, str]:
    """The optional `mirror: true` and `note: …` of a source entry (see training/content/sources.py)."""
    mirror, note = item.get("mirror", False), item.get("note", "")
    if not isinstance(mirror, bool):
        err.add(f"{field}.mirror", "must be true or false")
        mirror = False
    if not isinstance(note, str):
        err.add(f"{field}.note", "must be text")
        note = ""
    return mirror, note.strip()


def essentials_field(value: Any, field: str, err: Collector) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        err.add(field, "needs a list of Essentials (numbers 1–10)")
        return ()
    result = []
    for i, item in enumerate(value):
        result.append(int_field(item, f"{field}[{i}]", err, 1, 10))
    return tuple(result)


def split_front_matter(text: str, err: Collector) -> tuple[dict[str, Any], str]:
    match = FRONT_MATTER_RE.match(text.replace("\r\n", "\n"))
    if not match:
        err.add("front matter", "the file must start with --- YAML front matter ---")
        return {}, text
    try:
        meta = yaml.safe_load(match.group("meta")) or {}
    except yaml.YAMLError as exc:
        err.add("front matter", f"is not valid YAML: {getattr(exc, 'problem', exc)}")
        return {}, match.group("body")
    if not isinstance(meta, dict):
        err.add("front matter", "must be a mapping")
        return {}, match.group("body")
    return meta, match.group("body")


def read_markdown(path: Path, root: Path, errors) -> tuple[bytes, Collector, dict[str, Any] | None, str]:
    """A Markdown file with front matter: its bytes (for the version), the collector naming the
    file in its problems, its front matter and body (None and "" when it is not UTF-8)."""
    err = Collector(rel_path(path, root), errors)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        err.add("(file)", "is not UTF-8 text")
        return raw, err, None, ""
    meta, body = split_front_matter(text, err)
    return raw, err, meta, body


def bilingual(value: Any, field: str, err: Collector) -> dict[str, str]:
    if not isinstance(value, dict):
        err.add(field, "must be a mapping with 'en' and 'zh' texts")
        return {}
    result = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            err.add(f"{field}.{lang}", "is missing or empty")
        else:
            result[lang] = text.strip()
    return result
