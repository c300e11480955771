"""Catalogue routes: genres, movies, areas, cinemas, halls, showtimes.

Reads are public and cacheable (ETag + Cache-Control); writes need the staff role.
Scheduling a showtime (or moving one) goes through booking's inventory, which opens the
seats the showtime sells.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.accounts.tokens import Principal
from chalicelib.api.routing import Link, Reply, route
from chalicelib.booking import inventory
from chalicelib.booking.catalogue import SCHEDULING_PROBLEMS
from chalicelib.boxoffice import cancellation
from chalicelib.catalog import areas, cinemas, genres, movie_lists, movies, showtime_lists
from chalicelib.catalog import showtimes as showtime_service
from chalicelib.catalog.schemas import (
    AreaIn,
    AreaOut,
    CancellationProgress,
    CinemaIn,
    CinemaOut,
    CinemaPatch,
    CinemaQuery,
    GenreIn,
    GenreOut,
    GenrePatch,
    HallIn,
    HallOut,
    HallPatch,
    MovieIn,
    MovieOut,
    MoviePatch,
    MovieQuery,
    ShowtimeIn,
    ShowtimeOut,
    ShowtimePatch,
    ShowtimeQuery,
)
from chalicelib.community import history
from chalicelib.core.errors import Conflict, UnknownReference
from chalicelib.core.pagination import Page
from chalicelib.core.roles import Role

bp = Blueprint(__name__)

#: how long shared caches may keep a public read
TREE_CACHE = 300  # genres, areas: change rarely
LIST_CACHE = 30

STAFF = Role.STAFF
W = ("POST",)
TAGS = ("catalog",)


def _on(operation: str, param: str, pointer: str, description: str = "") -> Link:
    """A link whose one parameter is a field of this route's answer."""
    return Link(operation, {param: f"$response.body#/{pointer}"}, description=description)


def _with_body(operation: str, field: str, pointer: str) -> Link:
    """A link that puts a field of this route's answer in the next request's body."""
    return Link(operation, body={field: f"$response.body#/{pointer}"})


# --- genres ---------------------------------------------------------------------------

GENRE_LINKS = {
    "update": _on("update_genre", "genre_id", "genre_id"),
    "delete": _on("delete_genre", "genre_id", "genre_id"),
    "add_child": _with_body("create_genre", "parent_id", "genre_id"),
}


@route(bp, "/genres", response=list[GenreOut], tags=TAGS, cache_seconds=TREE_CACHE)
def list_genres() -> list[GenreOut]:
    """The genre tree: root genres, each with its sub-genres."""
    return genres.genre_tree()


@route(
    bp,
    "/genres",
    methods=W,
    body=GenreIn,
    response=GenreOut,
    status=201,
    auth=STAFF,
    errors=(UnknownReference,),
    links=GENRE_LINKS,
    tags=TAGS,
)
def create_genre(body: GenreIn) -> GenreOut:
    """Add a genre, at the root or under a parent (404 for an unknown parent)."""
    return genres.create_genre(body)


@route(
    bp,
    "/genres/{genre_id}",
    methods=("PATCH",),
    body=GenrePatch,
    response=GenreOut,
    auth=STAFF,
    errors=(UnknownReference, Conflict),
    tags=TAGS,
)
def update_genre(genre_id: str, body: GenrePatch) -> GenreOut:
    """Rename a genre or move it under another parent (409 under itself or a sub-genre)."""
    return genres.update_genre(genre_id, body)


@route(
    bp,
    "/genres/{genre_id}",
    methods=("DELETE",),
    status=204,
    auth=STAFF,
    errors=(Conflict,),
    tags=TAGS,
)
def delete_genre(genre_id: str) -> None:
    """Delete a genre nothing refers to (409 with sub-genres or movies)."""
    genres.delete_genre(genre_id)


# --- movies ---------------------------------------------------------------------------

MOVIE_LINKS = {
    "open": _on("open_movie", "movie_id", "movie_id"),
    "update": _on("update_movie", "movie_id", "movie_id"),
    "delete": _on("delete_movie", "movie_id", "movie_id"),
    "rating": _on("my_rating", "movie_id", "movie_id"),
    "rate": _on("rate_movie", "movie_id", "movie_id"),
    "want": _on("want_movie", "movie_id", "movie_id"),
    "comments": _on("list_comments", "movie_id", "movie_id"),
    "comment": _on("post_comment", "movie_id", "movie_id"),
    "schedule": _with_body("create_showtime", "movie_id", "movie_id"),
}


