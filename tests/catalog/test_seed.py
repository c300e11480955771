"""The demo catalogue of ``make dev``, and the week booking schedules in it."""

from typing import Any

from chalicelib.booking.models import Seat
from chalicelib.booking.seed import seed_demo_showtimes
from chalicelib.catalog.models import Hall, Movie, Showtime
from chalicelib.catalog.seed import seed_demo_catalogue


def test_demo_catalogue_is_complete_valid_and_written_once(api: Any) -> None:
    assert seed_demo_showtimes().startswith("skipped")
    summary = seed_demo_catalogue()
    assert "20 movies" in summary and "6 halls" in summary, summary
    assert "in 6 halls" in seed_demo_showtimes()
    movies = api.get("/movies?limit=100").json["items"]
    assert len(movies) == 20
    assert {m["status"] for m in movies} == {"coming", "showing", "ended"}
    cities = api.get("/cities").json
    assert sorted(c["children"][0]["name"] for c in cities) == ["上海", "北京"]
    halls = [h for h in Hall.scan()]
    assert len(halls) == 6 and all(80 <= h.seat_count <= 200 for h in halls)
    shows = list(Showtime.scan())
    assert len(shows) >= 6 * 3 * 6  # every hall, three a day, at least six more days
    one = shows[0]
    seats = list(Seat.query(one.showtime_id))
    assert len(seats) == one.seat_count
    assert {s.seat_type for s in seats} >= {"standard", "vip", "couple-left", "wheelchair"}
    assert seed_demo_catalogue() == "catalogue already seeded"
    assert seed_demo_showtimes() == "showtimes already scheduled"
    assert len(list(Movie.scan())) == 20
