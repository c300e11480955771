"""Blocked seats: out of sale until unblocked; never over a hold or a sale."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.booking import service
from chalicelib.booking.models import Seat
from chalicelib.boxoffice import counters
from chalicelib.core.errors import Conflict
from tests.booking.support import make_showtime
from tests.boxoffice.support import paid_online, staff_api, truth


def blocked(api: Any, showtime_id: str, seats: list[str], reason: str = "broken") -> Any:
    return api.put(
        f"/showtimes/{showtime_id}/blocked-seats", json={"seat_ids": seats, "reason": reason}
    )


def test_a_blocked_seat_is_never_sold_until_unblocked(api: Any) -> None:
    show = make_showtime()
    staff = staff_api(api)
    result = blocked(staff, show.showtime_id, ["C05", "C06"])
    assert result.status == 200, result.json
    assert result.json["changed"] == ["C05", "C06"]
    assert Seat.get(show.showtime_id, "C05").block_reason == "broken"
    seats = {
        c["seat_id"]: c["status"]
        for r in api.get(f"/showtimes/{show.showtime_id}/seats").json["rows"]
        for c in r["cells"]
        if c
    }
    assert seats["C05"] == seats["C06"] == "blocked"
    with pytest.raises(Conflict) as refused:
        service.place_order("alice", show.showtime_id, ["C05", "C06"], None)
    assert refused.value.extra["unavailable_seats"] == ["C05", "C06"]
    assert counters.tally(show.showtime_id).blocked == 2
    again = blocked(staff, show.showtime_id, ["C05"])
    assert again.json == {"showtime_id": show.showtime_id, "changed": [], "unchanged": ["C05"]}

    freed = staff.delete(
        f"/showtimes/{show.showtime_id}/blocked-seats", json={"seat_ids": ["C05", "C06"]}
    )
    assert freed.status == 200 and freed.json["changed"] == ["C05", "C06"]
    assert service.place_order("alice", show.showtime_id, ["C05", "C06"], None).order
    assert counters.tally(show.showtime_id) == truth(show.showtime_id)


def test_held_or_sold_seats_are_refused_and_nothing_is_blocked(api: Any) -> None:
    show = make_showtime()
    service.place_order("alice", show.showtime_id, ["A01", "A02"], None)
    paid_online("bob", show.showtime_id, ["B01", "B02"])
    staff = staff_api(api)
    refused = blocked(staff, show.showtime_id, ["A01", "B02", "C01"])
    assert refused.status == 409
    assert refused.json["type"].endswith("seats-not-blockable")
    assert refused.json["seats"] == ["A01", "B02"]
    assert Seat.get(show.showtime_id, "C01").status == "available"
    assert counters.tally(show.showtime_id).blocked == 0


def test_a_lapsed_hold_can_be_blocked_and_its_late_payment_cannot_take_it(
    api: Any, frozen_clock: Any
) -> None:
    show = make_showtime()
    order = service.place_order("alice", show.showtime_id, ["D01", "D02"], None).order
    frozen_clock.advance(minutes=11)
    assert blocked(staff_api(api), show.showtime_id, ["D01"]).status == 200
    from chalicelib.booking import orders
    from chalicelib.core.transactions import ConditionFailed

    with pytest.raises(ConditionFailed):
        orders.pay(orders.load(order.order_id), frozen_clock.now())
    assert Seat.get(show.showtime_id, "D01").status == "blocked"


def test_unknown_seats_and_other_cinemas_are_refused(api: Any) -> None:
    show = make_showtime(cinema_id="cinema-2")
    assert blocked(staff_api(api), show.showtime_id, ["C01"]).status == 403
    mine = make_showtime()
    unknown = blocked(staff_api(api), mine.showtime_id, ["Z99"])
    assert unknown.status == 404 and unknown.json["type"].endswith("unknown-reference")
    empty = blocked(staff_api(api), mine.showtime_id, [])
    assert empty.status == 422


def test_a_hall_blocks_its_future_showtimes_each_on_its_own(api: Any) -> None:
    from chalicelib.catalog.models import Hall
    from chalicelib.core import clock

    now = clock.now()
    Hall("hall-1", cinema_id="cinema-1", name="1", layout=[], created_at=now, updated_at=now).save()
    first = make_showtime()
    second = make_showtime(starts_in=timedelta(days=3))
    paid_online("bob", second.showtime_id, ["E01"])
    result = staff_api(api).put(
        "/halls/hall-1/blocked-seats", json={"seat_ids": ["E01", "E02"], "reason": "house seats"}
    )
    assert result.status == 200, result.json
    by_showtime = {s["showtime_id"]: s for s in result.json["showtimes"]}
    assert by_showtime[first.showtime_id]["changed"] == ["E01", "E02"]
    assert by_showtime[second.showtime_id]["refused_seats"] == ["E01"]
    assert Seat.get(second.showtime_id, "E02").status == "available"
