"""How text becomes search tokens — the same on SQLite and PostgreSQL, for documents and queries.

Chinese is written without spaces, so each Chinese character is its own token and a Chinese word
is searched as a phrase of adjacent characters: 韧性 is the phrase "韧 性", found inside
建设韧性城市 and never across a gap. Other text is split into words, lower-cased (NFKC, so
full-width letters and digits become ordinary ones) and lightly stemmed (plural endings only),
so "green bond" finds "green bonds" and "cities" finds "city". The databases receive the tokens
joined by single spaces and split them again on spaces only (FTS5 unicode61, PostgreSQL's
'simple' configuration), so both index exactly these tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass

from training.models.library import normalise_search_text

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_TOKEN_RE = re.compile(rf"[{_HAN}]|[^\W_{_HAN}]+")
_HAN_RE = re.compile(rf"[{_HAN}]")
_QUERY_PART_RE = re.compile(r'"([^"]*)"|(\S+)')

MAX_QUERY_LENGTH = 200  # characters; the form refuses longer ones, the service cuts them
MAX_TERMS = 8
# Words that say nothing in a query of several words ("what is resilience").
_STOP_WORDS = frozenset(
    ("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "in", "is", "it", "of", "on")
    + ("or", "that", "the", "to", "what", "when", "where", "which", "who", "why", "with")
)


def stem(word: str) -> str:
    """Plural endings only (Harman's S-stemmer): bonds → bond, cities → city, floods → flood."""
    if len(word) > 3 and word.isascii() and word.isalpha():
        if word.endswith("ies") and not word.endswith(("eies", "aies")):
            return word[:-3] + "y"
        if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
            return word[:-1]
        if word.endswith("s") and not word.endswith(("us", "ss")):
            return word[:-1]
    return word


def is_han(token: str) -> bool:
    return bool(_HAN_RE.fullmatch(token))


def tokens(text: str) -> list[str]:
    return [stem(t) for t in _TOKEN_RE.findall(normalise_search_text(text))]


def token_text(*texts: str) -> str:
    """What the index stores: the tokens of every text, separated by single spaces."""
    return " ".join(" ".join(tokens(t)) for t in texts if t).strip()


@dataclass(frozen=True)
class Term:
    """One term of a query: a phrase of tokens that must occur next to each other."""

    tokens: tuple[str, ...]

    @property
    def phrase(self) -> str:
        return " ".join(self.tokens)


def parse_query(query: str) -> list[Term]:
    """The terms of a query: words separated by spaces, or "a quoted phrase"; a Chinese run of
    characters is one term (a phrase). Stop words are dropped when other terms remain."""
    query = (query or "")[:MAX_QUERY_LENGTH]
    terms: list[Term] = []
    for quoted, word in _QUERY_PART_RE.findall(query):
        found = tuple(tokens(quoted or word))
        if found and Term(found) not in terms:
            terms.append(Term(found))
    meaningful = [t for t in terms if not (len(t.tokens) == 1 and t.tokens[0] in _STOP_WORDS)]
    return (meaningful or terms)[:MAX_TERMS]
