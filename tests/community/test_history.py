"""Browsing history: last 20 distinct movies, newest first, bounded."""

from __future__ import annotations

from chalicelib.catalog.models import Movie
from chalicelib.community.history import my_history, record_view
from chalicelib.community.models import HistoryEntry
from chalicelib.community.rules import HISTORY_SIZE


def test_history_lists_distinct_movies_newest_first_and_reopening_moves_to_top(
    make_movie, frozen_clock
) -> None:
    alien, brazil, dune = make_movie("Alien"), make_movie("Brazil"), make_movie("Dune")
    for movie_id in (alien, brazil, dune, alien):
        record_view("ann", movie_id)
        frozen_clock.advance(seconds=1)
    assert [m.title for m in my_history("ann")] == ["Alien", "Dune", "Brazil"]
    assert my_history("bob") == []


def test_history_keeps_only_the_last_twenty(make_movie, frozen_clock) -> None:
    movies = [make_movie(f"Film {i}") for i in range(HISTORY_SIZE + 5)]
    for movie_id in movies:
        record_view("ann", movie_id)
        frozen_clock.advance(seconds=1)
    titles = [m.title for m in my_history("ann")]
    assert titles == [f"Film {i}" for i in reversed(range(5, HISTORY_SIZE + 5))]
    assert HistoryEntry.count("ann") == HISTORY_SIZE


def test_deleted_movies_drop_out_of_the_listing(make_movie, frozen_clock) -> None:
    kept, gone = make_movie("Kept"), make_movie("Gone")
    record_view("ann", kept)
    frozen_clock.advance(seconds=1)
    record_view("ann", gone)
    Movie(gone).update(actions=[Movie.deleted.set(True)])
    assert [m.title for m in my_history("ann")] == ["Kept"]


def test_opening_a_movie_signed_in_records_it_and_anonymous_opens_do_not(
    api, as_user, make_movie, frozen_clock
) -> None:
    alien, brazil = make_movie("Alien"), make_movie("Brazil")
    ann = as_user("ann")
    assert ann.get(f"/movies/{alien}").status == 200
    frozen_clock.advance(seconds=1)
    assert ann.get(f"/movies/{brazil}").status == 200
    assert api.get(f"/movies/{alien}").status == 200
    assert ann.get("/movies/m-nope").status == 404

    listed = ann.get("/me/history")
    assert listed.status == 200
    assert [m["title"] for m in listed.json["items"]] == ["Brazil", "Alien"]
    assert listed.json["items"][0]["viewed_at"].endswith("Z")
    assert listed.json["next_cursor"] is None
    assert api.get("/me/history").status == 401
