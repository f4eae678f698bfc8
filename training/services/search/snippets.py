"""Highlighted snippets: a short window of a document's plain text around the first match, HTML
escaped, with every match wrapped in <mark>. Never the content's own HTML."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from training.services.search.text import Term, is_han

WIDTH = {"en": 200, "zh": 90}  # characters around a match
# The index keeps a document's blocks apart with a space; after Chinese full-width punctuation
# a space reads as a gap (“……城市。 武汉……”), so a Chinese snippet drops it.
_GAP_AFTER_FULL_WIDTH = re.compile(r"(?<=[。！？；：，、）」』”…])[ \t]+")


def _token_pattern(token: str) -> str:
    if is_han(token):
        return re.escape(token)
    # a stemmed word matches its forms: bond → bonds, city → cities
    base = token[:-1] if token.endswith(("y", "e")) and len(token) > 3 else token
    return rf"(?<![^\W_]){re.escape(base)}[^\W_]*"


def term_pattern(terms: list[Term]) -> re.Pattern | None:
    """One regular expression matching any of the terms in plain text (case-insensitive; the
    tokens of a phrase separated by anything that is not a letter or digit)."""
    parts = [r"[\W_]{0,3}".join(_token_pattern(t) for t in term.tokens) for term in terms if term.tokens]
    if not parts:
        return None
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


def make_snippet(text: str, pattern: re.Pattern | None, lang: str) -> Markup:
    width = WIDTH.get(lang, 200)
    if lang == "zh":
        text = _GAP_AFTER_FULL_WIDTH.sub("", text)
    first = pattern.search(text) if pattern else None
    start = 0
    if first:
        start = max(0, first.start() - width // 3)
        if lang != "zh" and start:
            space = text.find(" ", start, first.start())
            start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    if lang != "zh" and end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space != -1 else end
    window = text[start:end]
    out = [Markup("…") if start else Markup("")]
    pos = 0
    for m in pattern.finditer(window) if pattern else ():
        out.append(escape(window[pos : m.start()]))
        out.append(Markup("<mark>%s</mark>") % window[m.start() : m.end()])
        pos = m.end()
    out.append(escape(window[pos:]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


def has_match(text: str, pattern: re.Pattern | None) -> bool:
    return bool(pattern and text and pattern.search(text))
