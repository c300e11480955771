"""The search port: what the API and the indexer ask of a search engine.

``opensearch.OpenSearchIndex`` implements it, on Amazon OpenSearch Service and on the
local stack's own OpenSearch node alike; one behavioural test suite
(``tests/search/contract.py``) states what any adapter must answer. Documents and queries
are plain dataclasses: the domain decisions (which genres a genre filter covers, which
dates a status means, which movies a city shows) are made by
``chalicelib.search.service`` before a query reaches an adapter.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

SortKey = Literal["relevance", "-release_date", "release_date", "-rating"]
SORT_KEYS: tuple[SortKey, ...] = ("relevance", "-release_date", "release_date", "-rating")

#: Highlight markers (the text between and around them is HTML-escaped).
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


@dataclass(frozen=True)
class MovieDocument:
    """One movie as the index holds it: the searchable text plus what filters and sorts need."""

    movie_id: str
    title: str
    original_title: str = ""
    synopsis: str = ""
    people: tuple[str, ...] = ()
    genre_ids: tuple[str, ...] = ()
    release_date: str | None = None  # YYYY-MM-DD
    last_showing_day: str | None = None  # YYYY-MM-DD: the end of its run
    status_pinned: str | None = None
    rating: float | None = None
    rating_count: int = 0
    want_count: int = 0
    poster_key: str | None = None

    @property
    def year(self) -> int | None:
        return int(self.release_date[:4]) if self.release_date else None


@dataclass(frozen=True)
class StatusFilter:
    """A status as date bounds, so the index need not be rewritten as days pass: the movie
    is pinned to ``status``, or it is not pinned and its release date and last showing day
    lie within these inclusive bounds (``None`` is open)."""

    status: str
    released_from: str | None = None
    released_to: str | None = None
    last_day_from: str | None = None
    last_day_to: str | None = None


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    genre_ids: frozenset[str] | None = None  # any of these (sub-genres already expanded)
    status: StatusFilter | None = None
    year: int | None = None
    movie_ids: frozenset[str] | None = None  # only these (e.g. showing in a city)
    sort: SortKey = "relevance"
    offset: int = 0
    limit: int = 10


@dataclass(frozen=True)
class SearchHit:
    document: MovieDocument
    score: float = 0.0
    #: field name (``title``, ``original_title``, ``synopsis``) -> marked fragments
    highlight: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    total: int
    genre_facets: dict[str, int]


@dataclass(frozen=True)
class Suggestion:
    movie_id: str
    title: str
    original_title: str = ""


class SearchIndexError(RuntimeError):
    """The search engine failed; the indexer retries the record, the API answers 503-ish."""


class SearchIndex(ABC):
    """Index, delete, search, suggest, rebuild. Adapters must be safe to share per process."""

    @abstractmethod
    def ensure_ready(self) -> None:
        """Create the index (schema, mappings, alias) if it does not exist yet."""

    @abstractmethod
    def upsert(self, document: MovieDocument) -> None:
        """Add the movie or replace what the index holds for it."""

    @abstractmethod
    def delete(self, movie_id: str) -> None:
        """Remove the movie; removing an absent movie is not an error (streams redeliver)."""

    @abstractmethod
    def get(self, movie_id: str) -> MovieDocument | None:
        """The document held for a movie (tests and the reindex check use it)."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult:
        """Matching movies for one page, with the total and genre counts of all matches."""

    @abstractmethod
    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        """Titles for what a user has typed so far."""

    @abstractmethod
    def rebuild(self, documents: Iterable[MovieDocument]) -> int:
        """Replace the whole index with ``documents`` atomically (readers see the old index
        until the new one is complete); returns how many were indexed."""
