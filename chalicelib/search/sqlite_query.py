"""How a ``SearchQuery`` becomes SQL over the FTS5 tables, and how hits get highlights.

Split from the adapter so the SQL a query turns into can be read in one place.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from chalicelib.search.index import SearchQuery
from chalicelib.search.text import (
    QueryTerms,
    find_spans,
    render_highlight,
    spans_from_marked,
)

TEXT_COLUMNS = ("title", "original_title", "people", "synopsis")
#: bm25 weights per column of TEXT_COLUMNS: a title match outranks a synopsis match.
WEIGHTS = "10.0, 6.0, 3.0, 1.0"
HIGHLIGHTED = {"title": None, "original_title": None, "synopsis": 160}  # column -> fragment size
# Private-use characters as FTS5 highlight markers: they cannot clash with HTML in the text.
_OPEN, _CLOSE = "\ue000", "\ue001"

ORDER_BY = {
    "relevance": "score DESC, m.want_count DESC, m.release_date IS NULL, m.release_date DESC",
    "-release_date": "m.release_date IS NULL, m.release_date DESC",
    "release_date": "m.release_date IS NULL, m.release_date ASC",
    "-rating": "m.rating IS NULL, m.rating DESC, m.rating_count DESC",
}


def phrase(term: str) -> str:
    """An FTS5 string literal: the user's text can never become query syntax."""
    clean = term.replace(_OPEN, "").replace(_CLOSE, "")
    return '"' + clean.replace('"', '""') + '"'


def clean_text(text: str) -> str:
    """Indexed text never holds the highlight markers, so every marker is ours."""
    return text.replace(_OPEN, "").replace(_CLOSE, "")


def match_sql(query: SearchQuery, terms: QueryTerms) -> tuple[str, list[Any]]:
    """SQL selecting ``rid, movie_id, score`` of every movie the query matches."""
    joins, where, scores = [], [], ["0.0"]
    params: list[Any] = []
    score_params: list[Any] = []  # the select list's, which come before the others
    if terms.words:
        joins.append(
            f"JOIN (SELECT rowid, bm25(movies_words, {WEIGHTS}) AS s FROM movies_words"
            " WHERE movies_words MATCH ?) AS w ON w.rowid = m.rowid"
        )
        params.append(" AND ".join(phrase(w) for w in terms.words))
        scores.append("-w.s")
    if terms.long_cjk:
        joins.append(
            f"JOIN (SELECT rowid, bm25(movies_trigrams, {WEIGHTS}) AS s FROM movies_trigrams"
            " WHERE movies_trigrams MATCH ?) AS t ON t.rowid = m.rowid"
        )
        params.append(" AND ".join(phrase(t) for t in terms.long_cjk))
        scores.append("-t.s")
    for short in terms.short_cjk:
        where.append("(" + " OR ".join(f"m.{c} LIKE ?" for c in TEXT_COLUMNS) + ")")
        params += [f"%{short}%"] * len(TEXT_COLUMNS)
    if terms.short_cjk and len(scores) == 1:
        # No bm25 to rank by: weigh the columns that hold the short terms instead.
        for short in terms.short_cjk:
            weighted = zip(TEXT_COLUMNS, WEIGHTS.split(", "), strict=True)
            scores += [f"(m.{c} LIKE ?) * {w}" for c, w in weighted]
            score_params += [f"%{short}%"] * len(TEXT_COLUMNS)
    if query.genre_ids is not None:
        where.append(
            "m.movie_id IN (SELECT movie_id FROM movie_genres"
            " WHERE genre_id IN (SELECT value FROM json_each(?)))"
        )
        params.append(json.dumps(sorted(query.genre_ids)))
    if query.movie_ids is not None:
        where.append("m.movie_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(query.movie_ids)))
    if query.year is not None:
        where.append("m.year = ?")
        params.append(query.year)
    if query.status is not None:
        status = query.status
        window = ["m.status_pinned IS NULL", "m.release_date IS NOT NULL"]
        bounds: list[Any] = []
        for bound, condition in (
            (status.released_from, "m.release_date >= ?"),
            (status.released_to, "m.release_date <= ?"),
            (status.last_day_from, "m.last_showing_day >= ?"),
            (status.last_day_to, "m.last_showing_day <= ?"),
        ):
            if bound:
                window.append(condition)
                bounds.append(bound)
        where.append(f"(m.status_pinned = ? OR ({' AND '.join(window)}))")
        params += [status.status, *bounds]
    sql = (
        f"SELECT m.rowid AS rid, m.movie_id AS movie_id, {' + '.join(scores)} AS score"
        f" FROM movies AS m {' '.join(joins)}"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql, score_params + params


def highlights(
    db: sqlite3.Connection, terms: QueryTerms, rows: list[sqlite3.Row]
) -> dict[str, dict[str, list[str]]]:
    """Marked title / original title / synopsis fragment of each hit, merging the spans
    the word table, the trigram table and the short-term scan each found."""
    if not terms or not rows:
        return {}
    movie_ids = json.dumps([row["movie_id"] for row in rows])
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for table, expression in (
        ("movies_words", " AND ".join(phrase(w) for w in terms.words)),
        ("movies_trigrams", " AND ".join(phrase(t) for t in terms.long_cjk)),
    ):
        if not expression:
            continue
        columns = ", ".join(
            f"highlight({table}, {TEXT_COLUMNS.index(c)}, '{_OPEN}', '{_CLOSE}')"
            for c in HIGHLIGHTED
        )
        for row in db.execute(
            f"SELECT m.movie_id, {columns} FROM {table} AS f JOIN movies AS m"
            f" ON m.rowid = f.rowid WHERE {table} MATCH ?"
            " AND m.movie_id IN (SELECT value FROM json_each(?))",
            (expression, movie_ids),
        ):
            for index, column in enumerate(HIGHLIGHTED, start=1):
                found = spans_from_marked(row[index], _OPEN, _CLOSE)
                spans.setdefault((row[0], column), []).extend(found)
    result: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        for column, fragment_size in HIGHLIGHTED.items():
            found = list(spans.get((row["movie_id"], column), []))
            for short in terms.short_cjk:
                found += find_spans(row[column], short)
            marked = render_highlight(row[column], found, fragment_size)
            if marked:
                result.setdefault(row["movie_id"], {})[column] = [marked]
    return result
