"""People in the order a reader expects. In Chinese, names sort by their pinyin, as a Chinese
list of participants does (陈静, 李明, 王芳, 张伟), not by code point (刘洋 before 张伟 before
李明); names in Latin letters fall in among them by their letters. In English, by the name,
whatever the case.

pypinyin reads each character; a surname read otherwise than the character's first reading
(曾 is Zēng, not céng; 单 is Shàn) is read as a surname when it opens the name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

T = TypeVar("T")

# Surnames whose common reading is not the character's first (pypinyin reads it as a word).
SURNAMES = {
    "曾": "zeng1",
    "单": "shan4",
    "解": "xie4",
    "仇": "qiu2",
    "区": "ou1",
    "朴": "piao2",
    "查": "zha1",
    "盖": "ge3",
    "乐": "yue4",
    "尉": "yu4",
    "覃": "qin2",
    "翟": "zhai2",
    "缪": "miao4",
    "任": "ren2",
    "华": "hua4",
    "召": "shao4",
    "秘": "bi4",
    "繁": "po2",
    "长": "chang2",
}


@cache
def _reader() -> Callable[[str], list[str]]:
    """pypinyin, loaded at the first Chinese list: without its phrase dictionary (names are not
    phrases; it would cost each worker some 40 MB)."""
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    from pypinyin import Style, lazy_pinyin

    return lambda text: lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)


def name_key(name: str, locale: str) -> tuple:
    """A sort key for a person's name. Chinese: syllables with their tone number ("zhang1"),
    so that 李 (li3) comes before 刘 (liu2) and mā before mǎ; ties by the name itself."""
    name = (name or "").strip()
    if locale != "zh":
        return (name.casefold(), name)
    syllables = _reader()(name)
    if name[:1] in SURNAMES and syllables:
        syllables[0] = SURNAMES[name[0]]
    return (tuple(s.strip().casefold() for s in syllables if s.strip()), name)


def sort_by_name(items: Iterable[T], locale: str, name: Callable[[T], str] = lambda u: u.name) -> list[T]:
    """`items` (users, or rows holding one: pass `name`) in the reader's order of names."""
    return sorted(items, key=lambda item: name_key(name(item), locale))
