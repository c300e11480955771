"""End to end over real HTTP, against the local stack as ``make dev`` runs it (the API, the
stream pump, the OpenSearch node):

- edit a movie through the catalogue API, and DynamoDB's stream -> the indexer -> the index
  makes the new text searchable in Chinese and English; a soft delete takes it out;
- the reindex command swaps a rebuilt index in while searches keep answering.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from chalicelib.search.reindex import reindex
from local.stack import LocalStack
from tests.catalog import factories
from tests.catalog.factories import staff_token

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("empty_search_index")]


def eventually(check: Callable[[], bool], seconds: float = 20) -> None:
    """The pump delivers within a second or two; poll rather than sleep a fixed time."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the search index did not catch up in time")
        time.sleep(0.2)


def test_an_edited_synopsis_is_found_in_chinese_and_english_and_a_deleted_movie_is_gone(
    live_stack: LocalStack,
) -> None:
    base = live_stack.api_url
    staff = {"Authorization": f"Bearer {staff_token()}"}

    def found(q: str) -> list[str]:
        response = requests.get(f"{base}/search/movies", params={"q": q}, timeout=10)
        assert response.status_code == 200, response.text
        return [item["movie_id"] for item in response.json()["items"]]

    genre = requests.post(f"{base}/genres", json={"name": "科幻"}, headers=staff, timeout=10)
    assert genre.status_code == 201, genre.text
    created = requests.post(
        f"{base}/movies",
        json={
            "title": "流浪地球",
            "original_title": "The Wandering Earth",
            "duration": 125,
            "release_date": "2019-02-05",
            "genre_ids": [genre.json()["genre_id"]],
            "synopsis": "太阳即将毁灭，人类带着地球逃离。Humanity flees the dying sun.",
        },
        headers=staff,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    movie_id = created.json()["movie_id"]
    eventually(lambda: found("人类带着地球") == [movie_id])

    edited = requests.patch(
        f"{base}/movies/{movie_id}",
        json={"synopsis": "领航员空间站与木星引力的生死较量。A station races Jupiter's gravity."},
        headers=staff,
        timeout=10,
    )
    assert edited.status_code == 200, edited.text
    eventually(lambda: found("木星引力") == [movie_id])
    assert found("gravity") == [movie_id]
    assert found("人类带着地球") == []  # the old synopsis is no longer indexed
    hit: Any = requests.get(f"{base}/search/movies", params={"q": "木星"}, timeout=10).json()
    assert "<mark>" in hit["items"][0]["highlight"]["synopsis"][0]

    deleted = requests.delete(f"{base}/movies/{movie_id}", headers=staff, timeout=10)
    assert deleted.status_code == 204, deleted.text
    eventually(lambda: found("gravity") == [])
    assert found("木星引力") == []
    suggest = requests.get(f"{base}/search/suggest", params={"q": "流浪"}, timeout=10)
    assert suggest.json() == {"items": []}


def test_searches_keep_answering_while_the_index_is_rebuilt_and_swapped(
    live_stack: LocalStack,
) -> None:
    base = live_stack.api_url
    movies = [
        factories.movie(f"星际穿越 {n}", original_title=f"Interstellar {n}") for n in range(20)
    ]
    assert reindex() == len(movies)  # (the stream pump may still add them again: no matter)

    def total(q: str) -> int:
        response = requests.get(f"{base}/search/movies", params={"q": q}, timeout=30)
        assert response.status_code == 200, response.text
        return int(response.json()["total"])

    assert total("星际") == len(movies)
    totals: list[object] = []
    suggestions: list[object] = []
    swapping = threading.Event()
    swapping.set()

    def search_all_the_time(q: str) -> None:
        while swapping.is_set():
            try:
                totals.append(total(q))
                suggested = requests.get(f"{base}/search/suggest", params={"q": q}, timeout=30)
                suggestions.append(len(suggested.json()["items"]) if suggested.ok else suggested)
            except (AssertionError, requests.RequestException) as failure:
                totals.append(failure)

    searchers = [
        threading.Thread(target=search_all_the_time, args=(q,)) for q in ("星际", "interstellar")
    ]
    for searcher in searchers:
        searcher.start()
    rebuilds = 0
    try:
        # At least four swaps, and enough answers to know searches ran across them.
        while rebuilds < 4 or (len(totals) < 20 and rebuilds < 40):
            assert reindex() == len(movies)
            rebuilds += 1
    finally:
        swapping.clear()
        for searcher in searchers:
            searcher.join(timeout=60)
    assert len(totals) >= 20
    # Every search saw the whole catalogue (no empty or failed answer), every suggestion
    # list was full (ten at most).
    assert [t for t in totals if t != len(movies)] == []
    assert [s for s in suggestions if s != 10] == []
