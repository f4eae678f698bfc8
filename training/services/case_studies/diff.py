"""A readable difference between two versions of a case study: per field, the changed lines with a
little context (difflib), and inside a changed line the changed characters — which also works
for Chinese, where a paragraph is one long line without spaces."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from training.services.case_studies.data import FIELDS, clean_data

CONTEXT = 2  # unchanged lines shown around a change
MAX_INLINE = 4000  # longer lines are compared whole, not character by character
MIN_SIMILARITY = 0.5


@dataclass
class DiffLine:
    kind: str  # same | add | del | skip
    segments: list[tuple[bool, str]] = field(default_factory=list)  # (changed?, text)

    @property
    def text(self) -> str:
        return "".join(text for _changed, text in self.segments)


@dataclass
class FieldDiff:
    field: str
    lines: list[DiffLine]

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.kind == "add")

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.kind == "del")


def as_lines(key: str, value: Any) -> list[str]:
    """A field's value as the lines the difference is computed on."""
    if key == "sources":
        return [" — ".join(v for v in (s["title"], s["url"], s["accessed"]) if v) for s in value]
    if key in ("hazards", "topics", "essentials"):
        return [", ".join(str(v) for v in value)] if value else []
    if key == "cautionary":
        return ["yes" if value else "no"]
    return str(value or "").splitlines()


def _inline(old: str, new: str) -> tuple[DiffLine, DiffLine]:
    if len(old) + len(new) > MAX_INLINE:
        return DiffLine("del", [(True, old)]), DiffLine("add", [(True, new)])
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if matcher.ratio() < MIN_SIMILARITY:  # mostly rewritten: marking scattered letters helps nobody
        return DiffLine("del", [(True, old)]), DiffLine("add", [(True, new)])
    removed, added = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            removed.append((False, old[i1:i2]))
            added.append((False, new[j1:j2]))
            continue
        if i2 > i1:
            removed.append((True, old[i1:i2]))
        if j2 > j1:
            added.append((True, new[j1:j2]))
    return DiffLine("del", removed), DiffLine("add", added)


def diff_lines(old: list[str], new: list[str]) -> list[DiffLine]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    lines: list[DiffLine] = []
    for g, group in enumerate(matcher.get_grouped_opcodes(CONTEXT)):
        if g or (group and group[0][1] > 0):
            lines.append(DiffLine("skip"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("same", [(False, text)]) for text in old[i1:i2]]
            elif tag == "replace" and i2 - i1 == j2 - j1:
                pairs = [_inline(a, b) for a, b in zip(old[i1:i2], new[j1:j2])]
                lines += [line for pair in pairs for line in pair]
            else:
                lines += [DiffLine("del", [(True, text)]) for text in old[i1:i2]]
                lines += [DiffLine("add", [(True, text)]) for text in new[j1:j2]]
    return lines


def diff_data(old: dict[str, Any], new: dict[str, Any]) -> list[FieldDiff]:
    """The fields that differ between two versions, in form order."""
    old, new = clean_data(old), clean_data(new)
    return [
        FieldDiff(key, diff_lines(as_lines(key, old[key]), as_lines(key, new[key])))
        for key in FIELDS
        if old[key] != new[key]
    ]
