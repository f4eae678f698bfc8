"""Markdown to HTML, rendered once at sync and sanitised with bleach (an allowlist)."""

from __future__ import annotations

import re

import bleach
import markdown
from bleach.linkifier import Linker

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


def _strip_foreign_images(html: str) -> str:
    """Remove <img> whose src is not one of our own static files."""
    cleaner = bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes={**ALLOWED_ATTRIBUTES, "img": _img_attribute},
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return cleaner.clean(html)


def _img_attribute(tag: str, name: str, value: str) -> bool:
    if name == "src":
        return value.startswith(OWN_IMAGE_PREFIX) and ".." not in value
    return name in ("alt", "title")


def sanitise_html(html: str) -> str:
    """Allowlist sanitising plus rel="noopener" on links; used for every stored or shown HTML."""
    cleaned = _strip_foreign_images(html)
    cleaned = cleaned.replace("<img>", "").replace('<img alt="">', "")
    return Linker(callbacks=[_link_rel], parse_email=False, skip_tags={"pre", "code"}).linkify(cleaned)


GLOSSARY_LINK_RE = re.compile(r"\]\(glossary:([a-z0-9]+(?:-[a-z0-9]+)*)\)")
GLOSSARY_URL = "/learn/glossary/#"


def glossary_refs(text: str) -> list[str]:
    """Glossary ids linked from Markdown as [term](glossary:id)."""
    return GLOSSARY_LINK_RE.findall(text)


def render_markdown(text: str) -> str:
    """Markdown (tables, fenced code) to sanitised HTML. Raw HTML in the source is dropped;
    [term](glossary:id) links become links to the glossary entry."""
    text = GLOSSARY_LINK_RE.sub(lambda m: f"]({GLOSSARY_URL}{m.group(1)})", text)
    html = markdown.markdown(
        text,
        extensions=["tables", "fenced_code", "sane_lists"],
        output_format="html",
    )
    return sanitise_html(html)
