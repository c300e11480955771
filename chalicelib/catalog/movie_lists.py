"""``GET /movies``: candidates from the most selective index, then exact filters and the
chosen order in memory, paged by keyset.

Where candidates come from (always a Query):
- genre: one Query of the genre links per genre of the sub-tree;
- city / date: the showtimes index of that city (from now on) or of that day;
- status: the ``by_status`` partition, plus the partitions a movie can drift *from* since
  the last sweep (a coming movie whose release day has come), so the answer is exact
  between sweeps;
- year: ``by_release`` as a release-date range; otherwise ``by_release`` whole.

The plain newest-first list (optionally of one year) needs no candidate set: it pages
through ``by_release`` directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from chalicelib.catalog.areas import require_city
from chalicelib.catalog.genres import genre_and_descendants, genre_names
from chalicelib.catalog.listing import SortKey, keyset_page, scope_of
from chalicelib.catalog.models import LISTED, Movie, MovieGenre
from chalicelib.catalog.rules import MovieStatus, rating_average
from chalicelib.catalog.schemas import MovieOut, MovieQuery, current_status, movie_out
from chalicelib.catalog.showtime_lists import movie_ids_showing
from chalicelib.catalog.support import local_today
from chalicelib.core.pagination import Page, paginate


def batch_get_movies(movie_ids: Iterable[str]) -> list[Movie]:
    ids = sorted(set(movie_ids))
    return list(Movie.batch_get(ids)) if ids else []


def _by_status(status: str) -> list[Movie]:
    today = local_today().isoformat()
    found = list(Movie.by_status.query(status))
    if status in (MovieStatus.SHOWING, MovieStatus.ENDED):
        found += Movie.by_status.query(MovieStatus.COMING, Movie.release_date <= today)
    if status == MovieStatus.ENDED:
        found += Movie.by_status.query(MovieStatus.SHOWING)
    return found


def _candidates(query: MovieQuery, showing: set[str] | None) -> list[Movie]:
    if query.genre:
        genre_ids = genre_and_descendants(query.genre)
        linked = {link.movie_id for gid in genre_ids for link in MovieGenre.query(gid)}
        if showing is not None:
            linked &= showing
        return batch_get_movies(linked)
    if showing is not None:
        return batch_get_movies(showing)
    if query.status:
        return _by_status(query.status)
    if query.year:
        return list(Movie.by_release.query(LISTED, _year_range(query.year)))
    return list(Movie.by_release.query(LISTED))


def _matches(movie: Movie, query: MovieQuery) -> bool:
    if movie.deleted:
        return False
    if query.status and current_status(movie) != query.status:
        return False
    return not (query.year and not movie.release_date.startswith(f"{query.year:04d}-"))


def sort_key(sort: str) -> Callable[[Movie], SortKey]:
    def key(movie: Movie) -> SortKey:
        if sort == "title":
            return (movie.title.casefold(), movie.movie_id)
        if sort == "-want_count":
            return (-int(movie.want_count), movie.movie_id)
        if sort == "-rating":
            average = rating_average(int(movie.rating_sum), int(movie.rating_count))
            # unrated last, then by average, then by how many ratings back it
            return (average is None, -(average or 0.0), -int(movie.rating_count), movie.movie_id)
        return (-date.fromisoformat(movie.release_date).toordinal(), movie.movie_id)

    return key


def _year_range(year: int) -> Any:
    return Movie.release_date.between(date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat())


def _newest_first(query: MovieQuery) -> Page[MovieOut]:
    """The home page's list (every movie, or one year's, newest first) pages straight
    through the ``by_release`` index: no candidate set in memory."""
    range_condition = _year_range(query.year) if query.year else None
    genres = genre_names()
    return paginate(
        lambda **kw: Movie.by_release.query(
            LISTED, range_condition, scan_index_forward=False, **kw
        ),
        query,
        scope_of("movies", query),
        lambda m: movie_out(m, genres),
    )


def list_movies(query: MovieQuery) -> Page[MovieOut]:
    if query.sort == "-release_date" and not (
        query.genre or query.status or query.city or query.date
    ):
        return _newest_first(query)
    if query.city:
        require_city(query.city)
    showing = movie_ids_showing(query.city, query.date) if query.city or query.date else None
    unique = {m.movie_id: m for m in _candidates(query, showing)}
    movies = [m for m in unique.values() if _matches(m, query)]
    genres = genre_names()
    return keyset_page(
        movies,
        sort_key(query.sort),
        query,
        scope_of("movies", query),
        lambda m: movie_out(m, genres),
    )
