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


class Titled:
    """`title(locale)` for anything with `title_en` and `title_zh` (a model or a frozen copy)."""

    def title(self, locale: str) -> str:
        return pick(self.title_en, self.title_zh, locale)  # type: ignore[attr-defined]


class TitledText(Titled):
    """`title`, `html` and `is_fallback` for anything with titles and `html_en`/`html_zh`."""

    def html(self, locale: str) -> str:
        return pick(self.html_en, self.html_zh, locale)  # type: ignore[attr-defined]

    def is_fallback(self, locale: str) -> bool:
        return is_fallback(self.html_en, self.html_zh, locale)  # type: ignore[attr-defined]


class Summarised:
    """`summary(locale)` for anything with `summary_en` and `summary_zh`."""

    def summary(self, locale: str) -> str:
        return pick(self.summary_en, self.summary_zh, locale)  # type: ignore[attr-defined]


class ModuleText(Titled, Summarised):
    """`title`, `summary` and `objectives_in` of a module (the model or its frozen copy)."""

    def objectives_in(self, locale: str) -> list[str]:
        other = "en" if locale == "zh" else "zh"
        objectives = self.objectives  # type: ignore[attr-defined]
        return list(objectives.get(locale) or objectives.get(other) or [])
