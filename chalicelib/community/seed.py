"""Demo community activity for ``make dev``: a few ratings, wants and a short thread on the
first demo movies, written through the services so the movies' counters stay exact."""

from __future__ import annotations

from chalicelib.accounts.rules import LoginKind
from chalicelib.accounts.service import find_user
from chalicelib.catalog.models import LISTED, Movie
from chalicelib.community import comments, ratings, wants
from chalicelib.community.models import Rating
from chalicelib.core.config import get_settings
from chalicelib.core.dynamo import get_or_none

DEMO_STARS = (9, 7, 8)


def seed_demo_community() -> str:
    if get_settings().stage != "local":
        return "skipped (demo data exists only in the local stack)"
    alice = find_user(LoginKind.USERNAME, "alice")
    moderator = find_user(LoginKind.USERNAME, "moderator")
    movies = list(Movie.by_release.query(LISTED, scan_index_forward=False, limit=len(DEMO_STARS)))
    if alice is None or moderator is None or not movies:
        return "skipped (needs the demo accounts and movies)"
    if get_or_none(Rating, movies[0].movie_id, alice.user_id) is not None:
        return "already there"
    for movie, stars in zip(movies, DEMO_STARS, strict=False):
        ratings.rate(movie.movie_id, alice.user_id, stars)
        ratings.rate(movie.movie_id, moderator.user_id, max(1, stars - 2))
        wants.want(movie.movie_id, alice.user_id)
    first = movies[0].movie_id
    root = comments.post_comment(first, alice.user_id, "Saw it twice. The score is stunning.")
    comments.post_comment(first, moderator.user_id, "Agreed, see it in IMAX.", root.comment_id)
    return f"ratings and wants on {len(movies)} movies, one thread on {movies[0].title!r}"
