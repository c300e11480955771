"""Showtime lists: upcoming from now on (never a started show), format, language and
time-of-day filters, withdrawn showtimes left out."""

from datetime import timedelta
from typing import Any

from chalicelib.catalog.rules import time_of_day_ranges
from tests.catalog import factories as make


def _ids(api: Any, query: str) -> list[str]:
    result = api.get(f"/showtimes?{query}")
    assert result.status == 200, result.text
    return [s["showtime_id"] for s in result.json["items"]]


def test_time_of_day_ranges_span_midnight_when_from_is_after_to() -> None:
    assert time_of_day_ranges(None, None) is None
    assert time_of_day_ranges("18:00", "21:30") == [("18:00", "21:30")]
    assert time_of_day_ranges("18:00", None) == [("18:00", "23:59")]
    assert time_of_day_ranges(None, "12:00") == [("00:00", "12:00")]
    assert time_of_day_ranges("22:00", "02:00") == [("22:00", "23:59"), ("00:00", "02:00")]


def test_unfiltered_list_is_upcoming_across_days_and_never_started_ones(
    api: Any, frozen_clock: Any
) -> None:
    city = make.city()
    hall = make.hall(make.cinema(city))
    movie = make.movie(duration=90)
    first = make.tomorrow_at(10)
    early = make.showtime(movie, hall, first)
    late = make.showtime(movie, hall, first + timedelta(hours=12))  # 22:00
    next_week = make.showtime(movie, hall, first + timedelta(days=6))
    assert _ids(api, "") == [early, late, next_week]
    # late in the evening of tomorrow: the 10:00 show has started, the 22:00 one has not
    frozen_clock.set(first + timedelta(hours=11, minutes=50))
    assert _ids(api, "") == [late, next_week]
    assert _ids(api, f"date={first.date().isoformat()}") == [late]
    assert _ids(api, f"date={(first - timedelta(days=2)).date().isoformat()}") == []
    assert _ids(api, f"city={city}&date={(first - timedelta(days=2)).date().isoformat()}") == []
    assert _ids(api, f"city={city}") == [late, next_week]
    frozen_clock.set(first + timedelta(hours=12, minutes=1))
    assert _ids(api, "") == [next_week]
    page = api.get("/showtimes?limit=1").json
    assert page["items"][0]["showtime_id"] == next_week


def test_format_language_and_time_of_day_filters(api: Any) -> None:
    city = make.city()
    cinema = make.cinema(city)
    hall, other_hall = make.hall(cinema), make.hall(cinema, "2号厅")
    movie = make.movie(duration=90, formats=["2D", "3D", "IMAX"])
    morning = make.showtime(movie, hall, make.tomorrow_at(9, 30), format="IMAX")
    evening = make.showtime(movie, hall, make.tomorrow_at(19), language="English")
    night = make.showtime(movie, other_hall, make.tomorrow_at(23, 15), format="3D")
    after_midnight = make.showtime(movie, other_hall, make.tomorrow_at(9) + timedelta(hours=17))
    for query, wanted in [
        ("format=IMAX", [morning]),
        ("format=3D", [night]),
        ("format=2D", [evening, after_midnight]),
        ("language=English", [evening]),
        ("language=Mandarin&format=2D", [after_midnight]),
        ("from_time=18:00&to_time=21:00", [evening]),
        ("from_time=19:00&to_time=19:00", [evening]),  # both ends included
        ("from_time=22:00&to_time=03:00", [night, after_midnight]),
        ("from_time=23:00", [night]),
        ("to_time=10:00", [morning, after_midnight]),
        (f"cinema={cinema}&from_time=12:00&format=2D", [evening]),
        (f"movie={movie}&language=Mandarin&to_time=12:00", [morning, after_midnight]),
        (f"city={city}&format=3D", [night]),
    ]:
        assert _ids(api, query) == wanted, query
    for bad in ("format=4D", "from_time=25:00", "to_time=7pm", "from_time=9:00", "language="):
        assert api.get(f"/showtimes?{bad}").status == 422, bad


def test_a_withdrawn_showtime_leaves_the_upcoming_list(api: Any) -> None:
    city = make.city()
    hall = make.hall(make.cinema(city))
    movie, other = make.movie(duration=90), make.movie("Barbie", duration=90)
    gone = make.showtime(movie, hall, make.tomorrow_at(12))
    kept = make.showtime(other, hall, make.tomorrow_at(16))
    assert _ids(api, "") == [gone, kept]
    assert api.as_user(make.staff_token()).delete(f"/movies/{movie}").status == 204
    assert _ids(api, "") == [kept]
