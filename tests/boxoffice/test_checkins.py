"""Check-in lists, undo within 10 minutes, and refusals told apart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.booking import tickets
from chalicelib.booking.models import Order
from chalicelib.boxoffice import counters
from tests.booking.support import make_showtime
from tests.boxoffice.support import paid_online, staff_api, truth


def codes(order_id: str) -> dict[str, str]:
    from chalicelib.booking.models import Ticket

    return {
        t.seat_id: tickets.ticket_code(t.order_id, t.seat_id, t.showtime_id)
        for t in Ticket.query(order_id)
    }


def test_the_list_counts_and_shows_every_ticket(api: Any) -> None:
    show = make_showtime()
    first = paid_online("alice", show.showtime_id, ["A01", "A02"])
    paid_online("bob", show.showtime_id, ["B01"])
    staff = staff_api(api)
    assert staff.post("/checkin", json={"code": codes(first["order_id"])["A01"]}).status == 200
    listed = staff.get(f"/showtimes/{show.showtime_id}/checkins")
    assert listed.status == 200
    assert listed.json["counts"] == {"sold": 3, "checked_in": 1, "remaining": 2}
    status = {t["seat_id"]: t["status"] for t in listed.json["tickets"]}
    assert status == {"A01": "used", "A02": "valid", "B01": "valid"}


def test_a_check_in_is_undone_within_ten_minutes_only(api: Any, frozen_clock: Any) -> None:
    show = make_showtime()
    order = paid_online("alice", show.showtime_id, ["A01", "A02"])
    staff = staff_api(api)
    code = codes(order["order_id"])
    assert staff.post("/checkin", json={"code": code["A01"]}).status == 200
    assert Order.get(order["order_id"]).status == "used"
    frozen_clock.advance(minutes=9)
    undone = staff.delete(f"/checkins/{order['order_id']}-A01")
    assert undone.status == 200 and undone.json["status"] == "valid"
    assert Order.get(order["order_id"]).status == "paid"  # no ticket of it is in use now
    assert counters.tally(show.showtime_id).checked_in == 0
    assert staff.post("/checkin", json={"code": code["A01"]}).status == 200
    assert staff.post("/checkin", json={"code": code["A02"]}).status == 200
    frozen_clock.advance(minutes=10, seconds=1)
    staff = staff_api(api)  # a fresh token: the first one has expired by now
    late = staff.delete(f"/checkins/{order['order_id']}-A01")
    assert late.status == 409 and late.json["type"].endswith("undo-too-late")
    assert staff.delete(f"/checkins/{order['order_id']}-A03").status == 404
    assert counters.tally(show.showtime_id) == truth(show.showtime_id)


def test_undoing_one_of_two_used_tickets_keeps_the_order_used(api: Any) -> None:
    show = make_showtime()
    order = paid_online("alice", show.showtime_id, ["A01", "A02"])
    staff = staff_api(api)
    for seat, code in codes(order["order_id"]).items():
        assert staff.post("/checkin", json={"code": code}).status == 200, seat
    assert staff.delete(f"/checkins/{order['order_id']}-A02").status == 200
    assert Order.get(order["order_id"]).status == "used"


def test_refusals_are_told_apart(api: Any, frozen_clock: Any) -> None:
    show = make_showtime(starts_in=timedelta(hours=3))
    order = paid_online("alice", show.showtime_id, ["A01", "A02", "A03", "A04"])
    staff = staff_api(api)
    code = codes(order["order_id"])
    assert staff.post("/checkin", json={"code": code["A01"]}).status == 200
    used = staff.post("/checkin", json={"code": code["A01"]})
    assert used.status == 409 and used.json["type"].endswith("ticket-used")
    assert used.json["checked_in_by"]
    staff.post(
        f"/orders/{order['order_id']}/refund",
        json={"reason": "seat broken", "ticket_ids": [f"{order['order_id']}-A02"]},
    )
    void = staff.post("/checkin", json={"code": code["A02"]})
    assert void.status == 409 and void.json["type"].endswith("ticket-void")
    assert staff.post("/checkin", json={"code": code["A01"][:-3] + "xyz"}).status == 400

    other = make_showtime(cinema_id="cinema-2")
    foreign = paid_online("bob", other.showtime_id, ["A01"])
    wrong = staff.post("/checkin", json={"code": codes(foreign["order_id"])["A01"]})
    assert wrong.status == 403 and wrong.json["type"].endswith("other-cinema")

    # the show runs 135 minutes; doors close 30 minutes after its end
    frozen_clock.set(show.starts_at + timedelta(minutes=135 + 30))
    staff = staff_api(api)
    assert staff.post("/checkin", json={"code": code["A03"]}).status == 200
    later = make_showtime(starts_in=timedelta(minutes=-200))
    late_order_codes = _sold_directly(later.showtime_id)
    over = staff.post("/checkin", json={"code": late_order_codes})
    assert over.status == 409 and over.json["type"].endswith("show-over")


def _sold_directly(showtime_id: str) -> str:
    """A paid ticket of a show that is already over (sold before it, written directly)."""
    from chalicelib.booking.models import Ticket

    Ticket("late-order", "A01", showtime_id=showtime_id, user_id="x", status="valid").save()
    return tickets.ticket_code("late-order", "A01", showtime_id)


def test_only_staff_of_the_cinema_see_its_list(api: Any) -> None:
    show = make_showtime(cinema_id="cinema-2")
    assert staff_api(api).get(f"/showtimes/{show.showtime_id}/checkins").status == 403
    assert staff_api(api, {"cinema-2"}).get(f"/showtimes/{show.showtime_id}/checkins").status == 200
