"""The text of the real content, line by line and string by string, for the tests that look for
wrong facts, wrong terms and stray spaces: lessons and module files (modules/), case studies and the
glossary (library/), quizzes and the scorecard (quizzes/), and the Chinese interface catalog."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

CATALOG = Path("training/translations/zh/LC_MESSAGES/messages.po")


def content_files(root: Path) -> list[Path]:
    files = [
        *sorted(root.glob("modules/*/*.md")),
        *sorted(root.glob("modules/*/module.yaml")),
        *sorted(root.glob("library/case-studies/*.md")),
        root / "library" / "glossary.yaml",
        *sorted(root.glob("quizzes/*.yaml")),
        *sorted(root.glob("quizzes/scorecard/*.yaml")),
    ]
    return [f for f in files if f.exists()]


def lines(root: Path) -> Iterator[tuple[str, int, str]]:
    """(file, line number, line) for every content file, then msgstr lines of the zh catalog."""
    for path in content_files(root):
        rel = str(path.relative_to(root))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            yield rel, number, line
    catalog = root / CATALOG
    if catalog.exists():
        in_msgstr = False
        for number, line in enumerate(catalog.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith("msgstr"):
                in_msgstr = True
            elif not line.startswith('"'):
                in_msgstr = False
            if in_msgstr:
                yield str(CATALOG), number, line


def _zh_values(data, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "zh" and isinstance(value, str):
                yield f"{where}.zh", value
            else:
                yield from _zh_values(value, f"{where}.{key}" if where else str(key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            label = item.get("id") if isinstance(item, dict) else None
            yield from _zh_values(item, f"{where}[{i}]" + (f" ({label})" if label else ""))


def zh_texts(root: Path) -> Iterator[tuple[str, str, str]]:
    """(file, where, Chinese text) as a reader sees it: each body line of a *.zh.md file, each
    Chinese string of a YAML file after loading (so folded lines count as joined), each msgstr."""
    for path in content_files(root):
        rel = str(path.relative_to(root))
        text = path.read_text(encoding="utf-8")
        if path.name.endswith(".zh.md"):
            for number, line in enumerate(text.splitlines(), start=1):
                yield rel, f"line {number}", line
            meta = re.match(r"\A---\n(.*?)\n---\n", text, re.DOTALL)
            if meta:
                for key, value in (yaml.safe_load(meta.group(1)) or {}).items():
                    if isinstance(value, str):
                        yield rel, f"front matter {key}", value
        elif path.suffix == ".yaml":
            for where, value in _zh_values(yaml.safe_load(text), ""):
                yield rel, where, value
    catalog = root / CATALOG
    if catalog.exists():
        with catalog.open("rb") as handle:
            for message in read_po(handle):
                strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
                for string in strings:
                    if string:
                        yield str(CATALOG), f"msgid {str(message.id)[:40]!r}", string
