"""A small catalogue for the search tests: Chinese and English text, genres, dates."""

from __future__ import annotations

import re

from chalicelib.search.index import MovieDocument

AVATAR = MovieDocument(
    movie_id="m-avatar",
    title="阿凡达：水之道",
    original_title="Avatar: The Way of Water",
    synopsis="杰克·萨利一家在潘多拉星球上的新冒险。The family keeps running from the hunters.",
    people=("James Cameron", "Sam Worthington"),
    genre_ids=("scifi", "adventure"),
    release_date="2022-12-16",
    last_showing_day="2023-02-13",
    rating=8.1,
    rating_count=120,
    want_count=900,
)
EARTH = MovieDocument(
    movie_id="m-earth",
    title="流浪地球",
    original_title="The Wandering Earth",
    synopsis="太阳即将毁灭，人类带着地球逃离太阳系。Humanity pushes the planet away.",
    people=("郭帆", "吴京"),
    genre_ids=("scifi",),
    release_date="2019-02-05",
    last_showing_day="2019-04-05",
    rating=7.9,
    rating_count=300,
    want_count=500,
)
SPIRITED = MovieDocument(
    movie_id="m-spirited",
    title="千与千寻",
    original_title="Spirited Away",
    synopsis="少女千寻误入神灵世界，为救变成猪的父母在汤屋工作。"
    "A girl works in a bathhouse of spirits.",
    people=("宫崎骏",),
    genre_ids=("animation",),
    release_date="2019-06-21",
    last_showing_day="2019-08-19",
    status_pinned="showing",  # a re-release kept on screens by hand
    want_count=700,
)
UPCOMING = MovieDocument(
    movie_id="m-upcoming",
    title="深海 <续集>",
    original_title="Deep Sea & Beyond",
    synopsis="一个关于深海与勇气的故事，续写深海传奇。A story of the water and courage.",
    genre_ids=("animation", "adventure"),
    release_date="2030-07-01",
    last_showing_day="2030-08-29",
)
UNDATED = MovieDocument(
    movie_id="m-undated",
    title="无名之作",
    original_title="Untitled Water Project",
    synopsis="A secret project about water.",
)

ALL = (AVATAR, EARTH, SPIRITED, UPCOMING, UNDATED)


def marked(fragment: str) -> list[str]:
    """The marked pieces of a highlight, adjacent marks joined (engines differ in whether
    they mark a Chinese word as one token or character by character)."""
    return re.findall(r"<mark>(.*?)</mark>", fragment.replace("</mark><mark>", ""))
