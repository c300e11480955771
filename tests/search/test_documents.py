"""From a movie item (stream image or scan) to what the index holds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chalicelib.search.documents import document_from_item, last_showing_day


def item(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "movie_id": "m1",
        "title": "流浪地球",
        "original_title": "The Wandering Earth",
        "synopsis": "太阳即将毁灭",
        "genre_ids": ["scifi", "scifi", "disaster"],
        "release_date": "2019-02-05",
        "cast": [
            {"person": "郭帆", "role": "director", "character": None},
            {"person": "吴京", "role": "actor", "character": "刘培强"},
            {"person": "郭帆", "role": "writer", "character": None},
        ],
        "rating_sum": Decimal(79),
        "rating_count": Decimal(10),
        "want_count": Decimal(5),
        "view_count": Decimal(1000),
        "listed": "1",
        "deleted": False,
    }
    base.update(changes)
    return base


def test_a_live_movie_becomes_a_document_with_people_rating_and_run() -> None:
    document = document_from_item(item(), showing_days=60)
    assert document is not None
    assert document.people == ("郭帆", "吴京")
    assert document.genre_ids == ("scifi", "disaster")
    assert document.rating == 7.9
    assert document.want_count == 5
    assert document.year == 2019
    assert document.last_showing_day == "2019-04-05"  # 60 days including the release day


def test_soft_deleted_or_unlisted_movies_are_not_searchable() -> None:
    assert document_from_item(item(deleted=True, listed=None), showing_days=60) is None
    assert document_from_item(item(listed=None), showing_days=60) is None


def test_no_ratings_means_no_average() -> None:
    document = document_from_item(item(rating_sum=0, rating_count=0), showing_days=60)
    assert document is not None and document.rating is None


def test_an_explicit_end_date_wins_over_the_configured_run() -> None:
    assert last_showing_day("2019-02-05", "2019-02-20", 60) == "2019-02-20"
    assert last_showing_day(None, None, 60) is None


def test_a_view_count_does_not_change_the_document() -> None:
    assert document_from_item(item(), 60) == document_from_item(item(view_count=2000), 60)
