"""What the catalogue accepts and answers: request models (``*In``, ``*Patch``,
``*Query``), response models (``*Out``) and the one function per answer that builds it
from a stored item (``*_out``). Services return these; routes return what services return.

A PATCH model's fields default to ``MISSING``: a field that is not sent is not changed, and
``null`` is only accepted (to clear the field) where the field is nullable.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import MISSING, AwareDatetime, ConfigDict, Field, RootModel

from chalicelib.catalog.rules import (
    Cell,
    Row,
    SeatSpec,
    derive_status,
    rating_average,
    seat_types,
    validate_layout,
)
from chalicelib.catalog.support import local_today, media_url
from chalicelib.core.clock import Timestamp
from chalicelib.core.config import get_settings
from chalicelib.core.errors import Conflict
from chalicelib.core.ids import Id
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schema import Day, Patch, Schema
from chalicelib.selling.ticket_rules import TicketTypeName, full_table

if TYPE_CHECKING:
    from chalicelib.catalog.models import Area, Cinema, Genre, Hall, Movie, Showtime

Format = Literal["2D", "3D", "IMAX"]
Status = Literal["coming", "showing", "ended"]
SeatType = Literal["standard", "vip", "couple-left", "couple-right", "wheelchair"]
AreaLevelName = Literal["province", "city", "district"]
CastRole = Literal["director", "actor", "writer"]
Price = Annotated[int, Field(ge=0, le=100_000_000, description="Minor units.")]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Currency = Annotated[str, Field(pattern=r"^[a-z]{3}$", description="ISO 4217, lower-case.")]
Phone = Annotated[str, Field(max_length=30, pattern=r"^[0-9+\-() ]+$")]
MediaKey = Annotated[str, Field(min_length=1, max_length=300)]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


# --- genres ---------------------------------------------------------------------------


class GenreIn(Strict):
    name: Name
    parent_id: Id | None = None


class GenrePatch(Patch):
    name: Name | MISSING = MISSING
    parent_id: Id | MISSING | None = Field(default=MISSING, description="null: a root genre.")


class GenreOut(Schema):
    genre_id: str
    name: str
    parent_id: str | None
    children: list[GenreOut] = []


# --- movies ---------------------------------------------------------------------------


class CastIn(Strict):
    person: Name
    role: CastRole
    character: str | None = Field(default=None, max_length=100)


ShortText = Annotated[str, Field(max_length=60)]
DATES_RULE = "showing_until, when set, is not before release_date."


class MovieIn(Strict):
    title: str = Field(min_length=1, max_length=200)
    original_title: str | None = Field(default=None, max_length=200)
    genre_ids: list[Id] = Field(default_factory=list, max_length=10)
    formats: list[Format] = Field(
        default_factory=lambda: list[Format](["2D"]), min_length=1, max_length=3
    )
    countries: list[ShortText] = Field(default_factory=list, max_length=10)
    languages: list[ShortText] = Field(default_factory=list, max_length=10)
    duration: int = Field(ge=1, le=600, description="Minutes.")
    release_date: Day
    showing_until: Day | None = Field(default=None, description=DATES_RULE)
    status_pinned: Status | None = None
    synopsis: str | None = Field(default=None, max_length=2000)
    poster_key: MediaKey | None = Field(default=None, description="An uploaded poster.")
    still_keys: list[MediaKey] = Field(
        default_factory=list, max_length=20, description="Uploaded stills."
    )
    cast: list[CastIn] = Field(default_factory=list, max_length=100)
    age_rating: str | None = Field(default=None, max_length=10)
    is_banner: bool = False


class MoviePatch(Patch):
    """Only the fields sent change; ``null`` clears an optional one."""

    title: str | MISSING = Field(default=MISSING, min_length=1, max_length=200)
    original_title: str | MISSING | None = Field(default=MISSING, max_length=200)
    genre_ids: list[Id] | MISSING = Field(default=MISSING, max_length=10)
    formats: list[Format] | MISSING = Field(default=MISSING, min_length=1, max_length=3)
    countries: list[ShortText] | MISSING = Field(default=MISSING, max_length=10)
    languages: list[ShortText] | MISSING = Field(default=MISSING, max_length=10)
    duration: int | MISSING = Field(default=MISSING, ge=1, le=600)
    release_date: Day | MISSING = MISSING
    showing_until: Day | MISSING | None = Field(default=MISSING, description=DATES_RULE)
    status_pinned: Status | MISSING | None = MISSING
    synopsis: str | MISSING | None = Field(default=MISSING, max_length=2000)
    poster_key: MediaKey | MISSING | None = MISSING
    still_keys: list[MediaKey] | MISSING = Field(default=MISSING, max_length=20)
    cast: list[CastIn] | MISSING = Field(default=MISSING, max_length=100)
    age_rating: str | MISSING | None = Field(default=MISSING, max_length=10)
    is_banner: bool | MISSING = MISSING


class CastOut(Schema):
    person: str
    role: CastRole
    character: str | None = None


class GenreRef(Schema):
    genre_id: str
    name: str


class MovieOut(Schema):
    movie_id: str
    title: str
    original_title: str | None
    genre_ids: list[str]
    genres: list[GenreRef]
    formats: list[Format]
    countries: list[str]
    languages: list[str]
    duration: int
    release_date: Day
    showing_until: Day | None
    status: Status
    status_pinned: Status | None
    synopsis: str | None
    poster_key: str | None
    poster_url: str | None
    still_keys: list[str]
    still_urls: list[str]
    cast: list[CastOut]
    age_rating: str | None
    is_banner: bool
    want_count: int
    view_count: int
    rating_count: int
    rating_average: float | None = Field(description="1.0-10.0, one decimal; null unrated.")
    created_at: Timestamp
    updated_at: Timestamp


MovieSort = Literal["-release_date", "-rating", "-want_count", "title"]


class MovieQuery(PageQuery):
    genre: Id | None = Field(default=None, description="With its sub-genres.")
    status: Status | None = None
    city: Id | None = Field(default=None, description="Showing there from now on.")
    date: Day | None = Field(default=None, description="Showing on this local day.")
    year: int | None = Field(default=None, ge=1888, le=2100, description="Release year.")
    sort: MovieSort = "-release_date"


# --- areas, cinemas, halls ------------------------------------------------------------


class ProvinceIn(Strict):
    name: Name
    level: Literal["province"]
    parent_id: None = None


class CityIn(Strict):
    name: Name
    level: Literal["city"]
    parent_id: Id = Field(description="Its province.")


class DistrictIn(Strict):
    name: Name
    level: Literal["district"]
    parent_id: Id = Field(description="Its city.")


class AreaIn(RootModel[Annotated[ProvinceIn | CityIn | DistrictIn, Field(discriminator="level")]]):
    """A province, a city (in a province) or a district (in a city)."""

    model_config = ConfigDict(defer_build=True)


class CinemaRef(Schema):
    cinema_id: str
    name: str
    district_id: str | None


class AreaOut(Schema):
    area_id: str
    name: str
    level: AreaLevelName
    parent_id: str | None
    children: list[AreaOut] = []
    cinemas: list[CinemaRef] = []


class CinemaIn(Strict):
    name: Name
    city_id: Id
    district_id: Id | None = Field(default=None, description="A district of that city.")
    address: str = Field(min_length=1, max_length=200)
    phone: Phone | None = None


class CinemaPatch(Patch):
    name: Name | MISSING = MISSING
    city_id: Id | MISSING = MISSING
    district_id: Id | MISSING | None = MISSING
    address: str | MISSING = Field(default=MISSING, min_length=1, max_length=200)
    phone: Phone | MISSING | None = MISSING


LAYOUT_RULES = (
    "Row labels and seat ids are unique in a hall; a couple-left seat sits right before "
    "a couple-right seat."
)


class SeatCell(Strict):
    seat_id: str = Field(pattern=r"^[A-Za-z0-9-]{1,8}$")
    type: SeatType = "standard"


class LayoutRow(Strict):
    label: str = Field(min_length=1, max_length=3)
    cells: list[SeatCell | None] = Field(
        min_length=1, max_length=80, description="null: an aisle gap."
    )


class Layout(Strict):
    rows: list[LayoutRow] = Field(min_length=1, max_length=60, description=LAYOUT_RULES)


class HallIn(Strict):
    name: Name
    layout: Layout


class HallPatch(Patch):
    """A new layout applies to showtimes created afterwards."""

    name: Name | MISSING = MISSING
    layout: Layout | MISSING = MISSING


class HallOut(Schema):
    hall_id: str
    cinema_id: str
    name: str
    seat_count: int
    seat_types: list[SeatType]
    layout: Layout


class CinemaOut(Schema):
    cinema_id: str
    name: str
    city_id: str
    district_id: str | None
    address: str
    phone: str | None
    halls: list[HallOut] | None = Field(default=None, description="On the detail only.")


class CinemaQuery(PageQuery):
    city: Id | None = None
    movie: Id | None = Field(default=None, description="Showing it (from now on, or on date).")
    date: Day | None = None


# --- showtimes ------------------------------------------------------------------------


class ShowtimeIn(Strict):
    movie_id: Id
    hall_id: Id
    starts_at: AwareDatetime = Field(description="In the future.")
    format: Format = "2D"
    language: str = Field(min_length=1, max_length=30)
    prices: dict[SeatType, Price] = Field(
        min_length=1, description="One price for each seat type of the hall, no other."
    )
    currency: Currency = "cny"
    sales_open: bool = True


class ShowtimePatch(Patch):
    starts_at: AwareDatetime | MISSING = Field(
        default=MISSING, description="In the future; only while no seat is held or sold."
    )
    format: Format | MISSING = MISSING
    language: str | MISSING = Field(default=MISSING, min_length=1, max_length=30)
    sales_open: bool | MISSING = MISSING


class ShowtimeOut(Schema):
    showtime_id: str
    movie_id: str
    cinema_id: str
    hall_id: str
    city_id: str
    starts_at: Timestamp
    ends_at: Timestamp = Field(description="The film plus the cleaning after it.")
    format: Format
    language: str
    prices: dict[SeatType, int] = Field(description="Adult tickets, per seat type.")
    ticket_prices: dict[TicketTypeName, dict[SeatType, int]] = Field(
        description="Ticket type -> seat type -> price; adult is ``prices``."
    )
    currency: str
    sales_open: bool
    seat_count: int
    seats_left: int = Field(
        description="Free seats (neither held, sold nor blocked), from counters kept in the "
        "seat transactions; a lapsed hold counts until it is swept (under a minute)."
    )
    sold_out: bool = Field(description="No seat left.")
    cancelled_at: Timestamp | None = Field(
        default=None, description="Staff cancelled it: nothing sells, its orders are refunded."
    )
    cancel_reason: str | None = None
    cancellation: CancellationProgress | None = Field(
        default=None, description="How far refunding a cancelled showtime's orders has got."
    )


class CancellationProgress(Schema):
    """How far refunding a cancelled showtime's orders has got."""

    status: Literal["running", "done"]
    orders_total: int
    orders_done: int


