"""Catalogue routes: genres, movies, areas, cinemas, halls, showtimes.

Reads are public and cacheable (ETag + Cache-Control); writes need the staff role.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.accounts.roles import Role
from chalicelib.accounts.tokens import Principal
from chalicelib.api.routing import route
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
from chalicelib.core.pagination import Page

bp = Blueprint(__name__)

#: how long shared caches may keep a public read
TREE_CACHE = 300  # genres, areas: change rarely
LIST_CACHE = 30

STAFF = Role.STAFF
W = ("POST",)


# --- genres ---------------------------------------------------------------------------


@route(bp, "/genres", response=list[GenreOut], tags=("catalog",), cache_seconds=TREE_CACHE)
def list_genres() -> list[GenreOut]:
    """The genre tree: root genres, each with its sub-genres."""
    return genres.genre_tree()


@route(bp, "/genres", methods=W, body=GenreIn, response=GenreOut, status=201, auth=STAFF)
def create_genre(body: GenreIn) -> GenreOut:
    """Add a genre, at the root or under a parent."""
    return genres.create_genre(body)


@route(bp, "/genres/{genre_id}", methods=("PATCH",), body=GenrePatch, auth=STAFF)
def update_genre(genre_id: str, body: GenrePatch) -> GenreOut:
    """Rename a genre or move it under another parent (never under itself)."""
    return genres.update_genre(genre_id, body)


@route(bp, "/genres/{genre_id}", methods=("DELETE",), status=204, auth=STAFF)
def delete_genre(genre_id: str) -> None:
    """Delete a genre nothing refers to (409 with sub-genres or movies)."""
    genres.delete_genre(genre_id)


# --- movies ---------------------------------------------------------------------------


@route(
    bp,
    "/movies",
    query=MovieQuery,
    response=Page[MovieOut],
    tags=("catalog",),
    cache_seconds=LIST_CACHE,
)
def list_movies(query: MovieQuery) -> Page[MovieOut]:
    """Movies, filtered by genre (with sub-genres), status, city, date and release year."""
    return movie_lists.list_movies(query)


@route(bp, "/movies/{movie_id}", response=MovieOut, auth="optional", tags=("catalog",))
def open_movie(movie_id: str, principal: Principal | None) -> MovieOut:
    """A movie's detail. Opening it counts a view; not cached, since every open counts
    and a signed-in caller's visit is recorded."""
    movie = movies.open_movie(movie_id)
    if principal is not None:
        history.record_view_quietly(principal.user_id, movie_id)
    return movie


@route(bp, "/movies", methods=W, body=MovieIn, response=MovieOut, status=201, auth=STAFF)
def create_movie(body: MovieIn) -> MovieOut:
    """Add a movie; its status follows its dates unless pinned."""
    return movies.create_movie(body)


@route(bp, "/movies/{movie_id}", methods=("PATCH",), body=MoviePatch, auth=STAFF)
def update_movie(movie_id: str, body: MoviePatch) -> MovieOut:
    """Edit a movie; ``poster_key``/``still_keys`` must name uploaded images."""
    return movies.update_movie(movie_id, body)


@route(bp, "/movies/{movie_id}", methods=("DELETE",), status=204, auth=STAFF)
def delete_movie(movie_id: str) -> None:
    """Soft delete: the movie leaves every list and the search index."""
    movies.delete_movie(movie_id)


# --- areas, cinemas, halls ------------------------------------------------------------


@route(bp, "/cities", response=list[AreaOut], tags=("catalog",), cache_seconds=TREE_CACHE)
def list_cities() -> list[AreaOut]:
    """The area tree (province > city > district), each city with its cinemas."""
    return areas.area_tree()


@route(bp, "/areas", methods=W, body=AreaIn, response=AreaOut, status=201, auth=STAFF)
def create_area(body: AreaIn) -> AreaOut:
    """Add a province, a city (under a province) or a district (under a city)."""
    return areas.create_area(body)


