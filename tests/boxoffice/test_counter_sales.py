"""Counter sales: one transaction sells the seats and issues the tickets, paid at the
counter; the same races as online orders are lost the same way."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.accounts.tokens import Principal
from chalicelib.booking import service
from chalicelib.booking.models import Order, Seat
from chalicelib.booking.schemas import PlacedOrder, SeatsUnavailable
from chalicelib.boxoffice import counters
from chalicelib.boxoffice.counter_sales import sell
from chalicelib.boxoffice.rules import PaidBy
from tests.booking.support import make_showtime, user_token
from tests.booking.test_contention import one_row, race
from tests.boxoffice.support import staff_api, truth


def sale(
    api: Any, showtime_id: str, seats: list[str], paid_by: str = "cash", key: str | None = None
) -> Any:
    return api.post(
        f"/showtimes/{showtime_id}/counter-sales",
        json={"seat_ids": seats, "paid_by": paid_by},
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
    )


def test_a_counter_sale_is_paid_at_once_with_its_tickets(api: Any) -> None:
    show = make_showtime()
    staff = staff_api(api)
    sold = sale(staff, show.showtime_id, ["C01", "C02"], "terminal", key="k1")
    assert sold.status == 201, sold.json
    order = sold.json["order"]
    assert (order["status"], order["channel"], order["paid_by"]) == ("paid", "counter", "terminal")
    assert order["total"] == 9000 and order["payment_intent_id"] is None
    assert [t["seat_id"] for t in sold.json["tickets"]] == ["C01", "C02"]
    assert all(t["status"] == "valid" and t["code"] for t in sold.json["tickets"])
    assert {Seat.get(show.showtime_id, s).status for s in ("C01", "C02")} == {"sold"}
    tally = counters.tally(show.showtime_id)
    assert (tally.sold, tally.gross, tally.counter_terminal, tally.counter_cash) == (
        2,
        9000,
        9000,
        0,
    )
    assert tally == truth(show.showtime_id)

    again = sale(staff, show.showtime_id, ["C01", "C02"], "terminal", key="k1")
    assert again.status == 200 and again.json["order"]["order_id"] == order["order_id"]
    other_body = sale(staff, show.showtime_id, ["C03"], "terminal", key="k1")
    assert other_body.status == 422
    assert counters.tally(show.showtime_id).orders == 1


def test_taken_blocked_or_unknown_seats_are_refused(api: Any) -> None:
    show = make_showtime()
    staff = staff_api(api)
    service.place_order("alice", show.showtime_id, ["A01", "A02"], None)
    staff.put(
        f"/showtimes/{show.showtime_id}/blocked-seats", json={"seat_ids": ["B05"], "reason": "x"}
    )
    held = sale(staff, show.showtime_id, ["A02", "A03"])
    assert held.status == 409 and held.json["unavailable_seats"] == ["A02"]
    blocked = sale(staff, show.showtime_id, ["B05"])
    assert blocked.status == 409
    assert sale(staff, show.showtime_id, ["Q1"]).status == 404  # unknown-reference
    assert sale(staff, show.showtime_id, ["C01"], paid_by="card").status == 422
    no_key = staff.post(
        f"/showtimes/{show.showtime_id}/counter-sales",
        json={"seat_ids": ["C01"], "paid_by": "cash"},
    )
    assert no_key.status == 422
    assert counters.tally(show.showtime_id).sold == 0


def test_counter_and_online_buyers_racing_for_seats_never_share_one(no_stranded_rule: None) -> None:
    show = make_showtime(seats=one_row(12))
    staff_id, _ = user_token(staff=True)
    clerk = Principal(staff_id, frozenset({"user", "staff"}))
    calls = []
    for i in range(24):
        seats = [f"A{(i % 11) + 1:02d}", f"A{(i % 11) + 2:02d}"]
        if i % 2:
            calls.append(
                lambda seats=seats, i=i: sell(show.showtime_id, seats, PaidBy.CASH, clerk, f"k{i}")
            )
        else:
            calls.append(
                lambda seats=seats, i=i: service.place_order(f"u{i}", show.showtime_id, seats, None)
            )
    results = race(calls)
    unexpected = [
        r
        for r in results
        if not isinstance(r, PlacedOrder | tuple)
        and not isinstance(r, SeatsUnavailable)
        and r.status != 409
    ]
    assert not unexpected, unexpected
    owners: dict[str, str] = {}
    for seat in Seat.query(show.showtime_id, consistent_read=True):
        if seat.order_id:
            owners[seat.seat_id] = seat.order_id
    winners = {
        r.order.order_id if isinstance(r, PlacedOrder) else r[0].order.order_id
        for r in results
        if isinstance(r, PlacedOrder | tuple)
    }
    assert set(owners.values()) == winners
    for order_id in winners:
        order = Order.get(order_id)
        assert all(owners[s] == order_id for s in order.seat_ids)
    assert counters.tally(show.showtime_id) == truth(show.showtime_id)