#: a local time of day, "HH:MM" (24 h)
TimeOfDay = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class ShowtimeQuery(PageQuery):
    movie: Id | None = None
    cinema: Id | None = None
    city: Id | None = None
    date: Day | None = Field(
        default=None, description="A local day (the rest of it); none: from now on."
    )
    format: Format | None = None
    language: str | None = Field(default=None, min_length=1, max_length=50)
    from_time: TimeOfDay | None = Field(
        default=None,
        description="Starting at this local time or later (to_time before it: "
        "the range spans midnight).",
    )
    to_time: TimeOfDay | None = Field(default=None, description="...and at this time or earlier.")
    available_only: bool = Field(default=False, description="Leave sold-out showtimes out.")


class BusyHall(Schema):
    conflicting_showtime_id: str


class HallBusy(Conflict):
    """The hall is busy then: another showtime overlaps this one."""

    slug, title = "hall-busy", "Hall Busy"
    members = BusyHall

    def __init__(self, other_showtime_id: str) -> None:
        super().__init__(
            "The hall is busy then: another showtime overlaps this one.",
            extra={"conflicting_showtime_id": other_showtime_id},
        )


# --- from items to answers ------------------------------------------------------------


def genre_out(genre: Genre) -> GenreOut:
    return GenreOut(genre_id=genre.genre_id, name=genre.name, parent_id=genre.parent_id)


