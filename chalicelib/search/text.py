"""Pure text helpers: split a query into English words and CJK runs, render highlights.

Chinese has no spaces, so a word tokenizer sees a whole sentence as one token; CJK runs
are therefore matched as substrings (trigrams in SQLite, smartcn/ICU words in OpenSearch)
while Latin-script words are matched as stemmed words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.search.index import MARK_CLOSE, MARK_OPEN

# Han (incl. extension A and compatibility), kana, Hangul, CJK punctuation excluded.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
CJK_RUN = re.compile(f"[{_CJK}]+")
WORD = re.compile(f"[^\\W_{_CJK}]+")

#: FTS5's trigram tokenizer needs three characters; shorter CJK runs use a substring scan.
TRIGRAM = 3


@dataclass(frozen=True)
class QueryTerms:
    words: tuple[str, ...]
    cjk: tuple[str, ...]

    @property
    def long_cjk(self) -> tuple[str, ...]:
        return tuple(t for t in self.cjk if len(t) >= TRIGRAM)

    @property
    def short_cjk(self) -> tuple[str, ...]:
        return tuple(t for t in self.cjk if len(t) < TRIGRAM)

    def __bool__(self) -> bool:
        return bool(self.words or self.cjk)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def parse_query(text: str) -> QueryTerms:
    """Every term must match (AND); punctuation and query syntax are dropped."""
    cjk = CJK_RUN.findall(text)
    words = [w.lower() for w in WORD.findall(CJK_RUN.sub(" ", text))]
    return QueryTerms(words=_unique(words), cjk=_unique(cjk))


def find_spans(text: str, needle: str) -> list[tuple[int, int]]:
    """Case-insensitive occurrences of ``needle`` (for terms no FTS index can mark)."""
    spans, haystack, needle = [], text.lower(), needle.lower()
    start = haystack.find(needle)
    while needle and start >= 0:
        spans.append((start, start + len(needle)))
        start = haystack.find(needle, start + len(needle))
    return spans


def spans_from_marked(marked: str, open_mark: str, close_mark: str) -> list[tuple[int, int]]:
    """Spans of the unmarked text that an engine wrapped in ``open_mark``/``close_mark``."""
    spans: list[tuple[int, int]] = []
    position, plain_length, start = 0, 0, None
    while position < len(marked):
        if marked.startswith(open_mark, position):
            start, position = plain_length, position + len(open_mark)
        elif marked.startswith(close_mark, position):
            if start is not None:
                spans.append((start, plain_length))
            start, position = None, position + len(close_mark)
        else:
            plain_length, position = plain_length + 1, position + 1
    return spans


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def render_highlight(
    text: str, spans: Iterable[tuple[int, int]], fragment_size: int | None = None
) -> str | None:
    """HTML-escaped ``text`` with the spans wrapped in ``<mark>``; ``None`` if nothing is
    marked. With ``fragment_size`` only a window around the first mark is kept."""
    merged = merge_spans(spans)
    if not merged:
        return None
    begin, end = 0, len(text)
    if fragment_size is not None and len(text) > fragment_size:
        begin = max(0, min(merged[0][0] - fragment_size // 5, len(text) - fragment_size))
        end = begin + fragment_size
    out = ["…"] if begin > 0 else []
    cursor = begin
    for start, stop in merged:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        out += [html.escape(text[cursor:start]), MARK_OPEN, html.escape(text[start:stop])]
        out.append(MARK_CLOSE)
        cursor = stop
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)
