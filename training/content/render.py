"""Markdown to HTML, rendered once at sync and sanitised with bleach (an allowlist).

Rendering is bounded (docs/bounded-input.md): Python-Markdown scans from every "[" (and every "("
after a link's "]") to the end of the paragraph, which makes runs of them quadratic, and it
recurses once per level of nested lists and quotes. So, before rendering, list and quote markers
nested deeper than MAX_NESTING are escaped (they show as text) and indentation is cut to that
depth; square brackets and parentheses without a partner, or nested deeper than MAX_BRACKET_DEPTH,
are escaped (a backslash: they show as they are written, but start no link). Texts longer than
MAX_MARKDOWN_CHARS are not rendered, and rendering stops past RENDER_SECONDS of the thread's CPU
time (not wall time, so a busy machine does not refuse a sound text): then the text is
shown as plain paragraphs (`render_markdown`), and forms refuse it (`markdown_problem`).
"""

from __future__ import annotations

import html as html_lib
import re
import time
from collections.abc import Callable
from functools import partial
from xml.etree.ElementTree import Element

import bleach
import markdown
from bleach.linkifier import URL_RE, LinkifyFilter
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

MAX_MARKDOWN_CHARS = 20_000  # the longest case study is ~6,300 characters, a lesson ~10,200
MAX_NESTING = 20  # levels of lists and block quotes
MAX_BRACKET_DEPTH = 3  # [a [b [c]]] — links inside images inside links at most
RENDER_SECONDS = 2.0  # the pathological texts of the tests render in well under a second

