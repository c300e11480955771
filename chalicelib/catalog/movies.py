"""Movies: create, edit, soft delete, open (counts a view), and the derived status.

Counters (want/view/rating) belong to whoever changes them and only ever move by atomic
ADD, so edits here are UpdateItem SETs of the edited fields, never a whole-item put.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.catalog.genres import all_genres, genre_names
from chalicelib.catalog.models import LISTED, CastMember, Movie, MovieGenre, Showtime
from chalicelib.catalog.rules import MovieStatus
from chalicelib.catalog.schemas import (
    CastIn,
    MovieIn,
    MovieOut,
    MoviePatch,
    current_status,
    movie_out,
)
from chalicelib.catalog.support import local_today, new_id, withdraw_future_showtimes
from chalicelib.core import clock
from chalicelib.core.dynamo import conditionally, get_or_404
from chalicelib.core.errors import NotFound, UnknownReference, ValidationFailed
from chalicelib.core.transactions import ConditionFailed, Transaction
from chalicelib.media.uploads import key_prefix, mark_attached, uploaded_object

#: fields a PATCH may set, copied as they are (others need conversion or checks)
PLAIN_FIELDS = (
    "title",
    "original_title",
    "formats",
    "countries",
    "languages",
    "duration",
    "status_pinned",
    "synopsis",
    "age_rating",
    "is_banner",
)


def _check_dates(movie: Movie) -> None:
    if movie.showing_until and movie.showing_until < movie.release_date:
        raise ValidationFailed.single("showing_until", "must not be before the release date")


def _require_genres(genre_ids: list[str]) -> None:
    known = all_genres()
    for i, gid in enumerate(genre_ids):
        if gid not in known:
            raise UnknownReference(f"genre_ids.{i}", f"no genre {gid!r}")


def _require_media(field: str, kind: str, key: str) -> None:
    """A key is only recorded once the object is in the bucket under that kind's prefix."""
    if not key.startswith(key_prefix(kind, "")) or uploaded_object(kind, key) is None:
        raise UnknownReference(field, f"no uploaded {kind} {key!r}")
    mark_attached(key)


def _check_media(poster_key: str | None, still_keys: list[str]) -> None:
    if poster_key:
        _require_media("poster_key", "poster", poster_key)
    for i, key in enumerate(still_keys):
        _require_media(f"still_keys.{i}", "still", key)


def _cast(cast: list[CastIn]) -> list[CastMember]:
    return [CastMember(person=c.person, role=c.role, character=c.character) for c in cast]


def create_movie(body: MovieIn) -> MovieOut:
    genre_ids = list(dict.fromkeys(body.genre_ids))
    _require_genres(genre_ids)
    _check_media(body.poster_key, body.still_keys)
    now = clock.now()
    movie = Movie(
        new_id(),
        title=body.title,
        original_title=body.original_title,
        genre_ids=genre_ids,
        formats=list(dict.fromkeys(body.formats)),
        countries=body.countries,
        languages=body.languages,
        duration=body.duration,
        release_date=body.release_date.isoformat(),
        showing_until=body.showing_until.isoformat() if body.showing_until else None,
        status_pinned=body.status_pinned,
        synopsis=body.synopsis,
        poster_key=body.poster_key,
        still_keys=body.still_keys,
        cast=_cast(body.cast),
        age_rating=body.age_rating,
        is_banner=body.is_banner,
        listed=LISTED,
        created_at=now,
        updated_at=now,
    )
    _check_dates(movie)
    movie.status = current_status(movie)
    tx = Transaction()
    tx.put("movie", movie, Movie.movie_id.does_not_exist())
    for gid in genre_ids:
        tx.put(f"genre:{gid}", MovieGenre(gid, movie.movie_id))
    tx.commit()
    return movie_out(movie, genre_names())


def _live_movie(movie_id: str) -> Movie:
    movie = get_or_404(Movie, movie_id, what="movie", consistent_read=True)
    if movie.deleted:
        raise NotFound("No such movie.")
    return movie


def get_movie(movie_id: str) -> MovieOut:
    return movie_out(_live_movie(movie_id), genre_names())


def open_movie(movie_id: str) -> MovieOut:
    """The detail page: one conditional ADD counts the view and returns the movie."""
    movie = Movie(movie_id)
    counted = conditionally(
        lambda: movie.update(
            actions=[Movie.view_count.add(1)],
            condition=Movie.movie_id.exists() & (Movie.deleted == False),  # noqa: E712
        )
    )
    if not counted:
        raise NotFound("No such movie.")
    return movie_out(movie, genre_names())


