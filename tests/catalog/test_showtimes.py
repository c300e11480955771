"""Showtimes: scheduling without overlap (also under concurrency), seats, lists."""

import threading
from datetime import timedelta
from typing import Any

from chalicelib.booking.models import Seat
from chalicelib.booking.rules import SeatStatus
from chalicelib.catalog.models import Showtime
from chalicelib.catalog.rules import schedule_days
from chalicelib.catalog.schemas import ShowtimeIn
from chalicelib.catalog.showtimes import create_showtime, schedule_of
from chalicelib.core.clock import isoformat
from chalicelib.core.errors import Conflict
from tests.catalog import factories as make


def setup_hall(vip_row: int | None = None) -> tuple[str, str, str, str]:
    city = make.city()
    cinema = make.cinema(city)
    hall = make.hall(cinema, vip_row=vip_row)
    movie = make.movie(duration=100)
    return city, cinema, hall, movie


def body(movie: str, hall: str, starts_at: Any, **extra: Any) -> dict[str, Any]:
    return {
        "movie_id": movie,
        "hall_id": hall,
        "starts_at": starts_at.isoformat(),
        "language": "Mandarin",
        "prices": {"standard": 4500},
        **extra,
    }


def test_a_showtime_ends_after_the_film_and_cleaning_and_gets_its_seats(api: Any) -> None:
    city, cinema, hall, movie = setup_hall(vip_row=0)
    start = make.tomorrow_at(19)
    created = api.as_user(make.staff_token()).post(
        "/showtimes", json=body(movie, hall, start, prices={"standard": 4500, "vip": 6000})
    )
    assert created.status == 201, created.text
    show = created.json
    assert show["ends_at"] == isoformat(start + timedelta(minutes=115))
    assert Showtime.get(show["showtime_id"]).ends_at == start + timedelta(minutes=115)
    assert (show["city_id"], show["cinema_id"], show["currency"]) == (city, cinema, "cny")
    seats = list(Seat.query(show["showtime_id"]))
    assert len(seats) == 12 == show["seat_count"]
    a01 = next(s for s in seats if s.seat_id == "A01")
    assert (a01.row, a01.row_index, a01.col, a01.seat_type, a01.price) == ("A", 0, 0, "vip", 6000)
    b03 = next(s for s in seats if s.seat_id == "B03")
    assert (b03.col, b03.price, b03.status) == (3, 4500, SeatStatus.AVAILABLE)
    assert api.get(f"/showtimes/{show['showtime_id']}").json["prices"] == {
        "standard": 4500,
        "vip": 6000,
    }


def test_prices_must_match_the_halls_seat_types(api: Any) -> None:
    _, _, hall, movie = setup_hall(vip_row=0)
    staff = api.as_user(make.staff_token())
    start = make.tomorrow_at(19)
    missing = staff.post("/showtimes", json=body(movie, hall, start))
    assert missing.status == 409 and "vip" in missing.json["detail"]
    extra = staff.post(
        "/showtimes",
        json=body(movie, hall, start, prices={"standard": 1, "vip": 2, "wheelchair": 3}),
    )
    assert extra.status == 409 and "wheelchair" in extra.json["detail"]
    negative = staff.post(
        "/showtimes", json=body(movie, hall, start, prices={"standard": -1, "vip": 2})
    )
    assert negative.status == 422


def test_showtime_input_is_checked(api: Any) -> None:
    _, _, hall, movie = setup_hall()
    staff = api.as_user(make.staff_token())
    start = make.tomorrow_at(19)
    for payload, field in [
        (body("nope", hall, start), "movie_id"),
        (body(movie, "nope", start), "hall_id"),
    ]:
        result = staff.post("/showtimes", json=payload)
        assert result.status == 404, (field, result.text)
        assert result.json["errors"][0]["field"] == field
    not_in_that_format = staff.post("/showtimes", json=body(movie, hall, start, format="IMAX"))
    assert not_in_that_format.status == 409  # the movie is 2D/3D
    for payload, field in [
        (body(movie, hall, start - timedelta(days=3)), "starts_at"),
        ({**body(movie, hall, start), "starts_at": "2030-01-01T10:00:00"}, "starts_at"),
        (body(movie, hall, start, currency="CNY"), "currency"),
    ]:
        result = staff.post("/showtimes", json=payload)
        assert result.status == 422, (field, result.text)
        assert result.json["errors"][0]["field"] == field
    assert (
        api.as_user(make.user_token()).post("/showtimes", json=body(movie, hall, start)).status
        == 403
    )
    assert api.post("/showtimes", json=body(movie, hall, start)).status == 401


