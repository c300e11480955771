"""Want-to-see: idempotent toggle, exact want_count, "my wants" newest first."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.community import wants
from chalicelib.community.models import Want
from chalicelib.core.errors import NotFound
from tests.community.conftest import movie


def test_wanting_twice_counts_once_and_unwanting_twice_uncounts_once(make_movie) -> None:
    movie_id = make_movie()
    assert wants.want(movie_id, "ann") is True
    assert wants.want(movie_id, "ann") is False
    assert movie(movie_id).want_count == 1
    assert wants.unwant(movie_id, "ann") is True
    assert wants.unwant(movie_id, "ann") is False
    assert movie(movie_id).want_count == 0


def test_a_missing_or_deleted_movie_cannot_be_wanted(make_movie) -> None:
    gone = make_movie(deleted=True)
    for movie_id in ("m-nope", gone):
        with pytest.raises(NotFound):
            wants.want(movie_id, "ann")
    assert not wants.wants_movie(gone, "ann")
    assert movie(gone).want_count == 0


def test_concurrent_toggles_keep_want_count_equal_to_the_marks(make_movie) -> None:
    movie_id = make_movie()
    users = [f"user-{i}" for i in range(10)]
    # Each user toggles on, off, on... concurrently with itself and everyone else.
    jobs = [(u, n % 3 != 2) for u in users for n in range(6)]

    def run(job: tuple[str, bool]) -> None:
        user, on = job
        (wants.want if on else wants.unwant)(movie_id, user)

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(run, jobs))
    marks = sum(1 for w in Want.scan(consistent_read=True) if w.movie_id == movie_id)
    assert movie(movie_id).want_count == marks


def test_many_users_wanting_at_once_are_all_counted(make_movie) -> None:
    movie_id = make_movie()
    with ThreadPoolExecutor(max_workers=12) as pool:
        added = list(pool.map(lambda i: wants.want(movie_id, f"u{i % 25}"), range(50)))
    assert sum(added) == 25
    assert movie(movie_id).want_count == 25


def test_my_wants_lists_titles_newest_first_with_a_cursor(
    api, as_user, make_movie, frozen_clock
) -> None:
    titles = ["Alien", "Brazil", "Casablanca", "Dune"]
    ids = []
    ann, bob = as_user("ann"), as_user("bob")
    for title in titles:
        ids.append(make_movie(title))
        assert ann.put(f"/movies/{ids[-1]}/want").json == {"movie_id": ids[-1], "wanted": True}
        frozen_clock.advance(seconds=1)
    assert ann.put(f"/movies/{ids[0]}/want").status == 200  # idempotent, keeps its place

    first = ann.get("/me/wants?limit=3")
    assert first.status == 200
    assert [i["title"] for i in first.json["items"]] == ["Dune", "Casablanca", "Brazil"]
    assert first.json["items"][0]["movie_id"] == ids[3]
    assert first.json["items"][0]["wanted_at"].endswith("Z")
    second = ann.get(f"/me/wants?limit=3&cursor={first.json['next_cursor']}")
    assert [i["title"] for i in second.json["items"]] == ["Alien"]
    assert second.json["next_cursor"] is None

    assert bob.get("/me/wants").json == {"items": [], "next_cursor": None}
    assert ann.delete(f"/movies/{ids[3]}/want").status == 204
    assert ann.delete(f"/movies/{ids[3]}/want").status == 204
    assert [i["title"] for i in ann.get("/me/wants").json["items"]] == [
        "Casablanca",
        "Brazil",
        "Alien",
    ]


def test_my_wants_needs_sign_in_and_refuses_bad_queries(api, as_user) -> None:
    assert api.get("/me/wants").status == 401
    assert api.put("/movies/m-x/want").status == 401
    assert as_user("ann").get("/me/wants?limit=0").status == 422
    assert as_user("ann").get("/me/wants?colour=red").status == 422
    assert as_user("ann").get("/me/wants?cursor=forged").status == 400
    assert as_user("ann").put("/movies/m-nope/want").status == 404
