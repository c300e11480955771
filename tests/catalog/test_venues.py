"""Genres, areas, cinemas and halls over HTTP."""

from typing import Any

from tests.catalog import factories as make


def test_genre_tree_nests_sub_genres(api: Any) -> None:
    staff = api.as_user(make.staff_token())
    drama = staff.post("/genres", json={"name": "剧情"}).json["genre_id"]
    crime = staff.post("/genres", json={"name": "犯罪", "parent_id": drama})
    assert crime.status == 201
    tree = api.get("/genres").json
    assert [g["name"] for g in tree] == ["剧情"]
    assert [g["name"] for g in tree[0]["children"]] == ["犯罪"]


def test_genre_edits_are_checked(api: Any) -> None:
    staff = api.as_user(make.staff_token())
    drama = make.genre("剧情")
    crime = make.genre("犯罪", parent_id=drama)
    unknown = staff.post("/genres", json={"name": "x", "parent_id": "nope"})
    assert unknown.status == 404 and unknown.json["errors"][0]["field"] == "parent_id"
    assert staff.patch(f"/genres/{drama}", json={"parent_id": crime}).status == 409  # a cycle
    moved = staff.patch(f"/genres/{crime}", json={"parent_id": None, "name": "黑帮"})
    assert moved.status == 200 and moved.json["parent_id"] is None
    assert staff.patch("/genres/nope", json={"name": "x"}).status == 404
    assert api.as_user(make.user_token()).post("/genres", json={"name": "x"}).status == 403


def test_a_genre_in_use_cannot_be_deleted(api: Any) -> None:
    staff = api.as_user(make.staff_token())
    drama = make.genre("剧情")
    crime = make.genre("犯罪", parent_id=drama)
    assert staff.delete(f"/genres/{drama}").status == 409  # has a sub-genre
    make.movie(genre_ids=[crime])
    assert staff.delete(f"/genres/{crime}").status == 409  # has a movie
    assert staff.delete("/genres/nope").status == 404


def test_area_tree_lists_cities_with_their_cinemas(api: Any) -> None:
    staff = api.as_user(make.staff_token())
    province = staff.post("/areas", json={"name": "广东", "level": "province"}).json["area_id"]
    city = staff.post("/areas", json={"name": "深圳", "level": "city", "parent_id": province})
    city_id = city.json["area_id"]
    district = staff.post(
        "/areas", json={"name": "南山区", "level": "district", "parent_id": city_id}
    ).json["area_id"]
    cinema = staff.post(
        "/cinemas",
        json={
            "name": "百老汇影城",
            "city_id": city_id,
            "district_id": district,
            "address": "海德三道",
        },
    )
    assert cinema.status == 201, cinema.text
    tree = api.get("/cities").json
    shenzhen = tree[0]["children"][0]
    assert shenzhen["name"] == "深圳" and shenzhen["children"][0]["name"] == "南山区"
    assert shenzhen["cinemas"] == [
        {"cinema_id": cinema.json["cinema_id"], "name": "百老汇影城", "district_id": district}
    ]


def test_areas_nest_only_province_city_district(api: Any) -> None:
    staff = api.as_user(make.staff_token())
    city = make.city()
    assert staff.post("/areas", json={"name": "x", "level": "city"}).status == 422
    under_a_city = staff.post("/areas", json={"name": "x", "level": "city", "parent_id": city})
    assert under_a_city.status == 404  # a city's parent is a province
    assert under_a_city.json["errors"] == [
        {"field": "parent_id", "message": f"no province {city!r}"}
    ]
    assert (
        staff.post("/areas", json={"name": "x", "level": "province", "parent_id": city}).status
        == 422
    )


