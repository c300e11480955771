"""Lists answered from the showtimes indexes: showtimes by movie / cinema / city / day
(each ordered by start, so a date is a key range), and the movies or cinemas showing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib.catalog.areas import require_city
from chalicelib.catalog.cinemas import live_cinema
from chalicelib.catalog.listing import keyset_page, scope_of
from chalicelib.catalog.models import LISTED, Cinema, Movie, Showtime
from chalicelib.catalog.rules import local_day_bounds
from chalicelib.catalog.schemas import (
    CinemaOut,
    CinemaQuery,
    ShowtimeOut,
    ShowtimeQuery,
    cinema_out,
    showtime_out,
)
from chalicelib.catalog.support import local_today
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.dynamo import get_or_none
from chalicelib.core.errors import NotFound, UnknownReference
from chalicelib.core.pagination import Page, paginate


def _starts_in(day: date | None) -> Any:
    """A local calendar day as a range of ``starts_at``, or "from now on" without one."""
    if day is None:
        return Showtime.starts_at >= clock.now()
    first, after = local_day_bounds(day, get_settings().cinema_timezone)
    return Showtime.starts_at.between(first, after - timedelta(microseconds=1))


def _require_movie(movie_id: str, field: str = "movie") -> None:
    movie = get_or_none(Movie, movie_id)
    if movie is None or movie.deleted:
        raise UnknownReference(field, f"no movie {movie_id!r}")


def _require_cinema(cinema_id: str, field: str = "cinema") -> None:
    try:
        live_cinema(cinema_id)
    except NotFound as exc:
        raise UnknownReference(field, f"no cinema {cinema_id!r}") from exc


def _showtimes_query(
    movie: str | None, cinema: str | None, city: str | None, day: date | None
) -> Any:
    """A pynamodb query callable on the most selective index, the other filters as filter
    conditions. Without movie, cinema or city: the showtimes of one day (today by default)."""
    if not (movie or cinema or city):
        day_key = (day or local_today()).isoformat()
        live = Showtime.withdrawn == False  # noqa: E712
        return lambda **kw: Showtime.by_day.query(day_key, filter_condition=live, **kw)
    conditions = [Showtime.withdrawn == False]  # noqa: E712
    index: Any
    if cinema:
        index, key = Showtime.by_cinema, cinema
        conditions += [Showtime.movie_id == movie] if movie else []
        conditions += [Showtime.city_id == city] if city else []
    elif movie:
        index, key = Showtime.by_movie, movie
        conditions += [Showtime.city_id == city] if city else []
    else:
        assert city is not None
        index, key = Showtime.by_city, city
    filter_condition = conditions[0]
    for condition in conditions[1:]:
        filter_condition &= condition
    range_condition = _starts_in(day)
    return lambda **kw: index.query(key, range_condition, filter_condition=filter_condition, **kw)


def list_showtimes(query: ShowtimeQuery) -> Page[ShowtimeOut]:
    if query.movie:
        _require_movie(query.movie)
    if query.cinema:
        _require_cinema(query.cinema)
    if query.city:
        require_city(query.city)
    runner = _showtimes_query(query.movie, query.cinema, query.city, query.date)
    return paginate(runner, query, scope_of("showtimes", query), showtime_out)


def _showtimes(
    movie: str | None, cinema: str | None, city: str | None, day: date | None
) -> list[Showtime]:
    return list(_showtimes_query(movie, cinema, city, day)())


def movie_ids_showing(city: str | None, day: date | None) -> set[str]:
    """Movies with a showtime in the city (from now on) and/or on the day."""
    if city is None and day is None:
        raise ValueError("a city or a day is needed")
    return {s.movie_id for s in _showtimes(None, None, city, day)}


def list_cinemas(query: CinemaQuery) -> Page[CinemaOut]:
    """Cinemas of a city, and/or those showing a movie (from now on, or on a date)."""
    if query.city:
        require_city(query.city)
    if query.movie:
        _require_movie(query.movie)
        showing = {s.cinema_id for s in _showtimes(query.movie, None, query.city, query.date)}
        cinemas = list(Cinema.batch_get(sorted(showing))) if showing else []
    elif query.date:
        showing = {s.cinema_id for s in _showtimes(None, None, query.city, query.date)}
        cinemas = list(Cinema.batch_get(sorted(showing))) if showing else []
    elif query.city:
        cinemas = list(Cinema.by_city.query(query.city))
    else:
        cinemas = list(Cinema.by_listed.query(LISTED))
    live = [c for c in cinemas if not c.deleted]
    return keyset_page(
        live,
        lambda c: (c.name.casefold(), c.cinema_id),
        query,
        scope_of("cinemas", query),
        cinema_out,
    )
