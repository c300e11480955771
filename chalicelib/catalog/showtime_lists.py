"""Lists answered from the showtimes indexes: showtimes by movie / cinema / city / day, or
every live one (each ordered by start, so "from now on" within a date is a key range), and
the movies or cinemas showing. A list never offers a showtime that has already started."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from chalicelib.boxoffice import counters
from chalicelib.catalog.areas import require_city
from chalicelib.catalog.cinemas import live_cinema
from chalicelib.catalog.listing import keyset_page, scope_of
from chalicelib.catalog.models import LISTED, Cinema, Movie, Showtime
from chalicelib.catalog.rules import local_day_bounds, time_of_day_ranges
from chalicelib.catalog.schemas import (
    CinemaOut,
    CinemaQuery,
    ShowtimeOut,
    ShowtimeQuery,
    cinema_out,
    showtime_out,
)
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.dynamo import get_or_none
from chalicelib.core.errors import NotFound, UnknownReference
from chalicelib.core.pagination import Page, paginate


def _starts_in(day: date | None) -> Any:
    """``starts_at`` from now on, within a local calendar day when one is given: a list
    never offers a showtime that has already started."""
    now = clock.now()
    if day is None:
        return Showtime.starts_at >= now
    first, after = local_day_bounds(day, get_settings().cinema_timezone)
    last = after - timedelta(microseconds=1)
    # A day already over leaves the range [last, last]: starts are whole seconds, so it
    # holds nothing (DynamoDB refuses a BETWEEN whose bounds are reversed).
    return Showtime.starts_at.between(min(max(first, now), last), last)


def _require_movie(movie_id: str, field: str = "movie") -> None:
    movie = get_or_none(Movie, movie_id)
    if movie is None or movie.deleted:
        raise UnknownReference(field, f"no movie {movie_id!r}")


def _require_cinema(cinema_id: str, field: str = "cinema") -> None:
    try:
        live_cinema(cinema_id)
    except NotFound as exc:
        raise UnknownReference(field, f"no cinema {cinema_id!r}") from exc


@dataclass(frozen=True)
class _Filters:
    """What narrows a list beyond its index key: all optional."""

    movie: str | None = None
    cinema: str | None = None
    city: str | None = None
    day: date | None = None
    format: str | None = None
    language: str | None = None
    from_time: str | None = None
    to_time: str | None = None


def _filter_condition(f: _Filters, index_key: str | None) -> Any:
    # withdrawn (its movie or cinema deleted) or cancelled by the box office: not offered
    conditions: list[Any] = [
        Showtime.withdrawn == False,  # noqa: E712
        Showtime.cancelled_at.does_not_exist(),
    ]
    for name, value in (("movie_id", f.movie), ("city_id", f.city)):
        if value and name != index_key:
            conditions.append(getattr(Showtime, name) == value)
    if f.format:
        conditions.append(Showtime.format == f.format)
    if f.language:
        conditions.append(Showtime.language == f.language)
    ranges = time_of_day_ranges(f.from_time, f.to_time)
    if ranges is not None:
        windows = [Showtime.local_time.between(low, high) for low, high in ranges]
        conditions.append(windows[0] | windows[1] if len(windows) == 2 else windows[0])
    condition = conditions[0]
    for more in conditions[1:]:
        condition &= more
    return condition


def _showtimes_query(f: _Filters) -> Any:
    """A pynamodb query callable on the most selective index (cinema, movie, city, day, or
    every live showtime), from now on; the other filters as filter conditions."""
    index: Any
    if f.cinema:
        index, key, key_name = Showtime.by_cinema, f.cinema, "cinema_id"
    elif f.movie:
        index, key, key_name = Showtime.by_movie, f.movie, "movie_id"
    elif f.city:
        index, key, key_name = Showtime.by_city, f.city, "city_id"
    elif f.day:
        index, key, key_name = Showtime.by_day, f.day.isoformat(), "day"
    else:
        index, key, key_name = Showtime.by_listed, LISTED, "listed"
    filter_condition = _filter_condition(f, key_name)
    range_condition = _starts_in(f.day)
    return lambda **kw: index.query(key, range_condition, filter_condition=filter_condition, **kw)


def list_showtimes(query: ShowtimeQuery) -> Page[ShowtimeOut]:
    if query.movie:
        _require_movie(query.movie)
    if query.cinema:
        _require_cinema(query.cinema)
    if query.city:
        require_city(query.city)
    runner = _showtimes_query(
        _Filters(
            movie=query.movie,
            cinema=query.cinema,
            city=query.city,
            day=query.date,
            format=query.format,
            language=query.language,
            from_time=query.from_time,
            to_time=query.to_time,
        )
    )
    page = paginate(runner, query, scope_of("showtimes", query), lambda s: s)
    left = {
        showtime_id: tally.free
        for showtime_id, tally in counters.tallies(
            [s.showtime_id for s in page.items], consistent=True
        ).items()
    }
    # a sold-out showtime is left out after the read: a page may come out shorter than
    # ``limit`` (its cursor still goes on), never with one it should not have
    items = [
        showtime_out(s, left[s.showtime_id])
        for s in page.items
        if not (query.available_only and left[s.showtime_id] == 0)
    ]
    return Page[ShowtimeOut](items=items, next_cursor=page.next_cursor)


def _showtimes(
    movie: str | None, cinema: str | None, city: str | None, day: date | None
) -> list[Showtime]:
    return list(_showtimes_query(_Filters(movie=movie, cinema=cinema, city=city, day=day))())


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
