"""Movies over HTTP: staff writes, public reads, derived status, counters, soft delete."""

from datetime import timedelta
from typing import Any

from chalicelib.catalog.models import Movie
from chalicelib.catalog.movies import refresh_movie_statuses
from chalicelib.core import clock
from tests.catalog import factories as make

NEW_MOVIE = {
    "title": "流浪地球2",
    "original_title": "The Wandering Earth II",
    "duration": 173,
    "release_date": "2023-01-22",
    "formats": ["2D", "IMAX"],
    "countries": ["China"],
    "languages": ["Mandarin", "English"],
    "synopsis": "太阳即将毁灭，人类启动流浪地球计划。",
    "cast": [
        {"person": "郭帆", "role": "director"},
        {"person": "吴京", "role": "actor", "character": "刘培强"},
    ],
    "age_rating": "PG-13",
}


def test_staff_create_a_movie_and_anyone_reads_it(api: Any) -> None:
    drama = make.genre("剧情")
    created = api.as_user(make.staff_token()).post(
        "/movies", json={**NEW_MOVIE, "genre_ids": [drama]}
    )
    assert created.status == 201, created.text
    movie = created.json
    assert movie["status"] == "ended"  # released long ago, no run end set: 60 days
    assert movie["genres"] == [{"genre_id": drama, "name": "剧情"}]
    assert movie["rating_average"] is None and movie["want_count"] == 0
    assert movie["cast"][1] == {"person": "吴京", "role": "actor", "character": "刘培强"}

    read = api.get(f"/movies/{movie['movie_id']}")
    assert read.status == 200
    assert read.json["title"] == "流浪地球2"
    assert read.json["view_count"] == 1


def test_writes_need_staff(api: Any) -> None:
    assert api.post("/movies", json=NEW_MOVIE).status == 401
    assert api.as_user(make.user_token()).post("/movies", json=NEW_MOVIE).status == 403
    movie_id = make.movie()
    user = api.as_user(make.user_token())
    assert user.patch(f"/movies/{movie_id}", json={"title": "x"}).status == 403
    assert user.delete(f"/movies/{movie_id}").status == 403


def test_invalid_movies_are_422_with_the_field(api: Any) -> None:
    staff = api.as_user(make.staff_token())
    for body, field in [
        ({**NEW_MOVIE, "duration": 0}, "duration"),
        ({**NEW_MOVIE, "formats": ["4DX"]}, "formats.0"),
        ({**NEW_MOVIE, "synopsis": "x" * 2001}, "synopsis"),
        ({**NEW_MOVIE, "cast": [{"person": "a", "role": "grip"}]}, "cast.0.role"),
        ({**NEW_MOVIE, "surprise": 1}, "surprise"),
        ({**NEW_MOVIE, "showing_until": "2023-01-21"}, "showing_until"),
        ({**NEW_MOVIE, "release_date": "2023-02-30"}, "release_date"),
        ({**NEW_MOVIE, "release_date": 0}, "release_date"),  # JSON: a date is a string
        ({**NEW_MOVIE, "release_date": "0"}, "release_date"),  # and only YYYY-MM-DD
        ({**NEW_MOVIE, "duration": "120"}, "duration"),  # and a number is a number
        ({**NEW_MOVIE, "is_banner": "true"}, "is_banner"),
    ]:
        result = staff.post("/movies", json=body)
        assert result.status == 422, (field, result.text)
        assert field in [e["field"] for e in result.json["errors"]], result.json
    assert staff.post("/movies", json={**NEW_MOVIE, "duration": 120.0}).status == 201


def test_a_movie_naming_what_does_not_exist_is_404_with_the_field(api: Any) -> None:
    staff = api.as_user(make.staff_token())
    for body, field in [
        ({**NEW_MOVIE, "genre_ids": ["nope"]}, "genre_ids.0"),
        ({**NEW_MOVIE, "poster_key": "posters/missing.jpg"}, "poster_key"),
    ]:
        result = staff.post("/movies", json=body)
        assert result.status == 404, (field, result.text)
        assert [e["field"] for e in result.json["errors"]] == [field]


def test_a_patch_needs_a_body_and_null_only_clears_what_may_be_empty(api: Any) -> None:
    staff = api.as_user(make.staff_token())
    movie_id = make.movie(synopsis="long")
    assert staff.request("PATCH", f"/movies/{movie_id}").status == 422  # no body at all
    assert staff.patch(f"/movies/{movie_id}", json={"title": None}).status == 422
    cleared = staff.patch(f"/movies/{movie_id}", json={"synopsis": None})
    assert cleared.status == 200 and cleared.json["synopsis"] is None
    assert staff.patch(f"/movies/{movie_id}", json={}).status == 200  # nothing to change


def test_opening_a_movie_counts_every_view_atomically(api: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.catalog.movies import open_movie

    movie_id = make.movie()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: open_movie(movie_id), range(20)))
    assert Movie.get(movie_id).view_count == 20


def test_an_edit_keeps_counters_changed_meanwhile(api: Any) -> None:
    movie_id = make.movie()
    Movie(movie_id).update(actions=[Movie.want_count.add(3), Movie.rating_sum.add(17)])
    Movie(movie_id).update(actions=[Movie.rating_count.add(2)])
    result = api.as_user(make.staff_token()).patch(
        f"/movies/{movie_id}", json={"title": "活着", "synopsis": None}
    )
    assert result.status == 200, result.text
    assert result.json["title"] == "活着" and result.json["synopsis"] is None
    assert result.json["want_count"] == 3
    assert result.json["rating_average"] == 8.5


