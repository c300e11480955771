"""The search port on SQLite FTS5, for the local stack and the tests (standard library only).

Two FTS5 tables index the same text: ``movies_words`` (porter + unicode61: English words,
stemmed) and ``movies_trigrams`` (trigram: any substring of three or more characters, which
is how Chinese is found without a word segmenter). A query's English words must match the
first, its CJK runs the second; CJK runs of one or two characters are below the trigram
size and fall back to ``LIKE`` on the plain table. Facets are a ``GROUP BY`` over the
same matches; highlights merge what each table marked.

A connection is opened per operation (the API and the indexer pump run in different
threads); WAL lets readers carry on while the indexer writes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from chalicelib.search.index import (
    MovieDocument,
    SearchHit,
    SearchIndex,
    SearchIndexError,
    SearchQuery,
    SearchResult,
    Suggestion,
)
from chalicelib.search.sqlite_query import (
    ORDER_BY,
    clean_text,
    highlights,
    match_sql,
    phrase,
)
from chalicelib.search.text import parse_query

SCHEMA = """
CREATE TABLE IF NOT EXISTS movies (
    movie_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    original_title TEXT NOT NULL,
    people TEXT NOT NULL,
    synopsis TEXT NOT NULL,
    genre_ids TEXT NOT NULL,
    release_date TEXT,
    last_showing_day TEXT,
    year INTEGER,
    status_pinned TEXT,
    rating REAL,
    rating_count INTEGER NOT NULL,
    want_count INTEGER NOT NULL,
    poster_key TEXT
);
CREATE TABLE IF NOT EXISTS movie_genres (
    movie_id TEXT NOT NULL,
    genre_id TEXT NOT NULL,
    PRIMARY KEY (movie_id, genre_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS movie_genres_by_genre ON movie_genres (genre_id, movie_id);
CREATE VIRTUAL TABLE IF NOT EXISTS movies_words USING fts5(
    title, original_title, people, synopsis, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS movies_trigrams USING fts5(
    title, original_title, people, synopsis, tokenize = 'trigram'
);
"""

TITLE_LIKE = (
    "SELECT movie_id, title, original_title FROM movies"
    " WHERE title LIKE ? ESCAPE '\\' OR original_title LIKE ? ESCAPE '\\'"
    " ORDER BY want_count DESC, title"
)


class SqliteSearchIndex(SearchIndex):
    def __init__(self, path: str) -> None:
        self.path = path
        self._ready = False
        self._lock = threading.Lock()

    # -- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        try:
            self.ensure_ready()
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise SearchIndexError(f"the SQLite search index cannot be opened: {exc}") from exc
        connection.row_factory = sqlite3.Row
        try:
            # One snapshot for reads (count, facets and page agree); writers serialise.
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield connection
            connection.execute("COMMIT")
        except BaseException as exc:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise SearchIndexError(f"the SQLite search index failed: {exc}") from exc
            raise
        finally:
            connection.close()

    def ensure_ready(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30)
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.executescript(SCHEMA)
            finally:
                connection.close()
            self._ready = True

    # -- writes --------------------------------------------------------------------------

    def upsert(self, document: MovieDocument) -> None:
        with self._connect(write=True) as db:
            self._remove(db, document.movie_id)
            self._insert(db, document)

    def delete(self, movie_id: str) -> None:
        with self._connect(write=True) as db:
            self._remove(db, movie_id)

    def rebuild(self, documents: Iterable[MovieDocument]) -> int:
        count = 0
        with self._connect(write=True) as db:
            for table in ("movies", "movie_genres", "movies_words", "movies_trigrams"):
                db.execute(f"DELETE FROM {table}")
            for document in documents:
                self._remove(db, document.movie_id)  # a scan may repeat an item
                self._insert(db, document)
                count += 1
        return count

    @staticmethod
    def _remove(db: sqlite3.Connection, movie_id: str) -> None:
        row = db.execute("SELECT rowid FROM movies WHERE movie_id = ?", (movie_id,)).fetchone()
        if row is None:
            return
        for table in ("movies", "movies_words", "movies_trigrams"):
            db.execute(f"DELETE FROM {table} WHERE rowid = ?", (row[0],))
        db.execute("DELETE FROM movie_genres WHERE movie_id = ?", (movie_id,))

    @staticmethod
    def _insert(db: sqlite3.Connection, d: MovieDocument) -> None:
        text = tuple(
            clean_text(t) for t in (d.title, d.original_title, "\n".join(d.people), d.synopsis)
        )
        cursor = db.execute(
            "INSERT INTO movies (movie_id, title, original_title, people, synopsis, genre_ids,"
            " release_date, last_showing_day, year, status_pinned, rating, rating_count,"
            " want_count, poster_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                d.movie_id,
                *text,
                json.dumps(list(d.genre_ids)),
                d.release_date,
                d.last_showing_day,
                d.year,
                d.status_pinned,
                d.rating,
                d.rating_count,
                d.want_count,
                d.poster_key,
            ),
        )
        rowid = cursor.lastrowid
        for table in ("movies_words", "movies_trigrams"):
            db.execute(
                f"INSERT INTO {table} (rowid, title, original_title, people, synopsis)"
                " VALUES (?, ?, ?, ?, ?)",
                (rowid, *text),
            )
        db.executemany(
            "INSERT OR IGNORE INTO movie_genres (movie_id, genre_id) VALUES (?, ?)",
            [(d.movie_id, g) for g in d.genre_ids],
        )

    # -- reads ---------------------------------------------------------------------------

    def get(self, movie_id: str) -> MovieDocument | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM movies WHERE movie_id = ?", (movie_id,)).fetchone()
        return _document(row) if row else None

    def search(self, query: SearchQuery) -> SearchResult:
        terms = parse_query(query.text)
        matched_sql, params = match_sql(query, terms)
        with self._connect() as db:
            total = db.execute(f"SELECT count(*) FROM ({matched_sql})", params).fetchone()[0]
            facets = {
                row[0]: row[1]
                for row in db.execute(
                    f"SELECT g.genre_id, count(*) FROM ({matched_sql}) AS hit"
                    " JOIN movie_genres AS g ON g.movie_id = hit.movie_id"
                    " GROUP BY g.genre_id ORDER BY count(*) DESC, g.genre_id",
                    params,
                )
            }
            rows = db.execute(
                f"SELECT m.*, hit.score FROM ({matched_sql}) AS hit"
                " JOIN movies AS m ON m.rowid = hit.rid"
                f" ORDER BY {ORDER_BY[query.sort]}, m.movie_id LIMIT ? OFFSET ?",
                [*params, query.limit, query.offset],
            ).fetchall()
            marks = highlights(db, terms, rows)
        hits = [
            SearchHit(_document(row), float(row["score"]), marks.get(row["movie_id"], {}))
            for row in rows
        ]
        return SearchResult(hits=hits, total=int(total), genre_facets=facets)

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        prefix = prefix.strip()
        if not prefix:
            return []
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        found: dict[str, Suggestion] = {}
        with self._connect() as db:
            # Titles that start with what was typed come first, then titles with a word
            # (or, for Chinese, a substring) that does.
            queries: list[tuple[str, list[Any]]] = [(TITLE_LIKE, [like + "%", like + "%"])]
            terms = parse_query(prefix)
            if terms.words and not terms.cjk:
                words = [phrase(w) for w in terms.words]
                words[-1] += "*"
                queries.append(_fts_titles("movies_words", " AND ".join(words)))
            elif terms.long_cjk and not terms.words:
                queries.append(_fts_titles("movies_trigrams", phrase(prefix)))
            elif terms.cjk:
                queries.append((TITLE_LIKE, ["%" + like + "%", "%" + like + "%"]))
            for sql, params in queries:
                for row in db.execute(sql + " LIMIT ?", [*params, limit]):
                    found.setdefault(row["movie_id"], Suggestion(*row))
        return list(found.values())[:limit]


def _fts_titles(table: str, expression: str) -> tuple[str, list[Any]]:
    return (
        f"SELECT m.movie_id, m.title, m.original_title FROM {table} AS f"
        " JOIN movies AS m ON m.rowid = f.rowid"
        f" WHERE {table} MATCH ? ORDER BY m.want_count DESC, m.title",
        ["{title original_title} : (" + expression + ")"],
    )


def _document(row: sqlite3.Row) -> MovieDocument:
    return MovieDocument(
        movie_id=row["movie_id"],
        title=row["title"],
        original_title=row["original_title"],
        synopsis=row["synopsis"],
        people=tuple(p for p in row["people"].split("\n") if p),
        genre_ids=tuple(json.loads(row["genre_ids"])),
        release_date=row["release_date"],
        last_showing_day=row["last_showing_day"],
        status_pinned=row["status_pinned"],
        rating=row["rating"],
        rating_count=row["rating_count"],
        want_count=row["want_count"],
        poster_key=row["poster_key"],
    )