ALLOWED_TAGS = frozenset(
    {
        "h2", "h3", "h4", "h5", "h6", "p", "br", "hr",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "thead", "tbody", "tr", "th", "td",
        "strong", "em", "b", "i", "code", "pre", "blockquote", "sup", "sub",
        "a", "img", "abbr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "img": ["src", "alt", "title"],
    "abbr": ["title"],
    "th": ["align"],
    "td": ["align"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
OWN_IMAGE_PREFIX = "/static/"


def _link_rel(attrs: dict, new: bool = False) -> dict | None:
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if href.startswith(("http://", "https://")):
        attrs[(None, "rel")] = "noopener nofollow"
    else:
        attrs[(None, "rel")] = "noopener"
    return attrs


def _bounded_url_re() -> re.Pattern:
    r"""bleach's URL pattern starts with `\(*` (any opening parentheses), which makes linkifying
    a run of n "(" take n² steps (20,000 took 5 s). At most three here: the same links."""
    first, rest = URL_RE.pattern.split("\n", 1)
    assert first.lstrip().startswith("\\(*"), "bleach's URL pattern changed"
    return re.compile("\\({0,3}\n" + rest, URL_RE.flags)


LINK_URL_RE = _bounded_url_re()


def _cleaner() -> bleach.Cleaner:
    """One pass of html5lib: the allowlist, foreign images out, then links get rel= (linkify in
    the same pass, as bleach's documentation shows, rather than parsing the HTML twice)."""
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes={**ALLOWED_ATTRIBUTES, "img": _img_attribute},
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[
            partial(
                LinkifyFilter,
                callbacks=[_link_rel],
                parse_email=False,
                skip_tags={"pre", "code"},
                url_re=LINK_URL_RE,
            )
        ],
    )


def _img_attribute(tag: str, name: str, value: str) -> bool:
    if name == "src":
        return value.startswith(OWN_IMAGE_PREFIX) and ".." not in value
    return name in ("alt", "title")


def sanitise_html(html: str) -> str:
    """Allowlist sanitising plus rel="noopener" on links; used for every stored or shown HTML."""
    cleaned = _cleaner().clean(html)
    return cleaned.replace("<img>", "").replace('<img alt="">', "")


GLOSSARY_LINK_RE = re.compile(r"\]\(glossary:([a-z0-9]+(?:-[a-z0-9]+)*)\)")
GLOSSARY_URL = "/learn/glossary/#"


def glossary_refs(text: str) -> list[str]:
    """Glossary ids linked from Markdown as [term](glossary:id)."""
    return GLOSSARY_LINK_RE.findall(text)


MARKDOWN_REFUSED = {  # for content files' error lists (forms have their own translated messages)
    "too_long": f"is longer than {MAX_MARKDOWN_CHARS} characters: split it",
    "too_complex": "takes too long to render: simplify its formatting (brackets, lists, quotes)",
}


class MarkdownRefused(ValueError):
    """code: too_long | too_complex"""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def render_markdown(text: str) -> str:
    """Markdown (tables, fenced code) to sanitised HTML. Raw HTML in the source is dropped;
    [term](glossary:id) links become links to the glossary entry. A text over the limits is shown
    as plain paragraphs instead (forms refuse it before: `markdown_problem`)."""
    try:
        return render_markdown_strictly(text)
    except MarkdownRefused:
        return plain_paragraphs(text)


def markdown_problem(text: str) -> str | None:
    """Why a text would not be rendered as Markdown ("too_long", "too_complex"), or None."""
    try:
        render_markdown_strictly(text)
    except MarkdownRefused as refused:
        return refused.code
    return None


def render_markdown_strictly(text: str, seconds: float = RENDER_SECONDS) -> str:
    """render_markdown, raising MarkdownRefused over the length or the time budget."""
    if len(text) > MAX_MARKDOWN_CHARS:
        raise MarkdownRefused("too_long")
    deadline = time.thread_time() + seconds
    text = GLOSSARY_LINK_RE.sub(lambda m: f"]({GLOSSARY_URL}{m.group(1)})", text)
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    md.treeprocessors.register(BalancedBrackets(md), "balanced_brackets", 25)  # before "inline" (20)
    md.preprocessors.register(UnclosedTags(md), "unclosed_tags", 22)  # after fenced code, before html
    _give_deadline(md, deadline)
    try:
        html = md.convert(flatten_nesting(text))
    except RecursionError:
        raise MarkdownRefused("too_complex") from None
    _check(deadline)
    return sanitise_html(html)


def plain_paragraphs(text: str) -> str:
    """The text as escaped paragraphs: what a text over the limits shows (linear, never fails)."""
    paragraphs = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").strip())
    return "\n".join(
        "<p>" + html_lib.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p.strip()
    )


# --- the time budget ------------------------------------------------------------------------


def _check(deadline: float) -> None:
    if time.thread_time() > deadline:
        raise MarkdownRefused("too_complex")


def _checked(method, deadline: float):
    def call(*args, **kwargs):
        _check(deadline)
        return method(*args, **kwargs)

    return call


def _give_deadline(md: markdown.Markdown, deadline: float) -> None:
    """Every inline pattern match and every block processor step first checks the deadline:
    the work between two checks is at most one scan of a paragraph."""
    for pattern in md.inlinePatterns:
        pattern.handleMatch = _checked(pattern.handleMatch, deadline)
    for processor in md.parser.blockprocessors:
        processor.test = _checked(processor.test, deadline)
        processor.run = _checked(processor.run, deadline)


# --- nesting --------------------------------------------------------------------------------

_MARKERS_RE = re.compile(r"^([ \t]*)((?:(?:[*+-]|\d{1,9}[.)])[ \t]+|>[ \t]?)+)", re.MULTILINE)
_MARKER_RE = re.compile(r"([*+-]|\d{1,9}[.)]|>)([ \t]*)")


def flatten_nesting(text: str) -> str:
    """Lines indented deeper than MAX_NESTING levels are cut to that depth, and the first list
    or quote marker past that depth on a line is escaped: from there on the line is text."""

    def line(match: re.Match) -> str:
        indent = match.group(1).expandtabs(4)
        levels = min(len(indent) // 4, MAX_NESTING)
        indent = indent[: MAX_NESTING * 4]
        markers = _MARKER_RE.findall(match.group(2))
        if levels + len(markers) <= MAX_NESTING:
            return indent + match.group(2)
        kept = max(MAX_NESTING - levels, 0)
        out = "".join(m + space for m, space in markers[:kept])
        first, space = markers[kept]  # the rest of the line is text from there
        return indent + out + _escape_marker(first) + space + "".join(m + sp for m, sp in markers[kept + 1 :])

    return _MARKERS_RE.sub(line, text)


def _escape_marker(marker: str) -> str:
    return marker[:-1] + "\\" + marker[-1] if marker[-1] in ".)" else "\\" + marker


# --- unclosed tags -------------------------------------------------------------------------

_TAG_START_RE = re.compile(r"<(?=[A-Za-z/!?])")
_ANGLE_RE = re.compile(r"[<>]")


class UnclosedTags(Preprocessor):
    """A "<" that starts a tag whose ">" comes only after another "<" (or never) becomes "&lt;":
    the HTML parser behind raw HTML blocks rescans the rest of the text from each of them
    (quadratic). Runs after fenced code blocks are set aside."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if text.count("<") < 2:
            return lines
        return close_or_escape_tags(text).split("\n")


def close_or_escape_tags(text: str) -> str:
    marks = [m.start() for m in _ANGLE_RE.finditer(text)]
    escape = [
        at
        for i, at in enumerate(marks)
        if text[at] == "<"
        and _TAG_START_RE.match(text, at)
        and (i + 1 == len(marks) or text[marks[i + 1]] != ">")
    ]
    if not escape:
        return text
    pieces, start = [], 0
    for at in escape:
        pieces += [text[start:at], "&lt;"]
        start = at + 1
    pieces.append(text[start:])
    return "".join(pieces)


# --- brackets -------------------------------------------------------------------------------


class BalancedBrackets(Treeprocessor):
    """Before the inline patterns run: in every text they will see, "[", "]", "(" and ")"
    without a partner or nested deeper than MAX_BRACKET_DEPTH are set aside as literal text,
    outside code spans. Linear in the length of the text."""

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag in ("pre", "code"):
                continue
            if element.text and not isinstance(element.text, AtomicString):
                element.text = balance_brackets(element.text, self.md.htmlStash.store)
            if element.tail and not isinstance(element.tail, AtomicString):
                element.tail = balance_brackets(element.tail, self.md.htmlStash.store)


_BACKTICKS_RE = re.compile(r"`+")
_SPECIAL_RE = re.compile(r"\\.|[\[\]()]", re.DOTALL)
_PAIRS = {"]": "[", ")": "("}


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Where the code spans are: a run of n backticks up to the next run of exactly n."""
    runs = [
        (m.start(), m.end()) for m in _BACKTICKS_RE.finditer(text) if text[m.start() - 1 : m.start()] != "\\"
    ]
    following: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        following[index] = last.get(length)
        last[length] = index
    spans, index = [], 0
    while index < len(runs):
        closing = following[index]
        if closing is None:
            index += 1
            continue
        spans.append((runs[index][0], runs[closing][1]))
        index = closing + 1
    return spans


def balance_brackets(text: str, set_aside: Callable[[str], str] | None = None) -> str:
    """The text with its lone or too deep brackets made literal: each run of them is handed to
    `set_aside` (which returns a placeholder: Markdown's raw-HTML stash, put back after the inline
    patterns, so thousands of them cost no inline match each), or else backslash-escaped."""
    if not any(c in text for c in "[]()"):
        return text
    spans = _code_spans(text) if "`" in text else []
    escape: set[int] = set()
    stacks: dict[str, list[int]] = {"[": [], "(": []}
    span = 0
    for match in _SPECIAL_RE.finditer(text):
        at = match.start()
        while span < len(spans) and spans[span][1] <= at:
            span += 1
        if (span < len(spans) and spans[span][0] <= at) or len(match.group()) > 1:
            continue  # in a code span, or already escaped
        char = match.group()
        if char in stacks:
            stacks[char].append(at)
            continue
        stack = stacks[_PAIRS[char]]
        if not stack:
            escape.add(at)
            continue
        opening = stack.pop()
        if len(stack) >= MAX_BRACKET_DEPTH:
            escape.update((opening, at))
    for stack in stacks.values():
        escape.update(stack)
    if not escape:
        return text
    pieces, start = [], 0
    for first, last in _runs(sorted(escape)):
        run = text[first : last + 1]
        pieces += [text[start:first], set_aside(run) if set_aside else "\\" + "\\".join(run)]
        start = last + 1
    pieces.append(text[start:])
    return "".join(pieces)


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Consecutive positions as (first, last) pairs."""
    runs: list[tuple[int, int]] = []
    for at in positions:
        if runs and runs[-1][1] == at - 1:
            runs[-1] = (runs[-1][0], at)
        else:
            runs.append((at, at))
    return runs