def test_patch_changes_genres_and_status(api: Any) -> None:
    drama, comedy = make.genre("剧情"), make.genre("喜剧")
    movie_id = make.movie(genre_ids=[drama])
    staff = api.as_user(make.staff_token())
    future = (clock.now().date() + timedelta(days=30)).isoformat()
    result = staff.patch(
        f"/movies/{movie_id}", json={"genre_ids": [comedy], "release_date": future}
    )
    assert result.status == 200, result.text
    assert result.json["status"] == "coming"
    assert [m["movie_id"] for m in api.get(f"/movies?genre={comedy}").json["items"]] == [movie_id]
    assert api.get(f"/movies?genre={drama}").json["items"] == []
    assert staff.patch(f"/movies/{movie_id}", json={"title": None}).status == 422
    assert staff.patch("/movies/nope", json={"title": "x"}).status == 404


def test_a_pinned_status_overrides_the_dates(api: Any) -> None:
    movie_id = make.movie(status_pinned="coming")
    assert api.get(f"/movies/{movie_id}").json["status"] == "coming"
    assert [m["movie_id"] for m in api.get("/movies?status=coming").json["items"]] == [movie_id]
    assert api.get("/movies?status=showing").json["items"] == []


def test_deleted_movies_disappear_but_the_item_stays(api: Any) -> None:
    drama = make.genre("剧情")
    movie_id = make.movie(genre_ids=[drama])
    staff = api.as_user(make.staff_token())
    assert staff.delete(f"/movies/{movie_id}").status == 204
    assert api.get(f"/movies/{movie_id}").status == 404
    for query in ("", "?status=showing", f"?genre={drama}", "?year=2026"):
        assert api.get(f"/movies{query}").json["items"] == [], query
    assert Movie.get(movie_id).deleted is True
    assert staff.delete(f"/movies/{movie_id}").status == 404
    assert staff.patch(f"/movies/{movie_id}", json={"title": "x"}).status == 404
    # the genre no longer has movies, so it may go
    assert staff.delete(f"/genres/{drama}").status == 204


def test_the_sweeper_moves_movies_whose_dates_changed_their_status(
    api: Any, frozen_clock: Any
) -> None:
    movie_id = make.movie(release_date=(clock.now().date() + timedelta(days=2)).isoformat())
    assert Movie.get(movie_id).status == "coming"
    frozen_clock.advance(days=3)
    # exact before any sweep: the list looks in the partition the movie drifts from
    assert [m["movie_id"] for m in api.get("/movies?status=showing").json["items"]] == [movie_id]
    assert api.get("/movies?status=coming").json["items"] == []
    assert refresh_movie_statuses(clock.now()) == 1
    assert Movie.get(movie_id).status == "showing"
    frozen_clock.advance(days=61)
    assert refresh_movie_statuses(clock.now()) == 1
    assert Movie.get(movie_id).status == "ended"
    assert refresh_movie_statuses(clock.now()) == 0


def test_poster_and_stills_are_recorded_once_uploaded(api: Any) -> None:
    from chalicelib.core.aws import client
    from chalicelib.core.config import get_settings

    s3, bucket = client("s3"), get_settings().media_bucket
    jpeg, png = b"\xff\xd8\xff\xe0" + b"0" * 20, b"\x89PNG\r\n\x1a\n" + b"0" * 20
    s3.put_object(Bucket=bucket, Key="posters/p1.jpg", Body=jpeg, ContentType="image/jpeg")
    s3.put_object(Bucket=bucket, Key="stills/s1.png", Body=png, ContentType="image/png")
    s3.put_object(Bucket=bucket, Key="avatars/u/a.png", Body=png, ContentType="image/png")
    page = b"<html><script>alert(1)</script></html>"
    s3.put_object(Bucket=bucket, Key="posters/p2.jpg", Body=page, ContentType="text/html")
    s3.put_object(Bucket=bucket, Key="stills/s2.png", Body=page, ContentType="image/png")
    movie_id = make.movie()
    staff = api.as_user(make.staff_token())
    result = staff.patch(
        f"/movies/{movie_id}",
        json={"poster_key": "posters/p1.jpg", "still_keys": ["stills/s1.png"]},
    )
    assert result.status == 200, result.text
    assert result.json["poster_url"].endswith(f"/{bucket}/posters/p1.jpg")
    assert result.json["still_urls"][0].endswith("/stills/s1.png")
    wrong_kind = staff.patch(f"/movies/{movie_id}", json={"poster_key": "avatars/u/a.png"})
    assert wrong_kind.status == 404
    missing = staff.patch(f"/movies/{movie_id}", json={"still_keys": ["stills/none.png"]})
    assert [e["field"] for e in missing.json["errors"]] == ["still_keys.0"]
    # what S3 stored is checked: its content type, and that the bytes are that image type
    assert staff.patch(f"/movies/{movie_id}", json={"poster_key": "posters/p2.jpg"}).status == 404
    assert staff.patch(f"/movies/{movie_id}", json={"still_keys": ["stills/s2.png"]}).status == 404


def test_staff_get_a_presigned_post_for_a_poster(api: Any) -> None:
    staff = api.as_user(make.staff_token())
    form = {"kind": "poster", "content_type": "image/png", "size": 9 * 1024 * 1024}
    result = staff.post("/uploads", json=form)
    assert result.status in (200, 201), result.text
    assert result.json["key"].startswith("posters/")
    too_big = staff.post("/uploads", json={**form, "size": 11 * 1024 * 1024})
    assert too_big.status == 422
    assert api.as_user(make.user_token()).post("/uploads", json=form).status == 403
