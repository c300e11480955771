"""Movies: create, edit, soft delete, open (counts a view), and the derived status.

Counters (want/view/rating) belong to whoever changes them and only ever move by atomic
ADD, so edits here are UpdateItem SETs of the edited fields, never a whole-item put.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import PynamoDBException

from chalicelib.catalog.genres import all_genres
from chalicelib.catalog.models import (
    LISTED,
    CastMember,
    Genre,
    Movie,
    MovieGenre,
    MovieStatus,
    Showtime,
)
from chalicelib.catalog.rules import derive_status, rating_average
from chalicelib.catalog.schemas import CastOut, GenreRef, MovieIn, MovieOut, MoviePatch
from chalicelib.catalog.support import (
    condition_failed,
    local_today,
    media_url,
    new_id,
    withdraw_future_showtimes,
)
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.core.transactions import ConditionFailed, Transaction

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


def current_status(movie: Movie) -> str:
    return derive_status(
        movie.release_date,
        movie.showing_until,
        movie.status_pinned,
        local_today(),
        get_settings().movie_showing_days,
    )


def movie_out(movie: Movie, genres: dict[str, Genre] | None = None) -> MovieOut:
    genres = all_genres() if genres is None else genres
    return MovieOut(
        movie_id=movie.movie_id,
        title=movie.title,
        original_title=movie.original_title,
        genre_ids=list(movie.genre_ids),
        genres=[GenreRef(genre_id=g, name=genres[g].name) for g in movie.genre_ids if g in genres],
        formats=list(movie.formats),
        countries=list(movie.countries),
        languages=list(movie.languages),
        duration=int(movie.duration),
        release_date=movie.release_date,
        showing_until=movie.showing_until,
        status=current_status(movie),
        status_pinned=movie.status_pinned,
        synopsis=movie.synopsis,
        poster_key=movie.poster_key,
        poster_url=media_url(movie.poster_key),
        still_keys=list(movie.still_keys),
        still_urls=[u for u in (media_url(k) for k in movie.still_keys) if u],
        cast=[CastOut(person=c.person, role=c.role, character=c.character) for c in movie.cast],
        age_rating=movie.age_rating,
        is_banner=bool(movie.is_banner),
        want_count=int(movie.want_count),
        view_count=int(movie.view_count),
        rating_count=int(movie.rating_count),
        rating_average=rating_average(int(movie.rating_sum), int(movie.rating_count)),
        created_at=movie.created_at,
        updated_at=movie.updated_at,
    )


def _check_dates(movie: Movie) -> None:
    if movie.showing_until and movie.showing_until < movie.release_date:
        raise ValidationFailed.single("showing_until", "must not be before the release date")


def _require_genres(genre_ids: list[str]) -> None:
    known = all_genres()
    for i, gid in enumerate(genre_ids):
        if gid not in known:
            raise ValidationFailed.single(f"genre_ids.{i}", f"no genre {gid!r}")


def _require_media(field: str, kind: str, key: str) -> None:
    """A key is only recorded once the object is in the bucket under that kind's prefix."""
    from chalicelib.media.uploads import key_prefix, mark_attached, uploaded_object

    if not key.startswith(key_prefix(kind, "")) or uploaded_object(kind, key) is None:
        raise ValidationFailed.single(field, f"no uploaded {kind} {key!r}")
    mark_attached(key)


def _check_media(poster_key: str | None, still_keys: list[str]) -> None:
    if poster_key:
        _require_media("poster_key", "poster", poster_key)
    for i, key in enumerate(still_keys):
        _require_media(f"still_keys.{i}", "still", key)


def _cast(body: MovieIn | MoviePatch) -> list[CastMember]:
    return [CastMember(person=c.person, role=c.role, character=c.character) for c in body.cast]


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
        cast=_cast(body),
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
    return movie_out(movie)


def _live_movie(movie_id: str) -> Movie:
    try:
        movie = Movie.get(movie_id, consistent_read=True)
    except Movie.DoesNotExist as exc:
        raise NotFound("No such movie.") from exc
    if movie.deleted:
        raise NotFound("No such movie.")
    return movie


def get_movie(movie_id: str) -> MovieOut:
    return movie_out(_live_movie(movie_id))


def open_movie(movie_id: str) -> MovieOut:
    """The detail page: one conditional ADD counts the view and returns the movie."""
    movie = Movie(movie_id)
    try:
        movie.update(
            actions=[Movie.view_count.add(1)],
            condition=Movie.movie_id.exists() & (Movie.deleted == False),  # noqa: E712
        )
    except PynamoDBException as exc:
        if condition_failed(exc):
            raise NotFound("No such movie.") from exc
        raise
    return movie_out(movie)


def _set_or_remove(attr: Any, value: Any) -> Any:
    return attr.remove() if value is None else attr.set(value)


def update_movie(movie_id: str, body: MoviePatch) -> MovieOut:
    movie = _live_movie(movie_id)
    sent = body.model_fields_set
    for required in ("title", "duration", "release_date"):
        if required in sent and getattr(body, required) is None:
            raise ValidationFailed.single(required, "may not be null")
    actions = []
    for name in PLAIN_FIELDS:
        if name in sent:
            value = getattr(body, name)
            if name == "formats":
                value = list(dict.fromkeys(value))
            setattr(movie, name, value)
            actions.append(_set_or_remove(getattr(Movie, name), value))
    for name in ("release_date", "showing_until"):
        if name in sent:
            day = getattr(body, name)
            setattr(movie, name, day.isoformat() if day else None)
            actions.append(_set_or_remove(getattr(Movie, name), getattr(movie, name)))
    if "cast" in sent:
        movie.cast = _cast(body)
        actions.append(Movie.cast.set(movie.cast))
    _check_media(
        body.poster_key if "poster_key" in sent else None,
        body.still_keys if "still_keys" in sent else [],
    )
    if "poster_key" in sent:
        movie.poster_key = body.poster_key
        actions.append(_set_or_remove(Movie.poster_key, body.poster_key))
    if "still_keys" in sent:
        movie.still_keys = body.still_keys
        actions.append(Movie.still_keys.set(body.still_keys))
    old_genres, new_genres = set(movie.genre_ids), set(movie.genre_ids)
    if "genre_ids" in sent:
        genre_ids = list(dict.fromkeys(body.genre_ids))
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
        try:
            movie.update(
                actions=[Movie.status.set(status)],
                condition=(Movie.status == movie.status) & (Movie.deleted == False),  # noqa: E712
            )
            moved += 1
        except PynamoDBException as exc:
            if not condition_failed(exc):
                raise
    return moved