def _set_or_remove(attr: Any, value: Any) -> Any:
    return attr.remove() if value is None else attr.set(value)


def update_movie(movie_id: str, body: MoviePatch) -> MovieOut:
    movie = _live_movie(movie_id)
    changes = body.changes()
    actions = []
    for name in PLAIN_FIELDS:
        if name in changes:
            value = changes[name]
            if name == "formats":
                value = list(dict.fromkeys(value))
            setattr(movie, name, value)
            actions.append(_set_or_remove(getattr(Movie, name), value))
    for name in ("release_date", "showing_until"):
        if name in changes:
            day = changes[name]
            setattr(movie, name, day.isoformat() if day else None)
            actions.append(_set_or_remove(getattr(Movie, name), getattr(movie, name)))
    if "cast" in changes:
        movie.cast = _cast(changes["cast"])
        actions.append(Movie.cast.set(movie.cast))
    _check_media(changes.get("poster_key"), changes.get("still_keys", []))
    if "poster_key" in changes:
        movie.poster_key = changes["poster_key"]
        actions.append(_set_or_remove(Movie.poster_key, movie.poster_key))
    if "still_keys" in changes:
        movie.still_keys = changes["still_keys"]
        actions.append(Movie.still_keys.set(movie.still_keys))
    old_genres, new_genres = set(movie.genre_ids), set(movie.genre_ids)
    if "genre_ids" in changes:
        genre_ids = list(dict.fromkeys(changes["genre_ids"]))
        _require_genres(genre_ids)
        new_genres = set(genre_ids)
        movie.genre_ids = genre_ids
        actions.append(Movie.genre_ids.set(genre_ids))
    _check_dates(movie)
    movie.status = current_status(movie)
    movie.updated_at = clock.now()
    actions += [Movie.status.set(movie.status), Movie.updated_at.set(movie.updated_at)]
    tx = Transaction()
    tx.update("movie", movie, actions, Movie.deleted == False)  # noqa: E712
    for gid in new_genres - old_genres:
        tx.put(f"genre:{gid}", MovieGenre(gid, movie_id))
    for gid in old_genres - new_genres:
        tx.delete(f"genre:{gid}", MovieGenre(gid, movie_id))
    try:
        tx.commit()
    except ConditionFailed as failed:  # only the movie carries a condition
        raise NotFound("No such movie.") from failed
    return get_movie(movie_id)


def delete_movie(movie_id: str) -> None:
    """Soft delete: the item stays (orders and reviews refer to it) but leaves every list
    index (``status``/``listed`` removed) and its genre links, and so search."""
    movie = _live_movie(movie_id)
    tx = Transaction()
    tx.update(
        "movie",
        movie,
        [
            Movie.deleted.set(True),
            Movie.status.remove(),
            Movie.listed.remove(),
            Movie.updated_at.set(clock.now()),
        ],
        Movie.deleted == False,  # noqa: E712
    )
    for gid in movie.genre_ids:
        tx.delete(f"genre:{gid}", MovieGenre(gid, movie_id))
    try:
        tx.commit()
    except ConditionFailed as failed:  # only the movie carries a condition
        raise NotFound("No such movie.") from failed
    withdraw_future_showtimes(Showtime.by_movie, movie_id)


def refresh_movie_statuses(now: datetime) -> int:
    """Sweeper task: move movies whose dates have carried them into another status to
    that status's index partition. Only ``coming`` and ``showing`` movies can drift."""
    del now  # statuses follow the cinemas' calendar day (``local_today``)
    today = local_today().isoformat()
    drifting = list(Movie.by_status.query(MovieStatus.COMING, Movie.release_date <= today))
    drifting += list(Movie.by_status.query(MovieStatus.SHOWING))
    moved = 0
    for movie in drifting:
        status = current_status(movie)
        if status == movie.status:
            continue
        moved += _move_status(movie, status)
    return moved


def _move_status(movie: Movie, status: str) -> bool:
    """Move one movie to ``status``, unless it moved (or was deleted) meanwhile."""
    return conditionally(
        lambda: movie.update(
            actions=[Movie.status.set(status)],
            condition=(Movie.status == movie.status) & (Movie.deleted == False),  # noqa: E712
        )
    )