def test_overlapping_showtimes_in_one_hall_are_409(api: Any) -> None:
    _, cinema, hall, movie = setup_hall()
    other_hall = make.hall(cinema, "2号厅")
    staff = api.as_user(make.staff_token())
    start = make.tomorrow_at(19)  # busy 19:00-20:55
    first = staff.post("/showtimes", json=body(movie, hall, start)).json["showtime_id"]
    clash = staff.post("/showtimes", json=body(movie, hall, start + timedelta(minutes=114)))
    assert clash.status == 409
    assert clash.json["conflicting_showtime_id"] == first
    before = staff.post("/showtimes", json=body(movie, hall, start - timedelta(minutes=114)))
    assert before.status == 409
    touching = staff.post("/showtimes", json=body(movie, hall, start + timedelta(minutes=115)))
    assert touching.status == 201
    elsewhere = staff.post("/showtimes", json=body(movie, other_hall, start))
    assert elsewhere.status == 201


def test_a_show_past_midnight_blocks_the_next_morning(api: Any) -> None:
    _, _, hall, movie = setup_hall()
    staff = api.as_user(make.staff_token())
    late = make.tomorrow_at(7, 30)  # 23:30 UTC the day before: crosses the UTC midnight
    assert staff.post("/showtimes", json=body(movie, hall, late)).status == 201
    early = staff.post("/showtimes", json=body(movie, hall, late + timedelta(minutes=60)))
    assert early.status == 409


