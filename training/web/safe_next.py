"""Redirect targets taken from the request stay within this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a path on this site (no scheme, no host, no backslash tricks)."""
    if not target:
        return default
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
