"""Ratings: one per user per movie, counters exact under concurrency."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.community import ratings
from chalicelib.community.models import Rating
from chalicelib.core.errors import NotFound
from tests.community.conftest import movie


def _ratings_table(movie_id: str) -> tuple[int, int]:
    stars = [int(r.stars) for r in Rating.query(movie_id, consistent_read=True)]
    return sum(stars), len(stars)


def test_rating_a_movie_adds_to_its_sum_and_count(make_movie) -> None:
    movie_id = make_movie()
    state = ratings.rate(movie_id, "ann", 8)
    ratings.rate(movie_id, "bob", 5)
    m = movie(movie_id)
    assert (m.rating_sum, m.rating_count) == (13, 2)
    assert (state.stars, state.rating_count, state.rating_average) == (8, 1, 8.0)
    assert ratings.state(movie_id, "bob").rating_average == 6.5


def test_changing_a_rating_moves_the_sum_by_the_difference(make_movie) -> None:
    movie_id = make_movie()
    ratings.rate(movie_id, "ann", 8)
    ratings.rate(movie_id, "ann", 3)
    ratings.rate(movie_id, "ann", 3)
    m = movie(movie_id)
    assert (m.rating_sum, m.rating_count) == (3, 1)


def test_removing_a_rating_subtracts_it_and_removing_again_changes_nothing(make_movie) -> None:
    movie_id = make_movie()
    ratings.rate(movie_id, "ann", 9)
    ratings.rate(movie_id, "bob", 4)
    ratings.unrate(movie_id, "ann")
    ratings.unrate(movie_id, "ann")
    m = movie(movie_id)
    assert (m.rating_sum, m.rating_count) == (4, 1)
    assert ratings.state(movie_id, "ann").stars is None


def test_a_missing_or_deleted_movie_cannot_be_rated(make_movie) -> None:
    gone = make_movie(deleted=True)
    with pytest.raises(NotFound):
        ratings.rate("m-nope", "ann", 5)
    with pytest.raises(NotFound):
        ratings.rate(gone, "ann", 5)
    assert _ratings_table(gone) == (0, 0)
    assert movie(gone).rating_count == 0


def test_a_rating_can_still_be_removed_after_the_movie_was_deleted(make_movie) -> None:
    movie_id = make_movie()
    ratings.rate(movie_id, "ann", 6)
    m = movie(movie_id)
    m.update(actions=[type(m).deleted.set(True)])
    ratings.unrate(movie_id, "ann")
    assert (movie(movie_id).rating_sum, movie(movie_id).rating_count) == (0, 0)


def test_concurrent_raters_and_re_raters_keep_sum_and_count_exact(make_movie) -> None:
    movie_id = make_movie()
    users = [f"user-{i}" for i in range(12)]
    rng = random.Random(7)
    # Every user rates, re-rates and sometimes removes, all at once from many threads;
    # the same user appears in several concurrent jobs, so changes race each other too.
    jobs = [(u, rng.choice([None, *range(1, 11)])) for u in users for _ in range(5)]
    rng.shuffle(jobs)

    def run(job: tuple[str, int | None]) -> None:
        user, stars = job
        if stars is None:
            ratings.unrate(movie_id, user)
        else:
            ratings.rate(movie_id, user, stars)

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(run, jobs))

    m = movie(movie_id)
    assert (int(m.rating_sum), int(m.rating_count)) == _ratings_table(movie_id)
    assert m.rating_count > 0


def test_concurrent_changes_by_one_user_count_once(make_movie) -> None:
    movie_id = make_movie()
    ratings.rate(movie_id, "ann", 5)
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda s: ratings.rate(movie_id, "ann", s), [1 + i % 10 for i in range(30)]))
    m = movie(movie_id)
    assert int(m.rating_count) == 1
    assert (int(m.rating_sum), 1) == _ratings_table(movie_id)


def test_rating_over_http_validates_stars_and_needs_sign_in(api, as_user, make_movie) -> None:
    movie_id = make_movie()
    assert api.put(f"/movies/{movie_id}/rating", json={"stars": 5}).status == 401
    ann = as_user("ann")
    for bad in (0, 11, 7.5, "7", None):
        assert ann.put(f"/movies/{movie_id}/rating", json={"stars": bad}).status == 422
    assert ann.put(f"/movies/{movie_id}/rating", json={"stars": 5, "x": 1}).status == 422

    ok = ann.put(f"/movies/{movie_id}/rating", json={"stars": 7})
    assert ok.status == 200
    assert ok.json == {"movie_id": movie_id, "stars": 7, "rating_count": 1, "rating_average": 7.0}
    assert ann.get(f"/movies/{movie_id}/rating").json["stars"] == 7
    assert ann.put("/movies/m-nope/rating", json={"stars": 7}).status == 404

    assert ann.delete(f"/movies/{movie_id}/rating").status == 204
    assert ann.delete(f"/movies/{movie_id}/rating").status == 204
    after = ann.get(f"/movies/{movie_id}/rating").json
    assert after == {"movie_id": movie_id, "stars": None, "rating_count": 0, "rating_average": None}


def test_a_deleted_movie_has_no_rating_to_read(as_user, make_movie) -> None:
    ann = as_user("ann")
    live, gone = make_movie(), make_movie(deleted=True)
    assert ann.get(f"/movies/{live}/rating").status == 200
    answer = ann.get(f"/movies/{gone}/rating")
    assert answer.status == 404, answer.text
    assert ann.get("/movies/m-nope/rating").status == 404
