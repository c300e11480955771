"""Search orchestration: keep the index in step with the movies table, answer queries.

The domain decisions are made here, before a query reaches an adapter:

- genre: the genre and its sub-genres (the tree is small and read whole per search);
- status: turned into date bounds for today in the cinemas' time zone, so a movie moves
  from "coming" to "showing" on its release day without being re-indexed;
- city: resolved at query time into the movies with an upcoming showtime there (one
  Query on the showtimes ``by_city`` index). Showtimes change independently of movies and
  have no stream, so copying city ids onto the document would go stale.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from chalicelib.catalog.genres import all_genres
from chalicelib.catalog.models import Movie, Showtime
from chalicelib.catalog.rules import derive_status, descendants
from chalicelib.catalog.support import local_today, media_url
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.errors import (
    BadRequest,
    ServiceUnavailable,
    UnknownReference,
)
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.search import get_index
from chalicelib.search.documents import document_from_item
from chalicelib.search.index import (
    MovieDocument,
    SearchIndexError,
    SearchQuery,
    SearchResult,
    StatusFilter,
)
from chalicelib.search.schemas import (
    Facets,
    GenreFacet,
    SearchItem,
    SearchMoviesQuery,
    SearchPage,
    SuggestItem,
    SuggestPage,
)

#: How deep a client may page (offset + limit); engines get slow and costly past this.
MAX_DEPTH = 1000
SUGGEST_LIMIT = 10
UNAVAILABLE = "Search is unavailable right now; try again shortly."


# --- keeping the index in step --------------------------------------------------------


def is_movies_stream(event_source_arn: str | None) -> bool:
    """Stream records of other tables (the local pump feeds every streamed table to the
    indexer) are none of search's business."""
    return f":table/{Movie.Meta.table_name}/stream/" in (event_source_arn or "")


def apply_change(
    event_name: str, new_image: Mapping[str, Any] | None, old_image: Mapping[str, Any] | None
) -> str:
    """Index, replace or remove one movie after a change; returns what was done.

    Changes that leave the document as it was (a view counted) cost no write.
    """
    image = new_image or old_image
    if not image or not image.get("movie_id"):
        raise ValueError("a movie change without a movie_id")
    movie_id = str(image["movie_id"])
    days = get_settings().movie_showing_days
    document = document_from_item(new_image, days) if new_image and event_name != "REMOVE" else None
    if document is None:
        get_index().delete(movie_id)
        return "removed"
    if event_name == "MODIFY" and old_image and document_from_item(old_image, days) == document:
        return "unchanged"
    get_index().upsert(document)
    return "indexed"


# --- queries --------------------------------------------------------------------------


def status_filter(status: str, today: date) -> StatusFilter:
    """``derive_status`` as date bounds: coming = released after today; showing = released
    and the run not over; ended = the run ended before today."""
    if status == "coming":
        return StatusFilter(status, released_from=(today + timedelta(days=1)).isoformat())
    if status == "showing":
        return StatusFilter(status, released_to=today.isoformat(), last_day_from=today.isoformat())
    return StatusFilter(status, last_day_to=(today - timedelta(days=1)).isoformat())


def movies_showing_in(city_id: str) -> frozenset[str]:
    """Movies with a showtime in the city that has not started yet."""
    showtimes = Showtime.by_city.query(
        city_id, Showtime.starts_at >= clock.now(), attributes_to_get=["movie_id"]
    )
    return frozenset(s.movie_id for s in showtimes)


def _scope(query: SearchMoviesQuery) -> str:
    filters = query.model_dump(mode="json", exclude={"limit", "cursor"})
    return "search:movies:" + repr(sorted(filters.items()))


def _offset(query: SearchMoviesQuery, scope: str) -> int:
    cursor = decode_cursor(query.cursor, scope)
    offset = (cursor or {}).get("offset", 0)
    if not isinstance(offset, int) or not 0 <= offset < MAX_DEPTH:
        raise BadRequest("The cursor is not valid for this list.")
    return offset


def _item(document: MovieDocument, highlight: dict[str, list[str]], today: date) -> SearchItem:
    status = (
        derive_status(
            document.release_date,
            document.last_showing_day,
            document.status_pinned,
            today,
            get_settings().movie_showing_days,
        )
        if document.release_date
        else document.status_pinned
    )
    return SearchItem(
        movie_id=document.movie_id,
        title=document.title,
        original_title=document.original_title or None,
        genre_ids=list(document.genre_ids),
        release_date=document.release_date,
        year=document.year,
        status=status,  # type: ignore[arg-type]
        rating=document.rating,
        rating_count=document.rating_count,
        want_count=document.want_count,
        poster_key=document.poster_key,
        poster_url=media_url(document.poster_key),
        highlight=highlight,
    )


def _run(query: SearchQuery) -> SearchResult:
    try:
        return get_index().search(query)
    except SearchIndexError as exc:
        raise ServiceUnavailable(UNAVAILABLE) from exc


def search_movies(query: SearchMoviesQuery) -> SearchPage:
    scope = _scope(query)
    offset = _offset(query, scope)
    today = local_today()
    genres = all_genres()
    genre_ids = None
    if query.genre is not None:
        if query.genre not in genres:
            raise UnknownReference("genre", f"no genre {query.genre!r}")
        genre_ids = frozenset(
            descendants({gid: g.parent_id for gid, g in genres.items()}, query.genre)
        )
    status = status_filter(query.status, today) if query.status is not None else None
    result = _run(
        SearchQuery(
            text=query.q,
            genre_ids=genre_ids,
            status=status,
            year=query.year,
            movie_ids=movies_showing_in(query.city) if query.city is not None else None,
            sort=query.sort or ("relevance" if query.q else "-release_date"),
            offset=offset,
            limit=min(query.limit, MAX_DEPTH - offset),
        )
    )
    reached = offset + len(result.hits)
    more = bool(result.hits) and reached < min(result.total, MAX_DEPTH)
    return SearchPage(
        items=[_item(h.document, h.highlight, today) for h in result.hits],
        next_cursor=encode_cursor({"offset": reached}, scope) if more else None,
        total=result.total,
        facets=Facets(
            genres=[
                GenreFacet(
                    genre_id=gid, name=genres[gid].name if gid in genres else None, count=count
                )
                for gid, count in result.genre_facets.items()
            ]
        ),
    )


def suggest_titles(prefix: str) -> SuggestPage:
    try:
        found = get_index().suggest(prefix, SUGGEST_LIMIT)
    except SearchIndexError as exc:
        raise ServiceUnavailable(UNAVAILABLE) from exc
    return SuggestPage(
        items=[
            SuggestItem(movie_id=s.movie_id, title=s.title, original_title=s.original_title or None)
            for s in found
        ]
    )