def test_cinemas_by_city_and_soft_delete(api: Any) -> None:
    staff = api.as_user(make.staff_token())
    shanghai, beijing = make.city("上海"), make.city("北京")
    a = make.cinema(shanghai, "A 影城")
    b = make.cinema(shanghai, "B 影城")
    c = make.cinema(beijing, "C 影城")
    listed = api.get(f"/cinemas?city={shanghai}").json["items"]
    assert [x["cinema_id"] for x in listed] == [a, b]
    assert len(api.get("/cinemas").json["items"]) == 3
    assert staff.delete(f"/cinemas/{b}").status == 204
    assert [x["cinema_id"] for x in api.get(f"/cinemas?city={shanghai}").json["items"]] == [a]
    assert api.get(f"/cinemas/{b}").status == 404
    assert b not in str(api.get("/cities").json)
    assert staff.delete(f"/cinemas/{b}").status == 404
    moved = staff.patch(f"/cinemas/{c}", json={"city_id": shanghai, "phone": None})
    assert moved.status == 200 and moved.json["city_id"] == shanghai
    assert staff.patch(f"/cinemas/{c}", json={"city_id": "nope"}).status == 404
    assert staff.patch(f"/cinemas/{c}", json={"city_id": None}).status == 422
    assert api.get("/cinemas?city=nope").status == 404


def test_cinema_district_must_be_in_its_city(api: Any) -> None:
    staff = api.as_user(make.staff_token())
    shanghai, beijing = make.city("上海"), make.city("北京")
    district = staff.post(
        "/areas", json={"name": "朝阳区", "level": "district", "parent_id": beijing}
    ).json["area_id"]
    body = {"name": "x", "city_id": shanghai, "district_id": district, "address": "y"}
    result = staff.post("/cinemas", json=body)
    assert result.status == 409 and "not in that city" in result.json["detail"]


def test_a_hall_carries_its_validated_layout(api: Any) -> None:
    staff = api.as_user(make.staff_token())
    cinema = make.cinema(make.city())
    layout = make.layout(rows=2, seats=4, vip_row=1)
    layout["rows"][0]["cells"][-2:] = [
        {"seat_id": "A03", "type": "couple-left"},
        {"seat_id": "A04", "type": "couple-right"},
    ]
    created = staff.post(f"/cinemas/{cinema}/halls", json={"name": "IMAX厅", "layout": layout})
    assert created.status == 201, created.text
    hall = created.json
    assert hall["seat_count"] == 8
    assert hall["seat_types"] == ["couple-left", "couple-right", "standard", "vip"]
    assert hall["layout"]["rows"][0]["cells"][2] is None
    detail = api.get(f"/cinemas/{cinema}").json
    assert [h["hall_id"] for h in detail["halls"]] == [hall["hall_id"]]
    assert api.get(f"/halls/{hall['hall_id']}").json["seat_count"] == 8


def test_bad_layouts_are_422_naming_the_cell(api: Any) -> None:
    staff = api.as_user(make.staff_token())
    cinema = make.cinema(make.city())
    duplicate = make.layout(rows=2, seats=2)
    duplicate["rows"][1]["cells"][0]["seat_id"] = "A01"
    lonely = make.layout(rows=1, seats=2)
    lonely["rows"][0]["cells"][0]["type"] = "couple-left"  # a standard seat follows it
    bad_type = make.layout(rows=1, seats=1)
    bad_type["rows"][0]["cells"][0]["type"] = "sofa"
    for layout, field in [
        (duplicate, "layout.rows.1.cells.0"),
        (lonely, "layout.rows.0.cells.0"),
        (bad_type, "layout.rows.0.cells.0.type"),
        ({"rows": [{"label": "A", "cells": [None]}]}, "layout.rows"),
    ]:
        result = staff.post(f"/cinemas/{cinema}/halls", json={"name": "1", "layout": layout})
        assert result.status == 422, result.text
        assert result.json["errors"][0]["field"] == field, result.json


def test_halls_are_managed_by_staff_only(api: Any) -> None:
    cinema = make.cinema(make.city())
    hall = make.hall(cinema)
    user = api.as_user(make.user_token())
    body = {"name": "2", "layout": make.layout()}
    assert user.post(f"/cinemas/{cinema}/halls", json=body).status == 403
    assert user.patch(f"/halls/{hall}", json={"name": "x"}).status == 403
    staff = api.as_user(make.staff_token())
    renamed = staff.patch(f"/halls/{hall}", json={"name": "巨幕厅", "layout": make.layout(rows=1)})
    assert renamed.status == 200 and renamed.json["seat_count"] == 4
    assert staff.post("/cinemas/nope/halls", json=body).status == 404
