"""What the catalogue accepts and answers: pydantic models shared by services and routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from chalicelib.core.pagination import PageQuery
from chalicelib.core.schema import Schema

Format = Literal["2D", "3D", "IMAX"]
Status = Literal["coming", "showing", "ended"]
SeatType = Literal["standard", "vip", "couple-left", "couple-right", "wheelchair"]
Day = date  # a field named ``date`` cannot be annotated with ``date`` itself
Price = Annotated[int, Field(ge=0, le=100_000_000)]  # minor units
Id = Field(min_length=1, max_length=64)
Name = Field(min_length=1, max_length=100)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


# --- genres ---------------------------------------------------------------------------


class GenreIn(Strict):
    name: str = Name
    parent_id: str | None = Field(default=None, max_length=64)


class GenrePatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    parent_id: str | None = Field(default=None, max_length=64)


class GenreOut(Schema):
    genre_id: str
    name: str
    parent_id: str | None
    children: list[GenreOut] = []


# --- movies ---------------------------------------------------------------------------


class CastIn(Strict):
    person: str = Name
    role: Literal["director", "actor", "writer"]
    character: str | None = Field(default=None, max_length=100)


ShortText = Field(min_length=1, max_length=60)


class MovieFields(Strict):
    """Every editable field; creation requires some, a PATCH sends any."""

    original_title: str | None = Field(default=None, max_length=200)
    genre_ids: list[str] = Field(default_factory=list, max_length=10)
    formats: list[Format] = Field(
        default_factory=lambda: list[Format](["2D"]), min_length=1, max_length=3
    )
    countries: list[str] = Field(default_factory=list, max_length=10)
    languages: list[str] = Field(default_factory=list, max_length=10)
    showing_until: date | None = None
    status_pinned: Status | None = None
    synopsis: str | None = Field(default=None, max_length=2000)
    poster_key: str | None = Field(default=None, max_length=300)
    still_keys: list[str] = Field(default_factory=list, max_length=20)
    cast: list[CastIn] = Field(default_factory=list, max_length=100)
    age_rating: str | None = Field(default=None, max_length=10)
    is_banner: bool = False


class MovieIn(MovieFields):
    title: str = Field(min_length=1, max_length=200)
    duration: int = Field(ge=1, le=600)
    release_date: date


class MoviePatch(MovieFields):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    duration: int | None = Field(default=None, ge=1, le=600)
    release_date: date | None = None


class CastOut(Schema):
    person: str
    role: str
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
    formats: list[str]
    countries: list[str]
    languages: list[str]
    duration: int
    release_date: str
    showing_until: str | None
    status: str
    status_pinned: str | None
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
    rating_average: float | None
    created_at: datetime
    updated_at: datetime


MovieSort = Literal["-release_date", "-rating", "-want_count", "title"]


class MovieQuery(PageQuery):
    genre: str | None = Field(default=None, max_length=64)
    status: Status | None = None
    city: str | None = Field(default=None, max_length=64)
    date: Day | None = None
    year: int | None = Field(default=None, ge=1888, le=2100)
    sort: MovieSort = "-release_date"


# --- areas, cinemas, halls ------------------------------------------------------------


class AreaIn(Strict):
    name: str = Name
    level: Literal["province", "city", "district"]
    parent_id: str | None = Field(default=None, max_length=64)


class CinemaRef(Schema):
    cinema_id: str
    name: str
    district_id: str | None


class AreaOut(Schema):
    area_id: str
    name: str
    level: str
    parent_id: str | None
    children: list[AreaOut] = []
    cinemas: list[CinemaRef] = []


class CinemaIn(Strict):
    name: str = Name
    city_id: str = Id
    district_id: str | None = Field(default=None, max_length=64)
    address: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=30, pattern=r"^[0-9+\-() ]+$")


class CinemaPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    city_id: str | None = Field(default=None, min_length=1, max_length=64)
    district_id: str | None = Field(default=None, max_length=64)
    address: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=30, pattern=r"^[0-9+\-() ]+$")


class SeatCell(Strict):
    seat_id: str = Field(pattern=r"^[A-Za-z0-9-]{1,8}$")
    type: SeatType = "standard"


class LayoutRow(Strict):
    label: str = Field(min_length=1, max_length=3)
    cells: list[SeatCell | None] = Field(min_length=1, max_length=80)  # null: an aisle


class Layout(Strict):
    rows: list[LayoutRow] = Field(min_length=1, max_length=60)


class HallIn(Strict):
    name: str = Name
    layout: Layout


class HallPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    layout: Layout | None = None


class HallOut(Schema):
    hall_id: str
    cinema_id: str
    name: str
    seat_count: int
    seat_types: list[str]
    layout: Layout


class CinemaOut(Schema):
    cinema_id: str
    name: str
    city_id: str
    district_id: str | None
    address: str
    phone: str | None
    halls: list[HallOut] | None = None  # on the detail only


class CinemaQuery(PageQuery):
    city: str | None = Field(default=None, max_length=64)
    movie: str | None = Field(default=None, max_length=64)
    date: Day | None = None


# --- showtimes ------------------------------------------------------------------------


class ShowtimeIn(Strict):
    movie_id: str = Id
    hall_id: str = Id
    starts_at: AwareDatetime
    format: Format = "2D"
    language: str = Field(min_length=1, max_length=30)
    prices: dict[SeatType, Price] = Field(min_length=1)
    currency: str = Field(default="cny", pattern=r"^[a-z]{3}$")
    sales_open: bool = True


class ShowtimePatch(Strict):
    starts_at: AwareDatetime | None = None
    format: Format | None = None
    language: str | None = Field(default=None, min_length=1, max_length=30)
    sales_open: bool | None = None


class ShowtimeOut(Schema):
    showtime_id: str
    movie_id: str
    cinema_id: str
    hall_id: str
    city_id: str
    starts_at: str
    ends_at: str
    format: str
    language: str
    prices: dict[str, int]
    currency: str
    sales_open: bool
    seat_count: int
    cancelled_at: str | None = None  # staff cancelled it: nothing sells, orders are refunded
    cancel_reason: str | None = None
    cancellation: CancellationProgress | None = None  # GET /showtimes/{id} of a cancelled one


class CancellationProgress(Schema):
    """How far refunding a cancelled showtime's orders has got."""

    status: str  # running | done
    orders_total: int
    orders_done: int


class ShowtimeQuery(PageQuery):
    movie: str | None = Field(default=None, max_length=64)
    cinema: str | None = Field(default=None, max_length=64)
    city: str | None = Field(default=None, max_length=64)
    date: Day | None = None