@route(
    bp,
    "/movies",
    query=MovieQuery,
    response=Page[MovieOut],
    errors=(UnknownReference,),
    tags=TAGS,
    cache_seconds=LIST_CACHE,
)
def list_movies(query: MovieQuery) -> Page[MovieOut]:
    """Movies, filtered by genre (with sub-genres), status, city, date and release year.

    404 for a genre or city that does not exist."""
    return movie_lists.list_movies(query)


@route(bp, "/movies/{movie_id}", response=MovieOut, auth="optional", tags=TAGS)
def open_movie(movie_id: str, principal: Principal | None) -> MovieOut:
    """A movie's detail. Opening it counts a view; not cached, since every open counts
    and a signed-in caller's visit is recorded."""
    movie = movies.open_movie(movie_id)
    if principal is not None:
        history.record_view_quietly(principal.user_id, movie_id)
    return movie


@route(
    bp,
    "/movies",
    methods=W,
    body=MovieIn,
    response=MovieOut,
    status=201,
    auth=STAFF,
    errors=(UnknownReference,),
    links=MOVIE_LINKS,
    location=True,
    tags=TAGS,
)
def create_movie(body: MovieIn) -> Reply:
    """Add a movie; its status follows its dates unless pinned. Genres, the poster and the
    stills must exist (404 names the field)."""
    movie = movies.create_movie(body)
    return Reply(movie, headers={"Location": f"/movies/{movie.movie_id}"})


@route(
    bp,
    "/movies/{movie_id}",
    methods=("PATCH",),
    body=MoviePatch,
    response=MovieOut,
    auth=STAFF,
    errors=(UnknownReference,),
    tags=TAGS,
)
def update_movie(movie_id: str, body: MoviePatch) -> MovieOut:
    """Edit a movie; ``poster_key``/``still_keys`` must name uploaded images."""
    return movies.update_movie(movie_id, body)


@route(bp, "/movies/{movie_id}", methods=("DELETE",), status=204, auth=STAFF, tags=TAGS)
def delete_movie(movie_id: str) -> None:
    """Soft delete: the movie leaves every list and the search index."""
    movies.delete_movie(movie_id)


# --- areas, cinemas, halls ------------------------------------------------------------


@route(bp, "/cities", response=list[AreaOut], tags=TAGS, cache_seconds=TREE_CACHE)
def list_cities() -> list[AreaOut]:
    """The area tree (province > city > district), each city with its cinemas."""
    return areas.area_tree()


@route(
    bp,
    "/areas",
    methods=W,
    body=AreaIn,
    response=AreaOut,
    status=201,
    auth=STAFF,
    errors=(UnknownReference,),
    links={
        "add_child": _with_body("create_area", "parent_id", "area_id"),
        "add_cinema": _with_body("create_cinema", "city_id", "area_id"),
    },
    tags=TAGS,
)
def create_area(body: AreaIn) -> AreaOut:
    """Add a province, a city (under a province) or a district (under a city)."""
    return areas.create_area(body)


@route(
    bp,
    "/cinemas",
    query=CinemaQuery,
    response=Page[CinemaOut],
    errors=(UnknownReference,),
    tags=TAGS,
    cache_seconds=LIST_CACHE,
)
def list_cinemas(query: CinemaQuery) -> Page[CinemaOut]:
    """Cinemas by city, or those showing a movie (from now on or on a date)."""
    return showtime_lists.list_cinemas(query)


@route(bp, "/cinemas/{cinema_id}", response=CinemaOut, tags=TAGS, cache_seconds=LIST_CACHE)
def get_cinema(cinema_id: str) -> CinemaOut:
    """A cinema with its halls and their seat layouts."""
    return cinemas.get_cinema(cinema_id)


@route(
    bp,
    "/cinemas",
    methods=W,
    body=CinemaIn,
    response=CinemaOut,
    status=201,
    auth=STAFF,
    errors=(UnknownReference, Conflict),
    location=True,
    links={
        "get": _on("get_cinema", "cinema_id", "cinema_id"),
        "update": _on("update_cinema", "cinema_id", "cinema_id"),
        "delete": _on("delete_cinema", "cinema_id", "cinema_id"),
        "add_hall": _on("create_hall", "cinema_id", "cinema_id"),
    },
    tags=TAGS,
)
def create_cinema(body: CinemaIn) -> Reply:
    """Add a cinema in a city (and optionally one of its districts: 409 for another's)."""
    cinema = cinemas.create_cinema(body)
    return Reply(cinema, headers={"Location": f"/cinemas/{cinema.cinema_id}"})


@route(
    bp,
    "/cinemas/{cinema_id}",
    methods=("PATCH",),
    body=CinemaPatch,
    response=CinemaOut,
    auth=STAFF,
    errors=(UnknownReference, Conflict),
    tags=TAGS,
)
def update_cinema(cinema_id: str, body: CinemaPatch) -> CinemaOut:
    """Edit a cinema."""
    return cinemas.update_cinema(cinema_id, body)


