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


@pytest.fixture
def content_root(tmp_path) -> Path:
    """A copy of the real curriculum in a temporary folder, to break on purpose."""
    return copy_content(tmp_path)
