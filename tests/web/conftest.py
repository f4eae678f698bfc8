"""Fixtures shared by the web tests."""

from __future__ import annotations

import pytest

from training.services import curriculum_cache


@pytest.fixture
def kept(app, monkeypatch):
    """The curriculum cache on, as served, with a clock the test moves (`kept[0] += 6` ends the
    cache's window, so the worker looks at the content revision again)."""
    clock = [1000.0]
    monkeypatch.setattr(curriculum_cache.time, "monotonic", lambda: clock[0])
    monkeypatch.setitem(app.extensions, curriculum_cache.EXTENSION, curriculum_cache.CurriculumCache(5))
    return clock
