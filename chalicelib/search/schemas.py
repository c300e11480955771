"""HTTP shapes of the search routes (queries validated here, so bad parameters are 422)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from chalicelib.core.pagination import PageQuery
from chalicelib.core.schema import Schema
from chalicelib.search.index import SortKey

MAX_QUERY_CHARS = 100
MAX_SUGGEST_CHARS = 50


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class SearchMoviesQuery(PageQuery):
    q: str = Field(default="", max_length=MAX_QUERY_CHARS)
    genre: str | None = Field(default=None, min_length=1, max_length=64)
    status: Literal["coming", "showing", "ended"] | None = None
    year: int | None = Field(default=None, ge=1870, le=2200)
    city: str | None = Field(default=None, min_length=1, max_length=64)
    #: default: relevance with a text query, newest release without one
    sort: SortKey | None = None

    _strip_q = field_validator("q", mode="before")(_strip)


class SuggestQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    q: str = Field(min_length=1, max_length=MAX_SUGGEST_CHARS)

    _strip_q = field_validator("q", mode="before")(_strip)


class SearchItem(Schema):
    movie_id: str
    title: str
    original_title: str | None
    genre_ids: list[str]
    release_date: str | None
    year: int | None
    status: Literal["coming", "showing", "ended"] | None
    rating: float | None
    rating_count: int
    want_count: int
    poster_key: str | None
    poster_url: str | None
    #: ``title`` / ``original_title`` / ``synopsis`` -> HTML fragments, matches in <mark>
    highlight: dict[str, list[str]]


class GenreFacet(Schema):
    genre_id: str
    name: str | None
    count: int


class Facets(Schema):
    genres: list[GenreFacet]


class SearchPage(Schema):
    items: list[SearchItem]
    next_cursor: str | None
    total: int
    facets: Facets


class SuggestItem(Schema):
    movie_id: str
    title: str
    original_title: str | None


class SuggestPage(Schema):
    items: list[SuggestItem]
