"""Demo catalogue for ``make dev``: genres, 20 movies, two cities, three cinemas with two
halls each. Written through the services (so it obeys every rule), once: a catalogue that
already has genres is left alone. (Booking's seeder schedules a week of showtimes in
those halls and opens their seats.)
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib.catalog import areas, cinemas, genres, movies
from chalicelib.catalog.models import Genre
from chalicelib.catalog.schemas import AreaIn, CinemaIn, GenreIn, HallIn, MovieIn
from chalicelib.catalog.support import local_today

GENRES = {
    "剧情": ["犯罪", "爱情", "传记"],
    "动作": ["武侠", "战争"],
    "科幻": [],
    "喜剧": [],
    "动画": [],
    "悬疑": [],
}

CN, US, JP = ["中国"], ["美国"], ["日本"]
ZH, EN, JA = ["汉语普通话"], ["英语"], ["日语"]

# title, original title, genres, formats, countries, languages, minutes, release, cast;
# release is days from today (an int) or a date for the classics.
MOVIES: list[tuple[Any, ...]] = [
    ("流浪地球2", "The Wandering Earth II", ["科幻"], ["2D", "IMAX"], CN, ZH, 173, -30,
     [("郭帆", "director", None), ("吴京", "actor", "刘培强"), ("刘德华", "actor", "图恒宇")]),
    ("奥本海默", "Oppenheimer", ["传记"], ["2D", "IMAX"], US, EN, 180, -25,
     [("Christopher Nolan", "director", None),
      ("Cillian Murphy", "actor", "J. Robert Oppenheimer")]),
    ("长安三万里", "Chang An", ["动画"], ["2D"], CN, ZH, 168, -20,
     [("谢君伟", "director", None), ("邹靖", "director", None)]),
    ("封神第一部：朝歌风云", "Creation of the Gods I", ["动作"], ["2D", "3D", "IMAX"], CN, ZH,
     148, -18, [("乌尔善", "director", None), ("费翔", "actor", "殷寿")]),
    ("消失的她", "Lost in the Stars", ["悬疑"], ["2D"], CN, ZH, 132, -15,
     [("崔睿", "director", None), ("朱一龙", "actor", "何非")]),
    ("满江红", "Full River Red", ["悬疑", "喜剧"], ["2D"], CN, ZH, 159, -12,
     [("张艺谋", "director", None), ("沈腾", "actor", "张大"), ("易烊千玺", "actor", "孙均")]),
    ("沙丘2", "Dune: Part Two", ["科幻"], ["2D", "IMAX"], US, EN, 166, -10,
     [("Denis Villeneuve", "director", None), ("Timothée Chalamet", "actor", "Paul Atreides")]),
    ("热辣滚烫", "YOLO", ["喜剧", "剧情"], ["2D"], CN, ZH, 129, -8,
     [("贾玲", "director", None), ("贾玲", "actor", "杜乐莹")]),
    ("你想活出怎样的人生", "君たちはどう生きるか", ["动画"], ["2D"], JP, JA, 124, -6,
     [("宫崎骏", "director", None), ("宫崎骏", "writer", None)]),
    ("芭比", "Barbie", ["喜剧"], ["2D"], US, EN, 114, -5,
     [("Greta Gerwig", "director", None), ("Margot Robbie", "actor", "Barbie")]),
    ("孤注一掷", "No More Bets", ["犯罪"], ["2D"], CN, ZH, 130, -3,
     [("申奥", "director", None), ("张艺兴", "actor", "潘生")]),
    ("第二十条", "Article 20", ["剧情"], ["2D"], CN, ZH, 141, -1,
     [("张艺谋", "director", None), ("雷佳音", "actor", "韩明")]),
    ("哪吒之魔童闹海", "Ne Zha 2", ["动画"], ["2D", "3D", "IMAX"], CN, ZH, 144, 5,
     [("饺子", "director", None)]),
    ("唐探1900", "Detective Chinatown 1900", ["喜剧", "悬疑"], ["2D"], CN, ZH, 136, 12,
     [("陈思诚", "director", None), ("王宝强", "actor", "唐仁"), ("刘昊然", "actor", "秦风")]),
    ("疯狂动物城2", "Zootopia 2", ["动画"], ["2D", "3D"], US, EN, 108, 20,
     [("Jared Bush", "director", None)]),
    ("阿凡达：火与烬", "Avatar: Fire and Ash", ["科幻"], ["3D", "IMAX"], US, EN, 190, 40,
     [("James Cameron", "director", None), ("Sam Worthington", "actor", "Jake Sully")]),
    ("霸王别姬", "Farewell My Concubine", ["剧情", "爱情"], ["2D"], CN, ZH, 171,
     date(1993, 1, 1), [("陈凯歌", "director", None), ("张国荣", "actor", "程蝶衣")]),
    ("无间道", "Infernal Affairs", ["犯罪"], ["2D"], ["中国香港"], ["粤语"], 101,
     date(2002, 12, 12), [("刘伟强", "director", None), ("梁朝伟", "actor", "陈永仁")]),
    ("卧虎藏龙", "Crouching Tiger, Hidden Dragon", ["武侠"], ["2D"], CN, ZH, 120,
     date(2000, 7, 7), [("李安", "director", None), ("周润发", "actor", "李慕白")]),
    ("星际穿越", "Interstellar", ["科幻"], ["2D", "IMAX"], US, EN, 169, date(2014, 11, 12),
     [("Christopher Nolan", "director", None), ("Matthew McConaughey", "actor", "Cooper")]),
]  # fmt: skip

# city -> districts -> cinemas: (name, address, phone, halls: (name, rows, side, centre))
PLACES: dict[tuple[str, str], dict[str, list[tuple[Any, ...]]]] = {
    ("上海市", "上海"): {
        "徐汇区": [("上影国际影城（永华店）", "虹桥路1号港汇恒隆广场6楼", "021-64071111",
                  [("1号厅", 10, 2, 10), ("IMAX厅", 11, 3, 12)])],
        "浦东新区": [("百丽宫影城（浦东嘉里城店）", "花木路1378号嘉里城3楼", "021-38872222",
                   [("1号厅", 8, 2, 8), ("2号厅", 10, 2, 10)])],
    },
    ("北京市", "北京"): {
        "朝阳区": [("UME国际影城（双井店）", "东三环中路65号富力广场4楼", "010-58763333",
                  [("1号厅", 9, 2, 10), ("IMAX厅", 11, 3, 12)])],
        "海淀区": [],
    },
}  # fmt: skip


def demo_layout(rows: int, side: int, centre: int) -> dict[str, Any]:
    """Side block, aisle, centre block, aisle, side block; VIP in the middle rows of the
    centre, couple seats across the back of the centre, wheelchair places at the front."""
    out = []
    for r in range(rows):
        label = chr(ord("A") + r)
        kinds = ["standard"] * (2 * side + centre)
        if rows // 2 - 1 <= r <= rows // 2:
            kinds[side : side + centre] = ["vip"] * centre
        if r == rows - 1:
            kinds[side : side + centre] = ["couple-left", "couple-right"] * (centre // 2)
        if r == 0:
            kinds[0] = kinds[-1] = "wheelchair"
        cells: list[dict[str, str] | None] = [
            {"seat_id": f"{label}{n + 1:02d}", "type": kind} for n, kind in enumerate(kinds)
        ]
        cells.insert(side + centre, None)
        cells.insert(side, None)
        out.append({"label": label, "cells": cells})
    return {"rows": out}


def _seed_genres() -> dict[str, str]:
    ids = {}
    for root, children in GENRES.items():
        ids[root] = genres.create_genre(GenreIn(name=root)).genre_id
        for child in children:
            ids[child] = genres.create_genre(GenreIn(name=child, parent_id=ids[root])).genre_id
    return ids


def _seed_movies(genre_ids: dict[str, str]) -> None:
    today = local_today()
    for title, original, names, formats, countries, languages, minutes, release, cast in MOVIES:
        released = release if isinstance(release, date) else today + timedelta(days=release)
        body = MovieIn.model_validate(
            {
                "title": title,
                "original_title": original,
                "genre_ids": [genre_ids[n] for n in names],
                "formats": formats,
                "countries": countries,
                "languages": languages,
                "duration": minutes,
                "release_date": released,
                "synopsis": f"{title}（{original}）",
                "cast": [{"person": p, "role": r, "character": c} for p, r, c in cast],
                "is_banner": release in (-30, -10, 5),
            }
        )
        movies.create_movie(body)


def _seed_places() -> list[str]:
    """Creates areas, cinemas and halls; returns the halls' ids."""
    halls = []
    for (province, city), districts in PLACES.items():
        province_id = areas.create_area(
            AreaIn.model_validate({"name": province, "level": "province"})
        ).area_id
        city_id = areas.create_area(
            AreaIn.model_validate({"name": city, "level": "city", "parent_id": province_id})
        ).area_id
        for district, places in districts.items():
            district_id = areas.create_area(
                AreaIn.model_validate({"name": district, "level": "district", "parent_id": city_id})
            ).area_id
            for name, address, phone, hall_specs in places:
                cinema_id = cinemas.create_cinema(
                    CinemaIn(
                        name=name,
                        city_id=city_id,
                        district_id=district_id,
                        address=address,
                        phone=phone,
                    )
                ).cinema_id
                for hall_name, rows, side, centre in hall_specs:
                    body = HallIn.model_validate(
                        {"name": hall_name, "layout": demo_layout(rows, side, centre)}
                    )
                    halls.append(cinemas.create_hall(cinema_id, body).hall_id)
    return halls


def seed_demo_catalogue() -> str:
    if next(iter(Genre.by_kind.query("genre", limit=1)), None) is not None:
        return "catalogue already seeded"
    genre_ids = _seed_genres()
    _seed_movies(genre_ids)
    halls = _seed_places()
    return f"{len(genre_ids)} genres, {len(MOVIES)} movies, {len(halls)} halls"
