"""Where UNDRR's official preliminary tool is found for tests: `../shared/reference/undrr/` next
to the repository (from its parent upwards, so a git worktree finds it too). It is UNDRR's work and
is never copied into the repository; tests that need it skip with the reason when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NAME = "preliminary-tool-v1.0-2017.xlsm"


def official_tool_path() -> Path | None:
    for parent in ROOT.parents:
        candidate = parent / "shared" / "reference" / "undrr" / NAME
        if candidate.is_file():
            return candidate
    return None


OFFICIAL_TOOL = official_tool_path()
needs_official_tool = pytest.mark.skipif(
    OFFICIAL_TOOL is None,
    reason=f"UNDRR's official tool ({NAME}) is not in ../shared/reference/undrr/ next to the repository",
)
