"""Want-to-see: an idempotent toggle that keeps the movie's ``want_count`` exact.

The mark and the counter move in one transaction whose condition is the mark's absence
(adding) or presence (removing), so a repeated or concurrent PUT/DELETE changes the
count at most once.
"""

from __future__ import annotations

from chalicelib.catalog.models import Movie
from chalicelib.community.models import Want
from chalicelib.community.movies import move_counters, movie_summaries
from chalicelib.community.rules import parse_stamp, sort_stamp
from chalicelib.community.schemas import WantedMovieOut
from chalicelib.core import clock
from chalicelib.core.dynamo import get_or_none
from chalicelib.core.errors import NotFound
from chalicelib.core.pagination import Page, PageQuery, decode_cursor, encode_cursor
from chalicelib.core.transactions import ConditionFailed, Transaction

WANT = "want"


def want(movie_id: str, user_id: str) -> bool:
    """Mark the movie; ``True`` when this call added the mark, ``False`` if it was there."""
    tx = Transaction()
    tx.put(
        WANT,
        Want(user_id, movie_id, wanted_at=sort_stamp(clock.now())),
        Want.movie_id.does_not_exist(),
    )
    move_counters(tx, movie_id, [Movie.want_count.add(1)], adding=True)
    try:
        tx.commit()
    except ConditionFailed as failed:
        if WANT in failed.labels:
            return False  # already wanted: idempotent, and the movie's state is irrelevant
        raise NotFound("No such movie.") from failed
    return True


def unwant(movie_id: str, user_id: str) -> bool:
    """Remove the mark; ``True`` when this call removed it."""
    tx = Transaction()
    tx.delete(WANT, Want(user_id, movie_id), Want.movie_id.exists())
    move_counters(tx, movie_id, [Movie.want_count.add(-1)], adding=False)
    try:
        tx.commit()
    except ConditionFailed as failed:
        if WANT in failed.labels:
            return False
        # The movie item is gone entirely: nothing left to count, just drop the mark.
        Want(user_id, movie_id).delete()
        return True
    return True


def my_wants(user_id: str, page: PageQuery) -> Page[WantedMovieOut]:
    """The caller's marks, newest first, with titles (movies deleted since are left out)."""
    scope = f"wants:{user_id}"
    results = Want.by_time.query(
        user_id,
        scan_index_forward=False,
        limit=page.limit,
        last_evaluated_key=decode_cursor(page.cursor, scope),
    )
    marks = list(results)
    movies = movie_summaries(m.movie_id for m in marks)
    items = [
        WantedMovieOut(**dict(movies[m.movie_id]), wanted_at=parse_stamp(m.wanted_at))
        for m in marks
        if m.movie_id in movies
    ]
    return Page[WantedMovieOut](
        items=items, next_cursor=encode_cursor(results.last_evaluated_key, scope)
    )


def wants_movie(movie_id: str, user_id: str) -> bool:
    return get_or_none(Want, user_id, movie_id, consistent_read=True) is not None
