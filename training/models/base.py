"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Callable default: evaluated per row, never once at import."""
    return datetime.now(UTC).replace(tzinfo=None)


def pick(en: str | None, zh: str | None, locale: str) -> str:
    """The text in `locale`, or the other language when that one is empty."""
    if locale == "zh":
        return zh or en or ""
    return en or zh or ""


def is_fallback(en: str | None, zh: str | None, locale: str) -> bool:
    """True when the text in `locale` is missing and the other language is shown instead."""
    wanted = zh if locale == "zh" else en
    other = en if locale == "zh" else zh
    return not wanted and bool(other)
