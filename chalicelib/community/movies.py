"""What community needs from the catalogue's movie item: guards and counter moves inside
our transactions, and titles for lists. Counters only ever move by atomic ``ADD``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.catalog.models import Movie
from chalicelib.community.schemas import MovieSummary
from chalicelib.core.dynamo import get_or_404, get_or_none
from chalicelib.core.errors import NotFound
from chalicelib.core.transactions import Transaction

MOVIE = "movie"  # label of the movie's operation in a community transaction


def live_movie() -> Condition:
    """The movie exists and is not soft-deleted: the condition for adding anything to it."""
    return Movie.movie_id.exists() & (Movie.deleted.does_not_exist() | (Movie.deleted == False))  # noqa: E712


def existing_movie() -> Condition:
    """The movie exists (maybe soft-deleted): taking something back is always allowed, and
    ``ADD`` must never create a phantom movie item."""
    return Movie.movie_id.exists()


def move_counters(
    tx: Transaction, movie_id: str, actions: Sequence[Action], *, adding: bool
) -> None:
    tx.update(MOVIE, Movie(movie_id), list(actions), live_movie() if adding else existing_movie())


def is_live(movie_id: str) -> bool:
    movie = get_or_none(Movie, movie_id)
    return movie is not None and not movie.deleted


def live_counters(movie_id: str, *names: str) -> list[int]:
    """The named counters of a live movie; 404 when it is missing or deleted."""
    movie = get_or_404(Movie, movie_id, what="movie", attributes_to_get=[*names, "deleted"])
    if movie.deleted:
        raise NotFound("No such movie.")
    return [int(getattr(movie, name) or 0) for name in names]


def movie_summaries(movie_ids: Iterable[str]) -> dict[str, MovieSummary]:
    """Title and release of each live movie, in one BatchGet (missing/deleted are left out)."""
    wanted = list(dict.fromkeys(movie_ids))
    if not wanted:
        return {}
    attributes = ["movie_id", "title", "poster_key", "release_date", "deleted"]
    return {
        movie.movie_id: MovieSummary(
            movie_id=movie.movie_id,
            title=movie.title,
            poster_key=movie.poster_key,
            release_date=date.fromisoformat(movie.release_date),
        )
        for movie in Movie.batch_get(wanted, attributes_to_get=attributes)
        if not movie.deleted
    }