def area_out(area: Area) -> AreaOut:
    return AreaOut(
        area_id=area.area_id,
        name=area.name,
        level=area.level,  # type: ignore[arg-type]  # written from AreaLevelName only
        parent_id=area.parent_id,
    )


def current_status(movie: Movie) -> str:
    """The movie's status today (its dates, unless pinned)."""
    return derive_status(
        movie.release_date,
        movie.showing_until,
        movie.status_pinned,
        local_today(),
        get_settings().movie_showing_days,
    )


def movie_out(movie: Movie, genre_names: Mapping[str, str]) -> MovieOut:
    """``genre_names``: genre id -> name, for the genres shown with the movie."""
    return MovieOut(
        movie_id=movie.movie_id,
        title=movie.title,
        original_title=movie.original_title,
        genre_ids=list(movie.genre_ids),
        genres=[
            GenreRef(genre_id=g, name=genre_names[g]) for g in movie.genre_ids if g in genre_names
        ],
        formats=list(movie.formats),  # type: ignore[arg-type]  # written from Format only
        countries=list(movie.countries),
        languages=list(movie.languages),
        duration=int(movie.duration),
        release_date=date.fromisoformat(movie.release_date),
        showing_until=date.fromisoformat(movie.showing_until) if movie.showing_until else None,
        status=current_status(movie),  # type: ignore[arg-type]  # one of MovieStatus.ALL
        status_pinned=movie.status_pinned,  # type: ignore[arg-type]
        synopsis=movie.synopsis,
        poster_key=movie.poster_key,
        poster_url=media_url(movie.poster_key),
        still_keys=list(movie.still_keys),
        still_urls=[u for u in (media_url(k) for k in movie.still_keys) if u],
        cast=[
            CastOut(person=c.person, role=c.role, character=c.character)  # type: ignore[arg-type]
            for c in movie.cast
        ],
        age_rating=movie.age_rating,
        is_banner=bool(movie.is_banner),
        want_count=int(movie.want_count),
        view_count=int(movie.view_count),
        rating_count=int(movie.rating_count),
        rating_average=rating_average(int(movie.rating_sum), int(movie.rating_count)),
        created_at=movie.created_at,
        updated_at=movie.updated_at,
    )