@route(bp, "/cinemas/{cinema_id}", methods=("DELETE",), status=204, auth=STAFF, tags=TAGS)
def delete_cinema(cinema_id: str) -> None:
    """Soft delete: the cinema leaves every list."""
    cinemas.delete_cinema(cinema_id)


@route(
    bp,
    "/cinemas/{cinema_id}/halls",
    methods=W,
    body=HallIn,
    response=HallOut,
    status=201,
    auth=STAFF,
    location=True,
    links={
        "get": _on("get_hall", "hall_id", "hall_id"),
        "update": _on("update_hall", "hall_id", "hall_id"),
        "schedule": _with_body("create_showtime", "hall_id", "hall_id"),
    },
    tags=TAGS,
)
def create_hall(cinema_id: str, body: HallIn) -> Reply:
    """Add a hall with its seat layout (rows of seats and aisle gaps)."""
    hall = cinemas.create_hall(cinema_id, body)
    return Reply(hall, headers={"Location": f"/halls/{hall.hall_id}"})


@route(bp, "/halls/{hall_id}", response=HallOut, tags=TAGS, cache_seconds=LIST_CACHE)
def get_hall(hall_id: str) -> HallOut:
    """A hall and its seat layout."""
    return cinemas.hall_detail(hall_id)


@route(
    bp,
    "/halls/{hall_id}",
    methods=("PATCH",),
    body=HallPatch,
    response=HallOut,
    auth=STAFF,
    tags=TAGS,
)
def update_hall(hall_id: str, body: HallPatch) -> HallOut:
    """Rename a hall or change its layout (for showtimes created afterwards)."""
    return cinemas.update_hall(hall_id, body)


# --- showtimes ------------------------------------------------------------------------


@route(
    bp,
    "/showtimes",
    query=ShowtimeQuery,
    response=Page[ShowtimeOut],
    errors=(UnknownReference,),
    tags=TAGS,
    cache_seconds=LIST_CACHE,
)
def list_showtimes(query: ShowtimeQuery) -> Page[ShowtimeOut]:
    """Showtimes not yet started, in start order: by movie, cinema, city and/or date, format,
    language and local time of day (``from_time``-``to_time``, both included; from after
    to spans midnight). Without filters: everything upcoming, across days."""
    return showtime_lists.list_showtimes(query)


@route(bp, "/showtimes/{showtime_id}", response=ShowtimeOut, tags=TAGS, cache_seconds=LIST_CACHE)
def get_showtime(showtime_id: str) -> ShowtimeOut:
    """A showtime with its prices per seat type; a cancelled one with its refunds' progress."""
    out = showtime_service.showtime_detail(showtime_id)
    if out.cancelled_at is not None:
        found = cancellation.progress(showtime_id)
        if found is not None:
            out.cancellation = CancellationProgress(
                status=found.status, orders_total=found.orders_total, orders_done=found.orders_done
            )
    return out


@route(
    bp,
    "/showtimes",
    methods=W,
    body=ShowtimeIn,
    response=ShowtimeOut,
    status=201,
    auth=STAFF,
    errors=SCHEDULING_PROBLEMS,
    location=True,
    links={
        "get": _on("get_showtime", "showtime_id", "showtime_id"),
        "update": _on("update_showtime", "showtime_id", "showtime_id"),
        "seats": _on("seat_map", "showtime_id", "showtime_id"),
        "quote": _with_body("quote_order", "showtime_id", "showtime_id"),
        "order": _with_body("place_order", "showtime_id", "showtime_id"),
    },
    tags=TAGS,
)
def create_showtime(body: ShowtimeIn) -> Reply:
    """Schedule a movie in a hall and open its seats for sale.

    404 for an unknown movie or hall; 409 when the hall is busy then (naming the other
    showtime), when the movie is not shown in that format, or when the prices do not
    match the hall's seat types one to one."""
    showtime = inventory.schedule_showtime(body)
    return Reply(showtime, headers={"Location": f"/showtimes/{showtime.showtime_id}"})


@route(
    bp,
    "/showtimes/{showtime_id}",
    methods=("PATCH",),
    body=ShowtimePatch,
    response=ShowtimeOut,
    auth=STAFF,
    errors=SCHEDULING_PROBLEMS,
    tags=TAGS,
)
def update_showtime(showtime_id: str, body: ShowtimePatch) -> ShowtimeOut:
    """Open or close sales, change format or language, or move the start (409 on overlap,
    or once seats are held or sold)."""
    return inventory.change_showtime(showtime_id, body)
