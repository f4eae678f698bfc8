from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[2]


@pytest.fixture
def content_root(tmp_path) -> Path:
    """A copy of the real curriculum in a temporary folder, to break on purpose."""
    shutil.copytree(REAL / "modules", tmp_path / "modules")
    shutil.copytree(REAL / "quizzes", tmp_path / "quizzes")
    if (REAL / "library").exists():
        shutil.copytree(REAL / "library", tmp_path / "library")
    return tmp_path
