"""GET /search/movies and GET /search/suggest, over the in-process API.

Movies are made through the catalogue services and indexed by the reindex command (the
stream path is covered by test_indexer and test_stream_e2e).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib.core import clock
from chalicelib.search import get_index, service
from chalicelib.search.index import MovieDocument
from chalicelib.search.opensearch import OpenSearchIndex, build_client
from chalicelib.search.reindex import reindex
from local.services import free_port
from tests.catalog import factories
from tests.search.samples import marked

pytestmark = pytest.mark.usefixtures("empty_search_index")


def search(api: Any, expect: int = 200, **params: Any) -> Any:
    result = api.get("/search/movies?" + urlencode(params))
    assert result.status == expect, result.text
    return result.json


@pytest.fixture
def catalogue() -> dict[str, str]:
    today = clock.now().date()
    scifi = factories.genre("科幻")
    space = factories.genre("太空", parent_id=scifi)
    drama = factories.genre("剧情")
    ids = {
        "scifi": scifi,
        "space": space,
        "drama": drama,
        "earth": factories.movie(
            "流浪地球",
            original_title="The Wandering Earth",
            synopsis="太阳即将毁灭，人类带着地球逃离。Humanity flees the dying sun.",
            genre_ids=[space],
            release_date=(today - timedelta(days=10)).isoformat(),
            cast=[{"person": "吴京", "role": "actor"}],
        ),
        "solaris": factories.movie(
            "飞向太空",
            original_title="Solaris",
            synopsis="A psychologist is sent to a station orbiting a distant planet.",
            genre_ids=[scifi],
            release_date=(today + timedelta(days=30)).isoformat(),
        ),
        "farewell": factories.movie(
            "霸王别姬",
            original_title="Farewell My Concubine",
            synopsis="两个京剧演员半个世纪的悲欢离合。Two opera actors across fifty years.",
            genre_ids=[drama],
            release_date="1993-01-01",
        ),
    }
    assert reindex() == 3
    return ids


def test_finds_a_movie_by_chinese_or_english_words_with_highlight_total_and_facets(
    api: Any, catalogue: dict[str, str]
) -> None:
    page = search(api, q="地球逃离")
    assert [i["movie_id"] for i in page["items"]] == [catalogue["earth"]]
    assert page["total"] == 1
    assert marked(page["items"][0]["highlight"]["synopsis"][0]) == ["地球逃离"]
    assert page["facets"]["genres"] == [
        {"genre_id": catalogue["space"], "name": "太空", "count": 1}
    ]
    item = search(api, q="planet")["items"][0]
    assert item["movie_id"] == catalogue["solaris"]
    assert item["status"] == "coming"
    assert item["year"] == int(item["release_date"][:4])
    assert item["poster_url"] is None  # no poster uploaded


def test_a_genre_filter_includes_its_sub_genres(api: Any, catalogue: dict[str, str]) -> None:
    page = search(api, genre=catalogue["scifi"])
    assert {i["movie_id"] for i in page["items"]} == {catalogue["earth"], catalogue["solaris"]}
    facets = {f["name"]: f["count"] for f in page["facets"]["genres"]}
    assert facets == {"科幻": 1, "太空": 1}


def test_status_and_year_filters(api: Any, catalogue: dict[str, str]) -> None:
    assert [i["movie_id"] for i in search(api, status="showing")["items"]] == [catalogue["earth"]]
    assert [i["movie_id"] for i in search(api, status="coming")["items"]] == [catalogue["solaris"]]
    assert [i["movie_id"] for i in search(api, status="ended")["items"]] == [catalogue["farewell"]]
    assert [i["movie_id"] for i in search(api, year=1993)["items"]] == [catalogue["farewell"]]


def test_a_city_filter_keeps_movies_with_an_upcoming_showtime_there(
    api: Any, catalogue: dict[str, str]
) -> None:
    shanghai, beijing = factories.city("上海"), factories.city("北京")
    hall = factories.hall(factories.cinema(shanghai))
    factories.showtime(catalogue["earth"], hall, factories.tomorrow_at(19))
    assert [i["movie_id"] for i in search(api, city=shanghai)["items"]] == [catalogue["earth"]]
    assert search(api, city=beijing) == {
        "items": [],
        "next_cursor": None,
        "total": 0,
        "facets": {"genres": []},
    }


def test_without_text_the_newest_release_comes_first(api: Any, catalogue: dict[str, str]) -> None:
    order = [i["movie_id"] for i in search(api)["items"]]
    assert order == [catalogue["solaris"], catalogue["earth"], catalogue["farewell"]]


def test_pages_are_chained_by_a_signed_cursor_tied_to_the_query(
    api: Any, catalogue: dict[str, str]
) -> None:
    first = search(api, limit=2)
    assert first["total"] == 3 and len(first["items"]) == 2
    second = search(api, limit=2, cursor=first["next_cursor"])
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    assert second["total"] == 3
    search(api, 400, limit=2, cursor=first["next_cursor"] + "x")
    search(api, 400, limit=2, q="earth", cursor=first["next_cursor"])  # another query


def test_paging_stops_at_the_depth_bound(
    api: Any, catalogue: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "MAX_DEPTH", 2)
    first = search(api, limit=1)
    second = search(api, limit=1, cursor=first["next_cursor"])
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None  # a third movie exists, but not this deep
    assert second["total"] == 3


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 101},
        {"status": "playing"},
        {"year": "abc"},
        {"sort": "title"},
        {"limit": 0},
        {"limit": 101},
        {"colour": "red"},
    ],
)
def test_bad_parameters_are_422(api: Any, params: dict[str, Any]) -> None:
    problem = search(api, 422, **params)
    assert problem["status"] == 422 and problem["errors"]


def test_a_genre_that_does_not_exist_is_404_with_the_field(api: Any) -> None:
    problem = search(api, 404, genre="no-such-genre")
    assert problem["type"] == "urn:marquee:problem:unknown-reference"
    assert [e["field"] for e in problem["errors"]] == ["genre"]


def test_suggest_gives_titles_for_a_prefix(api: Any, catalogue: dict[str, str]) -> None:
    result = api.get("/search/suggest?q=" + "流浪")
    assert result.status == 200
    assert result.json == {
        "items": [
            {
                "movie_id": catalogue["earth"],
                "title": "流浪地球",
                "original_title": "The Wandering Earth",
            }
        ]
    }
    assert [i["movie_id"] for i in api.get("/search/suggest?q=farew").json["items"]] == [
        catalogue["farewell"]
    ]


def test_suggest_needs_a_short_prefix(api: Any) -> None:
    assert api.get("/search/suggest").status == 422
    assert api.get("/search/suggest?q=" + "a" * 51).status == 422


def test_at_most_ten_suggestions(api: Any) -> None:
    for n in range(12):
        factories.movie(f"Star Voyage {n}")
    reindex()
    assert len(api.get("/search/suggest?q=star").json["items"]) == 10


def test_a_failing_search_engine_is_a_503_problem(
    api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    nothing_listens = build_client(f"http://127.0.0.1:{free_port()}", "us-east-1")
    broken = OpenSearchIndex(nothing_listens, alias="test-movies")
    monkeypatch.setattr(service, "get_index", lambda: broken)
    for path in ("/search/movies?q=x", "/search/suggest?q=x"):
        result = api.get(path)
        assert result.status == 503
        assert result.json["title"] == "Service Unavailable"


def test_an_item_carries_its_poster_url(api: Any) -> None:
    get_index().upsert(
        MovieDocument(movie_id="m1", title="海报", poster_key="posters/m1.jpg", genre_ids=())
    )
    [item] = search(api)["items"]
    assert item["poster_key"] == "posters/m1.jpg"
    assert item["poster_url"].endswith("/posters/m1.jpg")
    assert item["status"] is None and item["year"] is None  # no release date yet
