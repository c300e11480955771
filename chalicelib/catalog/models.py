"""Catalogue tables, each designed around the Query that reads it (no list is a Scan).

- movies: by id; ``by_status`` (derived status, release date) and ``by_release`` (every
  listed movie by release date) are sparse: a soft-deleted movie loses ``status`` and
  ``listed`` and so drops out of both.
- movie-genres: one link per (genre, movie), so "movies of a genre" is one Query per genre
  of the sub-tree.
- genres, areas: small trees read whole from one partition of the ``by_kind`` index.
- cinemas: by city, or every listed cinema; halls: by cinema.
- showtimes: by movie, cinema, city, hall, local day and (``by_listed``) all live ones,
  each ordered by ``starts_at`` so a date, or "from now on", is a key range.
- hall-schedules: one item per hall per UTC day with the intervals booked that day and a
  version. Creating a showtime rewrites those items on their version in the same
  transaction as the showtime, so two overlapping creates cannot both win.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.dynamo import register_table, table_meta


def _index_meta(name: str) -> Any:
    return type("Meta", (), {"index_name": name, "projection": AllProjection()})


#: value of ``listed`` on every live (not soft-deleted) movie / cinema
LISTED = "1"


class CastMember(MapAttribute[str, Any]):
    person = UnicodeAttribute()
    role = UnicodeAttribute()  # director | actor | writer
    character = UnicodeAttribute(null=True)


class MovieStatusIndex(GlobalSecondaryIndex["Movie"]):
    Meta = _index_meta("by_status")
    status = UnicodeAttribute(hash_key=True)
    release_date = UnicodeAttribute(range_key=True)


class MovieReleaseIndex(GlobalSecondaryIndex["Movie"]):
    Meta = _index_meta("by_release")
    listed = UnicodeAttribute(hash_key=True)
    release_date = UnicodeAttribute(range_key=True)


@register_table
class Movie(Model):
    Meta = table_meta("movies", stream=True)  # the search indexer reads the stream

    movie_id = UnicodeAttribute(hash_key=True)
    title = UnicodeAttribute()
    original_title = UnicodeAttribute(null=True)
    genre_ids = ListAttribute[str](default=list)
    formats = ListAttribute[str](default=list)  # 2D / 3D / IMAX
    countries = ListAttribute[str](default=list)
    languages = ListAttribute[str](default=list)
    duration = NumberAttribute()  # minutes
    release_date = UnicodeAttribute()  # "YYYY-MM-DD"
    showing_until = UnicodeAttribute(null=True)  # "YYYY-MM-DD"; default from config
    status_pinned = UnicodeAttribute(null=True)  # coming | showing | ended
    # Derived (or pinned) status as of the last write or sweep; absent once deleted.
    status = UnicodeAttribute(null=True)
    listed = UnicodeAttribute(null=True)  # LISTED while not deleted
    synopsis = UnicodeAttribute(null=True)
    poster_key = UnicodeAttribute(null=True)
    still_keys = ListAttribute[str](default=list)
    cast = ListAttribute[CastMember](of=CastMember, default=list)
    age_rating = UnicodeAttribute(null=True)
    is_banner = BooleanAttribute(default=False)
    # Counters: other areas change them only with atomic ADD.
    want_count = NumberAttribute(default=0)
    view_count = NumberAttribute(default=0)
    rating_sum = NumberAttribute(default=0)
    rating_count = NumberAttribute(default=0)
    deleted = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    by_status = MovieStatusIndex()
    by_release = MovieReleaseIndex()


@register_table
class MovieGenre(Model):
    """Link item: the movie belongs to the genre (written with the movie)."""

    Meta = table_meta("movie-genres")

    genre_id = UnicodeAttribute(hash_key=True)
    movie_id = UnicodeAttribute(range_key=True)


class GenreKindIndex(GlobalSecondaryIndex["Genre"]):
    Meta = _index_meta("by_kind")
    kind = UnicodeAttribute(hash_key=True)


class AreaKindIndex(GlobalSecondaryIndex["Area"]):
    Meta = _index_meta("by_kind")
    kind = UnicodeAttribute(hash_key=True)


@register_table
class Genre(Model):
    Meta = table_meta("genres")

    genre_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    parent_id = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(default="genre")  # one partition: the whole tree in one Query
    created_at = UTCDateTimeAttribute()

    by_kind = GenreKindIndex()


@register_table
class Area(Model):
    """Province > city > district."""

    Meta = table_meta("areas")

    area_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    level = UnicodeAttribute()
    parent_id = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(default="area")

    by_kind = AreaKindIndex()


class CinemaCityIndex(GlobalSecondaryIndex["Cinema"]):
    Meta = _index_meta("by_city")
    city_id = UnicodeAttribute(hash_key=True)
    cinema_id = UnicodeAttribute(range_key=True)


class CinemaListedIndex(GlobalSecondaryIndex["Cinema"]):
    Meta = _index_meta("by_listed")
    listed = UnicodeAttribute(hash_key=True)
    cinema_id = UnicodeAttribute(range_key=True)


@register_table
class Cinema(Model):
    Meta = table_meta("cinemas")

    cinema_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    city_id = UnicodeAttribute()
    district_id = UnicodeAttribute(null=True)
    address = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    listed = UnicodeAttribute(null=True)  # LISTED while not deleted
    deleted = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    by_city = CinemaCityIndex()
    by_listed = CinemaListedIndex()


class HallCinemaIndex(GlobalSecondaryIndex["Hall"]):
    Meta = _index_meta("by_cinema")
    cinema_id = UnicodeAttribute(hash_key=True)
    hall_id = UnicodeAttribute(range_key=True)


@register_table
class Hall(Model):
    Meta = table_meta("halls")

    hall_id = UnicodeAttribute(hash_key=True)
    cinema_id = UnicodeAttribute()
    name = UnicodeAttribute()
    # [{"label": "E", "cells": [{"seat_id": "E01", "type": "vip"} | null (aisle), ...]}]
    layout = JSONAttribute()
    seat_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    by_cinema = HallCinemaIndex()


class ShowtimeMovieIndex(GlobalSecondaryIndex["Showtime"]):
    Meta = _index_meta("by_movie")
    movie_id = UnicodeAttribute(hash_key=True)
    starts_at = UTCDateTimeAttribute(range_key=True)


class ShowtimeCinemaIndex(GlobalSecondaryIndex["Showtime"]):
    Meta = _index_meta("by_cinema")
    cinema_id = UnicodeAttribute(hash_key=True)
    starts_at = UTCDateTimeAttribute(range_key=True)


class ShowtimeCityIndex(GlobalSecondaryIndex["Showtime"]):
    Meta = _index_meta("by_city")
    city_id = UnicodeAttribute(hash_key=True)
    starts_at = UTCDateTimeAttribute(range_key=True)


class ShowtimeHallIndex(GlobalSecondaryIndex["Showtime"]):
    Meta = _index_meta("by_hall")
    hall_id = UnicodeAttribute(hash_key=True)
    starts_at = UTCDateTimeAttribute(range_key=True)


class ShowtimeDayIndex(GlobalSecondaryIndex["Showtime"]):
    Meta = _index_meta("by_day")
    day = UnicodeAttribute(hash_key=True)
    starts_at = UTCDateTimeAttribute(range_key=True)


class ShowtimeListedIndex(GlobalSecondaryIndex["Showtime"]):
    """Every live showtime by start, across days: "what is on from now" is one key range.
    (Showtimes are written a few times each, so one partition key is no hot spot.)"""

    Meta = _index_meta("by_listed")
    listed = UnicodeAttribute(hash_key=True)
    starts_at = UTCDateTimeAttribute(range_key=True)


@register_table
class Showtime(Model):
    Meta = table_meta("showtimes")

    showtime_id = UnicodeAttribute(hash_key=True)
    movie_id = UnicodeAttribute()
    cinema_id = UnicodeAttribute()
    hall_id = UnicodeAttribute()
    city_id = UnicodeAttribute()
    starts_at = UTCDateTimeAttribute()
    ends_at = UTCDateTimeAttribute()  # start + duration + cleaning time
    day = UnicodeAttribute()  # local calendar day of starts_at, where the cinemas are
    local_time = UnicodeAttribute(null=True)  # "HH:MM" of starts_at there (time-of-day filter)
    format = UnicodeAttribute()
    language = UnicodeAttribute()
    prices = MapAttribute[str, Any]()  # seat type -> minor units (adult tickets)
    # ticket type -> seat type -> minor units, for the types besides adult (selling)
    ticket_prices = JSONAttribute(null=True)
    currency = UnicodeAttribute(default="cny")
    sales_open = BooleanAttribute(default=True)
    # set (with sales closed) when its movie or cinema is deleted: it leaves every list
    withdrawn = BooleanAttribute(default=False)
    listed = UnicodeAttribute(null=True)  # LISTED until withdrawn (sparse ``by_listed``)
    seat_count = NumberAttribute(default=0)
    # set once when staff cancel it: no sale commits after (chalicelib/boxoffice/gate.py)
    cancelled_at = UTCDateTimeAttribute(null=True)
    cancel_reason = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    # +1 on every write: booking caches a showtime's terms and checks this in the order's
    # transaction (chalicelib/booking/showtimes.py); absent on items from before it
    version = NumberAttribute(null=True)
    # a fresh random token with every write of the terms, copied in the same transaction
    # onto each counter shard (boxoffice.counters.add_terms_stamp): a hold checks it on
    # the shard it counts on instead of on this item; absent on items from before it
    terms_stamp = UnicodeAttribute(null=True)

    by_movie = ShowtimeMovieIndex()
    by_cinema = ShowtimeCinemaIndex()
    by_city = ShowtimeCityIndex()
    by_hall = ShowtimeHallIndex()
    by_day = ShowtimeDayIndex()
    by_listed = ShowtimeListedIndex()


@register_table
class HallSchedule(Model):
    """The intervals booked in one hall on one UTC day, guarded by ``version``."""

    Meta = table_meta("hall-schedules")

    hall_id = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)  # "YYYY-MM-DD" (UTC)
    # showtime id -> [starts_at epoch, ends_at epoch]
    slots = JSONAttribute(default=dict)
    version = NumberAttribute(default=0)