def test_two_concurrent_overlapping_creates_one_wins() -> None:
    _, _, hall, movie = setup_hall()
    start = make.tomorrow_at(19)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []
    lock = threading.Lock()

    def create(offset_minutes: int) -> None:
        payload = ShowtimeIn.model_validate(
            body(movie, hall, start + timedelta(minutes=offset_minutes))
        )
        barrier.wait()
        try:
            create_showtime(payload)
            result = "created"
        except Conflict:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=create, args=(i * 10,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["created"]
    booked = {}
    for day in schedule_days(start, start + timedelta(hours=3)):
        booked.update(schedule_of(hall, day))
    assert len(booked) == 1
    assert len(list(Showtime.by_hall.query(hall))) == 1


def test_lists_by_movie_cinema_city_and_date(api: Any) -> None:
    city, cinema, hall, movie = setup_hall()
    other_city = make.city("北京")
    far_hall = make.hall(make.cinema(other_city, "CGV"))
    other_movie = make.movie("Barbie", duration=100)
    tomorrow = make.tomorrow_at(19)
    a = make.showtime(movie, hall, tomorrow)
    b = make.showtime(other_movie, hall, tomorrow - timedelta(hours=3))
    c = make.showtime(movie, far_hall, tomorrow + timedelta(minutes=30))
    d = make.showtime(movie, hall, tomorrow + timedelta(days=1))
    day = tomorrow.date().isoformat()

    def ids(query: str) -> list[str]:
        result = api.get(f"/showtimes?{query}")
        assert result.status == 200, result.text
        return [s["showtime_id"] for s in result.json["items"]]

    assert ids(f"movie={movie}&date={day}") == [a, c]
    assert ids(f"movie={movie}") == [a, c, d]
    assert ids(f"cinema={cinema}&date={day}") == [b, a]
    assert ids(f"city={city}&date={day}") == [b, a]
    assert ids(f"city={other_city}") == [c]
    assert ids(f"movie={movie}&city={city}") == [a, d]
    assert ids(f"cinema={cinema}&movie={other_movie}") == [b]
    assert ids(f"date={day}") == [b, a, c]
    assert ids("") == [b, a, c, d]  # upcoming, across days
    page = api.get(f"/showtimes?movie={movie}&limit=2").json
    assert page["next_cursor"]
    rest = api.get(f"/showtimes?movie={movie}&limit=2&cursor={page['next_cursor']}").json
    assert [s["showtime_id"] for s in rest["items"]] == [d]
    for unknown in ("movie=nope", "cinema=nope", "city=nope"):
        assert api.get(f"/showtimes?{unknown}").status == 404, unknown
    for bad in ("date=tomorrow", "hall=x", "movie=a%20b"):
        assert api.get(f"/showtimes?{bad}").status == 422, bad


def test_cinemas_showing_a_movie(api: Any) -> None:
    city, cinema, hall, movie = setup_hall()
    other = make.cinema(city, "Z 影城")
    make.hall(other)
    make.showtime(movie, hall, make.tomorrow_at(19))
    showing = api.get(f"/cinemas?movie={movie}").json["items"]
    assert [c["cinema_id"] for c in showing] == [cinema]
    day_after = (make.tomorrow_at(19) + timedelta(days=1)).date().isoformat()
    assert api.get(f"/cinemas?movie={movie}&date={day_after}").json["items"] == []
    assert api.get("/cinemas?movie=nope").status == 404


def test_staff_reschedule_and_close_sales(api: Any) -> None:
    _, _, hall, movie = setup_hall()
    staff = api.as_user(make.staff_token())
    start = make.tomorrow_at(19)
    first = make.showtime(movie, hall, start)
    second = make.showtime(movie, hall, start + timedelta(hours=3))
    closed = staff.patch(f"/showtimes/{first}", json={"sales_open": False, "format": "3D"})
    assert closed.status == 200 and closed.json["sales_open"] is False
    onto_first = staff.patch(
        f"/showtimes/{second}", json={"starts_at": (start + timedelta(hours=1)).isoformat()}
    )
    assert onto_first.status == 409
    later = start + timedelta(hours=5)
    moved = staff.patch(f"/showtimes/{second}", json={"starts_at": later.isoformat()})
    assert moved.status == 200, moved.text
    # the old slot is free again
    again = staff.post("/showtimes", json=body(movie, hall, start + timedelta(hours=3)))
    assert again.status == 201, again.text
    seat = next(iter(Seat.query(second)))
    assert seat.expires_at > later
    assert staff.patch(f"/showtimes/{first}", json={"format": "IMAX"}).status == 409
    assert staff.patch(f"/showtimes/{first}", json={"language": None}).status == 422
    assert staff.patch("/showtimes/nope", json={"sales_open": True}).status == 404
    assert (
        api.as_user(make.user_token())
        .patch(f"/showtimes/{first}", json={"sales_open": True})
        .status
        == 403
    )


def test_a_showtime_with_sold_seats_cannot_move(api: Any) -> None:
    _, _, hall, movie = setup_hall()
    start = make.tomorrow_at(19)
    show = make.showtime(movie, hall, start)
    Seat(show, "A01").update(actions=[Seat.status.set(SeatStatus.SOLD)])
    result = api.as_user(make.staff_token()).patch(
        f"/showtimes/{show}", json={"starts_at": (start + timedelta(hours=4)).isoformat()}
    )
    assert result.status == 409


def test_deleting_a_movie_or_cinema_withdraws_its_future_showtimes(api: Any) -> None:
    city, _, hall, movie = setup_hall()
    other_movie = make.movie("Barbie", duration=100)
    other_cinema = make.cinema(city, "Z 影城")
    other_hall = make.hall(other_cinema)
    start = make.tomorrow_at(12)
    of_movie = make.showtime(movie, hall, start)
    of_cinema = make.showtime(other_movie, other_hall, start)
    kept = make.showtime(other_movie, hall, start + timedelta(hours=4))
    staff = api.as_user(make.staff_token())
    assert staff.delete(f"/movies/{movie}").status == 204
    assert staff.delete(f"/cinemas/{other_cinema}").status == 204
    day = start.date().isoformat()
    listed = api.get(f"/showtimes?city={city}&date={day}").json["items"]
    assert [s["showtime_id"] for s in listed] == [kept]
    assert [s["showtime_id"] for s in api.get(f"/showtimes?date={day}").json["items"]] == [kept]
    for gone in (of_movie, of_cinema):
        item = Showtime.get(gone)
        assert item.withdrawn and not item.sales_open
    assert Showtime.get(kept).sales_open
    reopen = staff.patch(f"/showtimes/{of_movie}", json={"sales_open": True})
    assert reopen.status == 409