def cinema_out(cinema: Cinema, halls: list[HallOut] | None = None) -> CinemaOut:
    return CinemaOut(
        cinema_id=cinema.cinema_id,
        name=cinema.name,
        city_id=cinema.city_id,
        district_id=cinema.district_id,
        address=cinema.address,
        phone=cinema.phone,
        halls=halls,
    )


def layout_rows(layout: Layout | dict[str, Any]) -> list[Row]:
    """A layout as the rules read it: (label, cells) per row, ``None`` for an aisle."""
    model = layout if isinstance(layout, Layout) else Layout.model_validate(layout)
    return [
        (row.label, [Cell(c.seat_id, c.type) if c else None for c in row.cells])
        for row in model.rows
    ]


def layout_seats(layout: Layout | dict[str, Any]) -> list[SeatSpec]:
    """The seats of a stored (so already validated) layout."""
    return validate_layout(layout_rows(layout))


def hall_out(hall: Hall) -> HallOut:
    layout = Layout.model_validate(hall.layout)
    return HallOut(
        hall_id=hall.hall_id,
        cinema_id=hall.cinema_id,
        name=hall.name,
        seat_count=int(hall.seat_count),
        seat_types=sorted(seat_types(layout_seats(layout))),  # type: ignore[arg-type]
        layout=layout,
    )


def showtime_out(showtime: Showtime, seats_left: int) -> ShowtimeOut:
    """``seats_left`` from the showtime's counters (``chalicelib.boxoffice.counters``)."""
    prices = {k: int(v) for k, v in showtime.prices.as_dict().items()}
    return ShowtimeOut(
        showtime_id=showtime.showtime_id,
        movie_id=showtime.movie_id,
        cinema_id=showtime.cinema_id,
        hall_id=showtime.hall_id,
        city_id=showtime.city_id,
        starts_at=showtime.starts_at,
        ends_at=showtime.ends_at,
        format=showtime.format,  # type: ignore[arg-type]  # written from Format only
        language=showtime.language,
        prices=prices,
        ticket_prices=full_table(prices, showtime.ticket_prices or {}),  # type: ignore[arg-type]
        currency=showtime.currency,
        sales_open=bool(showtime.sales_open),
        seat_count=int(showtime.seat_count),
        seats_left=seats_left,
        sold_out=seats_left == 0,
        cancelled_at=showtime.cancelled_at,
        cancel_reason=showtime.cancel_reason,
    )
