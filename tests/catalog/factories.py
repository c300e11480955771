"""Catalogue test data, made through the services (the same code the API calls)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.accounts.tokens import issue_access_token
from chalicelib.booking import inventory
from chalicelib.catalog import areas, cinemas, genres, movies
from chalicelib.catalog.schemas import (
    AreaIn,
    CinemaIn,
    GenreIn,
    HallIn,
    MovieIn,
    ShowtimeIn,
)
from chalicelib.core import clock


def staff_token() -> str:
    return issue_access_token("staff-1", ["user", "staff"])


def user_token() -> str:
    return issue_access_token("user-1", ["user"])


def genre(name: str, parent_id: str | None = None) -> str:
    return genres.create_genre(GenreIn(name=name, parent_id=parent_id)).genre_id


def movie(title: str = "霸王别姬", **fields: Any) -> str:
    values: dict[str, Any] = {
        "title": title,
        "duration": 120,
        "release_date": (clock.now().date() - timedelta(days=3)).isoformat(),
        "formats": ["2D", "3D"],
        "languages": ["Mandarin"],
    }
    values.update(fields)
    return movies.create_movie(MovieIn.model_validate(values)).movie_id


def city(name: str = "上海") -> str:
    province = areas.create_area(AreaIn.model_validate({"name": name + "省", "level": "province"}))
    city_in = {"name": name, "level": "city", "parent_id": province.area_id}
    return areas.create_area(AreaIn.model_validate(city_in)).area_id


def cinema(city_id: str, name: str = "万达影城") -> str:
    body = CinemaIn(name=name, city_id=city_id, address="人民路 1 号", phone="021-1234567")
    return cinemas.create_cinema(body).cinema_id


def layout(rows: int = 3, seats: int = 4, vip_row: int | None = None) -> dict[str, Any]:
    """``rows`` rows of ``seats`` seats with an aisle after the second seat."""
    out = []
    for r in range(rows):
        label = chr(ord("A") + r)
        kind = "vip" if r == vip_row else "standard"
        cells: list[dict[str, str] | None] = [
            {"seat_id": f"{label}{n:02d}", "type": kind} for n in range(1, seats + 1)
        ]
        cells.insert(2, None)
        out.append({"label": label, "cells": cells})
    return {"rows": out}


def hall(cinema_id: str, name: str = "1号厅", **kw: Any) -> str:
    body = HallIn.model_validate({"name": name, "layout": layout(**kw)})
    return cinemas.create_hall(cinema_id, body).hall_id


def showtime(movie_id: str, hall_id: str, starts_at: datetime, **fields: Any) -> str:
    values: dict[str, Any] = {
        "movie_id": movie_id,
        "hall_id": hall_id,
        "starts_at": starts_at.isoformat(),
        "language": "Mandarin",
        "prices": {"standard": 4500},
    }
    values.update(fields)
    return inventory.schedule_showtime(ShowtimeIn.model_validate(values)).showtime_id


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    """A time tomorrow, in UTC, as Shanghai's calendar sees "tomorrow" at that hour."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Shanghai")
    day: date = clock.now().astimezone(zone).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
