"""Ratings: one per user per movie, kept exact against the movie's ``rating_sum`` and
``rating_count``.

Every write is one transaction of the rating item and an ``ADD`` on the movie. A change
or removal is conditioned on the stars it read, so two concurrent changes by the same
user cannot both apply their difference: the loser re-reads and tries again.
"""

from __future__ import annotations

from chalicelib.catalog.models import Movie
from chalicelib.catalog.rules import rating_average  # one rounding for every screen
from chalicelib.community.models import Rating
from chalicelib.community.movies import MOVIE, live_counters, move_counters
from chalicelib.community.rules import rating_move
from chalicelib.community.schemas import RatingOut
from chalicelib.core import clock
from chalicelib.core.dynamo import get_or_none
from chalicelib.core.errors import NotFound, ServiceUnavailable
from chalicelib.core.transactions import ConditionFailed, Transaction

RATING = "rating"
MAX_REREADS = 20


def _current(movie_id: str, user_id: str) -> Rating | None:
    return get_or_none(Rating, movie_id, user_id, consistent_read=True)


def _apply(movie_id: str, user_id: str, before: Rating | None, after: int | None) -> None:
    """One transaction moving the rating item from ``before`` to ``after`` stars."""
    move = rating_move(int(before.stars) if before else None, after)
    if move.is_noop:
        return
    tx = Transaction()
    if before is None:
        assert after is not None
        item = Rating(movie_id, user_id, stars=after, rated_at=clock.now())
        tx.put(RATING, item, Rating.user_id.does_not_exist())
    elif after is None:
        tx.delete(RATING, Rating(movie_id, user_id), Rating.stars == int(before.stars))
    else:
        tx.update(
            RATING,
            Rating(movie_id, user_id),
            [Rating.stars.set(after), Rating.rated_at.set(clock.now())],
            Rating.stars == int(before.stars),
        )
    actions = [Movie.rating_sum.add(move.sum_delta)]
    if move.count_delta:
        actions.append(Movie.rating_count.add(move.count_delta))
    move_counters(tx, movie_id, actions, adding=after is not None)
    tx.commit()


def _set(movie_id: str, user_id: str, stars: int | None) -> None:
    for _ in range(MAX_REREADS):
        before = _current(movie_id, user_id)
        try:
            _apply(movie_id, user_id, before, stars)
            return
        except ConditionFailed as failed:
            if MOVIE in failed.labels:
                raise NotFound("No such movie.") from failed
            # Our own rating changed under us (a concurrent request): read it again.
    raise ServiceUnavailable("The rating kept changing; try again.")


def rate(movie_id: str, user_id: str, stars: int) -> RatingOut:
    """Create or change the caller's rating."""
    _set(movie_id, user_id, stars)
    return state(movie_id, user_id)


def unrate(movie_id: str, user_id: str) -> None:
    """Remove the caller's rating; removing a rating that is not there changes nothing."""
    _set(movie_id, user_id, None)


def state(movie_id: str, user_id: str) -> RatingOut:
    """The caller's rating and the average, of a live movie (404 once it is deleted)."""
    rating_sum, rating_count = live_counters(movie_id, "rating_sum", "rating_count")
    mine = _current(movie_id, user_id)
    return RatingOut(
        movie_id=movie_id,
        stars=int(mine.stars) if mine else None,
        rating_count=rating_count,
        rating_average=rating_average(rating_sum, rating_count),
    )
