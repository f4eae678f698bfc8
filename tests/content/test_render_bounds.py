"""Markdown renders within a time and memory budget whatever the text (penetration test: 10,000
"[" took 13 s, lists nested 250 deep gave a 500). Each pathological text is as long as a Markdown
field allows. The budget is generous for a shared, loaded test machine: on an idle one each takes
well under a second (docs/bounded-input.md); the old renderer took over a minute on several."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from training.content.render import (
    MAX_MARKDOWN_CHARS,
    MAX_NESTING,
    MarkdownRefused,
    markdown_problem,
    render_markdown,
    render_markdown_strictly,
)

# CPU seconds of this thread, not wall time: other processes on a loaded machine do not count,
# and the bound is about the work a text costs (a quadratic renderer took a minute and more).
SECONDS = 3.0  # generous: measured 0.05–0.55 s each on the shared 2-core machine under load
PEAK_BYTES = 50 * 1024 * 1024


def fill(unit: str) -> str:
    """`unit` repeated up to the longest text a field takes."""
    return (unit * (MAX_MARKDOWN_CHARS // len(unit) + 1))[:MAX_MARKDOWN_CHARS]


def nested_list(depth: int, indent: str = "    ") -> str:
    return "".join(f"{indent * level}- level {level}\n" for level in range(depth))


PATHOLOGICAL = {
    "[": fill("["),
    "]": fill("]"),
    "[a": fill("[a"),
    "![": fill("!["),
    "[x](": fill("[x]("),
    "[x][": fill("[x]["),
    "*[": fill("*["),
    "*": fill("*"),
    "*a": fill("*a"),
    "_": fill("_"),
    "_a ": fill("_a "),
    "`": fill("`"),
    "`a": fill("`a"),
    ">": fill(">"),
    "> ": fill("> "),
    "<": fill("<"),
    "<a ": fill("<a "),
    "<!--": fill("<!--"),
    "&": fill("&"),
    "(": fill("("),
    "1. 1. 1.": fill("1. "),
    "- - -": fill("- "),
    "lists nested 250 deep": nested_list(250, "  ")[:MAX_MARKDOWN_CHARS],
    "lists nested 250 deep, 4 spaces": nested_list(250)[:MAX_MARKDOWN_CHARS],
    "quotes nested on lines": "".join("> " * level + "x\n\n" for level in range(60))[:MAX_MARKDOWN_CHARS],
    "emphasis nesting": fill("*a ")[: MAX_MARKDOWN_CHARS // 2] + fill("a* ")[: MAX_MARKDOWN_CHARS // 2],
    "a table of brackets": "|a|b|\n|-|-|\n" + fill("|[|[|\n")[: MAX_MARKDOWN_CHARS - 12],
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=list(PATHOLOGICAL))
def test_a_pathological_text_renders_within_budget(text):
    assert len(text) <= MAX_MARKDOWN_CHARS
    started = time.thread_time()
    html = render_markdown(text)
    elapsed = time.thread_time() - started
    assert isinstance(html, str) and html
    assert elapsed < SECONDS, f"{elapsed:.1f} s"


@pytest.mark.parametrize("name", ["[", ">", "*[", "lists nested 250 deep, 4 spaces", "emphasis nesting"])
def test_a_pathological_text_renders_within_a_memory_budget(name):
    tracemalloc.start()  # traced apart from the timing: tracing slows Python several times
    try:
        render_markdown(PATHOLOGICAL[name])
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES, f"{peak / 2**20:.0f} MB"


def test_lists_nested_deeper_than_the_limit_are_flattened_not_an_error():
    text = nested_list(90)  # as deep as 20,000 characters go with four spaces a level
    assert len(text) <= MAX_MARKDOWN_CHARS
    html = render_markdown(text)
    assert html.count("<ul>") == MAX_NESTING
    assert "level 89" in html


def test_a_marker_chain_stops_nesting_at_the_limit():
    html = render_markdown("1. " * 300 + "deep")
    assert html.count("<ol>") == MAX_NESTING and "deep" in html


def test_links_and_images_still_work_and_lone_brackets_show_as_written():
    html = render_markdown(
        "[a](https://example.org/) [b [c]](/learn/) ![m](/static/m.png) [x `[` y] and [lone ] ( (x"
    )
    assert '<a href="https://example.org/" rel="noopener nofollow">a</a>' in html
    assert '<a href="/learn/" rel="noopener">b [c]</a>' in html
    assert '<img alt="m" src="/static/m.png">' in html
    assert "[x <code>[</code> y] and [lone ] ( (x" in html


def test_code_keeps_its_brackets_and_tags():
    html = render_markdown("`a[b <c` and\n\n```\n[[ <x\n```\n")
    assert "<code>a[b &lt;c</code>" in html and "[[ &lt;x" in html


def test_an_unclosed_tag_shows_as_text():
    assert "&lt;a &lt;a" in render_markdown("<a <a <b>x")


def test_a_text_over_the_limits_is_refused_for_forms_and_shown_plain():
    long = "word " * (MAX_MARKDOWN_CHARS // 5 + 1)
    assert markdown_problem(long) == "too_long"
    assert markdown_problem("*fine*") is None
    assert render_markdown("**a** <b>\n\nb" + long).startswith("<p>**a** &lt;b&gt;</p>\n<p>b")


def test_rendering_stops_at_the_time_budget():
    with pytest.raises(MarkdownRefused) as refused:
        render_markdown_strictly("# A title\n\n[a](b) *c*", seconds=0)
    assert refused.value.code == "too_complex"
