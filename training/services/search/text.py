"""How text becomes search tokens — the same for documents and queries, on SQLite and PostgreSQL.

Chinese is written without spaces, so a run of Chinese characters is indexed as its overlapping
character pairs (bigrams), plus its last character alone: 建设韧性城市 gives 建设 设韧 韧性 性城
城市 市. A Chinese query word is found when all its pairs are in a document (韧性 → 韧性;
海绵城市 → 海绵 绵城 城市), wherever it stands in a sentence; a single character matches every
token that starts with it. Other text is split into words, lower-cased (NFKC, so full-width
letters and digits become ordinary ones) and lightly stemmed (plural endings only), so
"green bond" finds "green bonds" and "cities" finds "city"."""

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


def index_tokens(token_list: list[str]) -> list[str]:
    """The tokens a document is indexed under: words as they are; each run of Chinese
    characters as its pairs and its last character (so that every character starts a token)."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        out.extend(a + b for a, b in zip(run, run[1:], strict=False))
        if run:
            out.append(run[-1])
        run.clear()

    for token in token_list:
        if is_han(token):
            run.append(token)
        else:
            flush()
            out.append(token[:64])
    flush()
    return out


@dataclass(frozen=True)
class Term:
    """One term of a query: the tokens (words and Chinese characters) of a word or phrase."""

    tokens: tuple[str, ...]

    @property
    def lookups(self) -> list[tuple[str, bool]]:
        """What the index must hold for this term, all of it: (token, is_prefix) pairs. A run of
        Chinese characters needs its pairs; a lone character, any token starting with it."""
        out: list[tuple[str, bool]] = []
        run: list[str] = []

        def flush() -> None:
            if len(run) == 1:
                out.append((run[0], True))
            out.extend((a + b, False) for a, b in zip(run, run[1:], strict=False))
            run.clear()

        for token in self.tokens:
            if is_han(token):
                run.append(token)
            else:
                flush()
                out.append((token[:64], False))
        flush()
        return list(dict.fromkeys(out))


def parse_query(query: str) -> list[Term]:
    """The terms of a query: words separated by spaces, or "a quoted phrase" (its words are all
    required); a run of Chinese characters is one term. Stop words are dropped when other terms
    remain."""
    query = (query or "")[:MAX_QUERY_LENGTH]
    terms: list[Term] = []
    for quoted, word in _QUERY_PART_RE.findall(query):
        found = tuple(tokens(quoted or word))
        if found and Term(found) not in terms:
            terms.append(Term(found))
    meaningful = [t for t in terms if not (len(t.tokens) == 1 and t.tokens[0] in _STOP_WORDS)]
    return (meaningful or terms)[:MAX_TERMS]
