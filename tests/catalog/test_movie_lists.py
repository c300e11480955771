"""``GET /movies``: every filter, every order, cursor pages, 422s and cache headers."""

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.catalog.models import Movie
from chalicelib.core import clock
from tests.catalog import factories as make


def ids(result: Any) -> list[str]:
    assert result.status == 200, result.text
    return [m["movie_id"] for m in result.json["items"]]


def days_from_today(n: int) -> str:
    return (clock.now().date() + timedelta(days=n)).isoformat()


def test_genre_filter_includes_sub_genres(api: Any) -> None:
    drama = make.genre("剧情")
    crime = make.genre("犯罪", parent_id=drama)
    comedy = make.genre("喜剧")
    parent_only = make.movie("霸王别姬", genre_ids=[drama])
    child = make.movie("无间道", genre_ids=[crime])
    make.movie("大话西游", genre_ids=[comedy])
    assert sorted(ids(api.get(f"/movies?genre={drama}"))) == sorted([parent_only, child])
    assert ids(api.get(f"/movies?genre={crime}")) == [child]


def test_status_filter_is_ordered_by_release_date(api: Any) -> None:
    old = make.movie("让子弹飞", release_date=days_from_today(-20))
    new = make.movie("满江红", release_date=days_from_today(-1))
    make.movie("封神第二部", release_date=days_from_today(10))
    make.movie("英雄", release_date="2002-12-20")
    assert ids(api.get("/movies?status=showing")) == [new, old]
    assert len(ids(api.get("/movies?status=coming"))) == 1
    assert len(ids(api.get("/movies?status=ended"))) == 1
    assert len(ids(api.get("/movies"))) == 4


def test_year_filter_uses_the_release_year(api: Any) -> None:
    hero = make.movie("英雄", release_date="2002-12-20")
    make.movie("Inception", release_date="2010-07-16")
    assert ids(api.get("/movies?year=2002")) == [hero]
    assert ids(api.get("/movies?year=1999")) == []


def test_city_and_date_filters_follow_the_showtimes(api: Any) -> None:
    shanghai, beijing = make.city("上海"), make.city("北京")
    hall_sh = make.hall(make.cinema(shanghai))
    hall_bj = make.hall(make.cinema(beijing, "CGV影城"))
    in_shanghai = make.movie("长安三万里")
    in_beijing = make.movie("Oppenheimer")
    make.movie("Barbie")
    make.showtime(in_shanghai, hall_sh, make.tomorrow_at(19))
    make.showtime(in_beijing, hall_bj, make.tomorrow_at(19) + timedelta(days=1))
    tomorrow = make.tomorrow_at(12).date().isoformat()
    assert ids(api.get(f"/movies?city={shanghai}")) == [in_shanghai]
    assert ids(api.get(f"/movies?city={beijing}")) == [in_beijing]
    assert ids(api.get(f"/movies?date={tomorrow}")) == [in_shanghai]
    assert ids(api.get(f"/movies?city={beijing}&date={tomorrow}")) == []


def test_sort_orders(api: Any) -> None:
    a = make.movie("Avatar", release_date="2009-12-18")
    b = make.movie("Babel", release_date="2006-10-27")
    c = make.movie("Coco", release_date="2017-11-22")
    unrated = make.movie("Dune", release_date="2021-10-22")
    Movie(a).update(actions=[Movie.rating_sum.add(16), Movie.rating_count.add(2)])  # 8.0
    Movie(b).update(actions=[Movie.rating_sum.add(9), Movie.rating_count.add(1)])  # 9.0
    Movie(c).update(actions=[Movie.rating_sum.add(24), Movie.rating_count.add(3)])  # 8.0 x3
    Movie(b).update(actions=[Movie.want_count.add(5)])
    Movie(c).update(actions=[Movie.want_count.add(9)])
    assert ids(api.get("/movies")) == [unrated, c, a, b]
    assert ids(api.get("/movies?sort=-release_date")) == [unrated, c, a, b]
    assert ids(api.get("/movies?sort=-rating")) == [b, c, a, unrated]
    assert ids(api.get("/movies?sort=-want_count"))[:2] == [c, b]
    assert ids(api.get("/movies?sort=title")) == [a, b, c, unrated]


def test_cursor_pages_cover_every_movie_once(api: Any) -> None:
    made = {make.movie(f"Movie {i:02d}", release_date=f"2020-01-{i + 1:02d}") for i in range(7)}
    seen: list[str] = []
    url = "/movies?sort=title&limit=3"
    page = api.get(url)
    while True:
        seen += ids(page)
        cursor = page.json["next_cursor"]
        if cursor is None:
            break
        page = api.get(f"{url}&cursor={cursor}")
    assert len(seen) == 7 and set(seen) == made
    assert seen == sorted(seen, key=lambda m: Movie.get(m).title)


def test_a_cursor_only_works_on_its_own_list(api: Any) -> None:
    for i in range(3):
        make.movie(f"Movie {i}")
    cursor = api.get("/movies?limit=1").json["next_cursor"]
    assert cursor
    assert api.get(f"/movies?limit=1&sort=title&cursor={cursor}").status == 400
    assert api.get(f"/movies?limit=1&cursor={cursor}x").status == 400


@pytest.mark.parametrize(
    "query",
    [
        "status=soon",
        "sort=-popularity",
        "date=2026-02-30",
        "date=0",  # pydantic alone would read a Unix time
        "year=nineteen",
        "limit=101",
        "limit=0",
        "colour=red",
    ],
)
def test_unknown_filter_values_are_422(api: Any, query: str) -> None:
    result = api.get(f"/movies?{query}")
    assert result.status == 422, result.text
    assert result.json["errors"]


@pytest.mark.parametrize(
    ("query", "field"), [("genre=unknown", "genre"), ("city=atlantis", "city")]
)
def test_filters_naming_nothing_are_404_with_the_field(api: Any, query: str, field: str) -> None:
    result = api.get(f"/movies?{query}")
    assert result.status == 404, result.text
    assert [e["field"] for e in result.json["errors"]] == [field]


def test_public_lists_carry_etags_and_answer_304(api: Any) -> None:
    make.movie()
    first = api.get("/movies")
    etag = first.header("ETag")
    assert etag and first.header("Cache-Control") == "public, max-age=30"
    again = api.get("/movies", headers={"If-None-Match": etag})
    assert again.status == 304 and again.text == ""
    make.movie("另一部")
    changed = api.get("/movies", headers={"If-None-Match": etag})
    assert changed.status == 200 and changed.header("ETag") != etag
    assert api.get("/genres").header("Cache-Control") == "public, max-age=300"


def test_newest_first_pages_through_the_release_index(api: Any) -> None:
    made = [make.movie(f"Movie {i}", release_date=f"2019-03-{i + 1:02d}") for i in range(5)]
    make.movie("Other year", release_date="2018-12-31")
    url = "/movies?year=2019&limit=2"
    seen: list[str] = []
    page = api.get(url)
    while True:
        seen += ids(page)
        if page.json["next_cursor"] is None:
            break
        page = api.get(f"{url}&cursor={page.json['next_cursor']}")
    assert seen == list(reversed(made))
