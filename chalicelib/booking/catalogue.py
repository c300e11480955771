"""Everything booking needs from the catalogue, behind one small module (as
``chalicelib.community.movies`` is for community): the showtimes it sells and their
terms, scheduling one (whose seats booking then opens), whether a movie exists, and the
halls and movies the demo week is scheduled with. Nothing else in booking imports the
catalogue.
"""

from __future__ import annotations

from chalicelib.catalog import showtimes
from chalicelib.catalog.models import LISTED, Cinema, Hall, Movie, Showtime
from chalicelib.catalog.rules import MovieStatus, SeatSpec
from chalicelib.catalog.schemas import (
    HallOut,
    SeatType,
    ShowtimeIn,
    ShowtimeOut,
    ShowtimePatch,
    hall_out,
)
from chalicelib.catalog.showtimes import SCHEDULING_PROBLEMS, Scheduled, local_day
from chalicelib.catalog.support import local_today
from chalicelib.core.dynamo import get_or_none
from chalicelib.core.errors import UnknownReference

#: the catalogue's words booking uses too
__all__ = [
    "SCHEDULING_PROBLEMS",
    "HallOut",
    "Movie",
    "Scheduled",
    "SeatSpec",
    "SeatType",
    "Showtime",
    "ShowtimeIn",
    "ShowtimeOut",
    "ShowtimePatch",
    "local_day",
    "local_today",
]


def showtime(
    showtime_id: str, field: str = "showtime_id", *, consistent_read: bool = False
) -> Showtime:
    """The showtime a request names in ``field`` (404 naming the field when there is none)."""
    found = get_or_none(Showtime, showtime_id, consistent_read=consistent_read)
    if found is None:
        raise UnknownReference(field, f"no showtime {showtime_id!r}")
    return found


def schedule(body: ShowtimeIn) -> Scheduled:
    return showtimes.create_showtime(body)


def moves(showtime_id: str, body: ShowtimePatch) -> bool:
    return showtimes.moves(showtime_id, body)


def change(showtime_id: str, body: ShowtimePatch) -> ShowtimeOut:
    return showtimes.update_showtime(showtime_id, body)


def movie_exists(movie_id: str) -> bool:
    return Movie.count(movie_id, limit=1) > 0


def listed_halls() -> list[HallOut]:
    """Every hall of every listed cinema."""
    return [
        hall_out(hall)
        for cinema in Cinema.by_listed.query(LISTED)
        for hall in Hall.by_cinema.query(cinema.cinema_id)
    ]


def showing_movies() -> list[Movie]:
    """The movies whose status (as of the last write or sweep) is showing."""
    return sorted(Movie.by_status.query(MovieStatus.SHOWING), key=lambda m: m.release_date)
