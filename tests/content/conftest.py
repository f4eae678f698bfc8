from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[2]


def copy_content(target: Path) -> Path:
    """Copy the real curriculum (modules, quizzes, library) into `target`."""
    for folder in ("modules", "quizzes", "library"):
        shutil.copytree(REAL / folder, target / folder)
    return target


def sync_revised(target: Path, relative: str, old: str, new: str) -> None:
    """Copy the real curriculum into `target`, replace `old` by `new` in one of its files and
    sync it into the database, as an editor's commit followed by `flask content sync` would."""
    from training.content import load_curriculum
    from training.services.content_sync import sync_curriculum

    copy_content(target)
    path = target / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{relative}: {old!r} not found"
    path.write_text(text.replace(old, new), encoding="utf-8")
    sync_curriculum(load_curriculum(target))


@pytest.fixture
def content_root(tmp_path) -> Path:
    """A copy of the real curriculum in a temporary folder, to break on purpose."""
    return copy_content(tmp_path)