@route(
    bp,
    "/cinemas",
    query=CinemaQuery,
    response=Page[CinemaOut],
    tags=("catalog",),
    cache_seconds=LIST_CACHE,
)
def list_cinemas(query: CinemaQuery) -> Page[CinemaOut]:
    """Cinemas by city, or those showing a movie (from now on or on a date)."""
    return showtime_lists.list_cinemas(query)


@route(bp, "/cinemas/{cinema_id}", response=CinemaOut, cache_seconds=LIST_CACHE)
def get_cinema(cinema_id: str) -> CinemaOut:
    """A cinema with its halls and their seat layouts."""
    return cinemas.get_cinema(cinema_id)


@route(bp, "/cinemas", methods=W, body=CinemaIn, response=CinemaOut, status=201, auth=STAFF)
def create_cinema(body: CinemaIn) -> CinemaOut:
    """Add a cinema in a city (and optionally one of its districts)."""
    return cinemas.create_cinema(body)


@route(bp, "/cinemas/{cinema_id}", methods=("PATCH",), body=CinemaPatch, auth=STAFF)
def update_cinema(cinema_id: str, body: CinemaPatch) -> CinemaOut:
    """Edit a cinema."""
    return cinemas.update_cinema(cinema_id, body)


@route(bp, "/cinemas/{cinema_id}", methods=("DELETE",), status=204, auth=STAFF)
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
)
def create_hall(cinema_id: str, body: HallIn) -> HallOut:
    """Add a hall with its seat layout (rows of seats and aisle gaps)."""
    return cinemas.create_hall(cinema_id, body)


@route(bp, "/halls/{hall_id}", response=HallOut, cache_seconds=LIST_CACHE)
def get_hall(hall_id: str) -> HallOut:
    """A hall and its seat layout."""
    return cinemas.hall_out(cinemas.get_hall(hall_id))


@route(bp, "/halls/{hall_id}", methods=("PATCH",), body=HallPatch, auth=STAFF)
def update_hall(hall_id: str, body: HallPatch) -> HallOut:
    """Rename a hall or change its layout (for showtimes created afterwards)."""
    return cinemas.update_hall(hall_id, body)


# --- showtimes ------------------------------------------------------------------------


@route(
    bp,
    "/showtimes",
    query=ShowtimeQuery,
    response=Page[ShowtimeOut],
    tags=("catalog",),
    cache_seconds=LIST_CACHE,
)
def list_showtimes(query: ShowtimeQuery) -> Page[ShowtimeOut]:
    """Showtimes by movie, cinema, city and/or date, in start order (today by default)."""
    return showtime_lists.list_showtimes(query)


@route(bp, "/showtimes/{showtime_id}", response=ShowtimeOut, cache_seconds=LIST_CACHE)
def get_showtime(showtime_id: str) -> ShowtimeOut:
    """A showtime with its prices per seat type; a cancelled one with its refunds' progress."""
    out = showtime_service.showtime_out(showtime_service.get_showtime(showtime_id))
    if out.cancelled_at is not None:
        found = cancellation.progress(showtime_id)
        if found is not None:
            out.cancellation = CancellationProgress(
                status=found.status, orders_total=found.orders_total, orders_done=found.orders_done
            )
    return out


@route(bp, "/showtimes", methods=W, body=ShowtimeIn, response=ShowtimeOut, status=201, auth=STAFF)
def create_showtime(body: ShowtimeIn) -> ShowtimeOut:
    """Schedule a movie in a hall (409 when the hall is busy) and create its seats."""
    return showtime_service.create_showtime(body)


@route(bp, "/showtimes/{showtime_id}", methods=("PATCH",), body=ShowtimePatch, auth=STAFF)
def update_showtime(showtime_id: str, body: ShowtimePatch) -> ShowtimeOut:
    """Open or close sales, change format or language, or move the start (409 on overlap)."""
    return showtime_service.update_showtime(showtime_id, body)
