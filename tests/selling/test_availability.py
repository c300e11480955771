"""Availability in listings: seats left and sold out on every showtime, hiding sold-out
ones, and the counters matching the seat items after a randomised run (with vouchers and
ticket types in the mix)."""

from __future__ import annotations

import random
from typing import Any

from chalicelib.booking import orders, service
from chalicelib.booking.expiry import expire_pending_orders
from chalicelib.booking.models import Seat, SeatStatus
from chalicelib.booking.rules import OrderStatus
from chalicelib.boxoffice import counters
from chalicelib.core import clock
from chalicelib.core.errors import AppError
from chalicelib.selling.ticket_types import set_ticket_prices
from chalicelib.selling.ticket_types import showtime as ticket_showtime
from tests.booking.support import PRICES, hall_layout, make_showtime
from tests.booking.test_contention import no_stranded_rule
from tests.catalog import factories as make
from tests.selling.support import make_voucher

__all__ = ["no_stranded_rule"]  # the fixture, used by name


def test_lists_and_detail_say_how_many_seats_are_left_and_hide_sold_out(api: Any) -> None:
    city = make.city()
    cinema = make.cinema(city)
    movie = make.movie(duration=90)
    full = make.showtime(movie, make.hall(cinema), make.tomorrow_at(10))
    other = make.showtime(movie, make.hall(cinema, "2号厅"), make.tomorrow_at(10))
    listed = {s["showtime_id"]: s for s in api.get("/showtimes").json["items"]}
    assert (listed[full]["seats_left"], listed[full]["sold_out"]) == (12, False)
    held = [
        service.place_order(f"fan-{row}", full, [f"{row}0{n}" for n in range(1, 5)], None)
        for row in "ABC"
    ]
    detail = api.get(f"/showtimes/{full}").json
    assert (detail["seats_left"], detail["sold_out"]) == (0, True)
    listed = {s["showtime_id"]: s for s in api.get(f"/showtimes?city={city}").json["items"]}
    assert listed[full]["sold_out"] and listed[other]["seats_left"] == 12
    available = api.get(f"/showtimes?city={city}&available_only=true").json["items"]
    assert [s["showtime_id"] for s in available] == [other]
    assert api.get("/showtimes?available_only=maybe").status == 422
    orders.end_pending(held[0].order.order_id, OrderStatus.CANCELLED, "cancelled")
    assert api.get(f"/showtimes/{full}").json["seats_left"] == 4
    ids = {s["showtime_id"] for s in api.get("/showtimes?available_only=true").json["items"]}
    assert ids == {full, other}


def _seat_truth(showtime_id: str) -> dict[str, int]:
    seats = list(Seat.query(showtime_id, consistent_read=True))
    return {
        status: sum(1 for s in seats if s.status == status)
        for status in (SeatStatus.AVAILABLE, SeatStatus.HELD, SeatStatus.SOLD)
    }


def test_counters_match_the_seat_items_after_a_randomised_run(
    no_stranded_rule: None, frozen_clock: Any
) -> None:
    show = make_showtime(seats=hall_layout(rows="ABC", cols=8))
    make_voucher("RUN", max_usages=1000, max_usages_per_user=1000, value=500)
    set_ticket_prices(ticket_showtime(show.showtime_id), {"child": {t: 2000 for t in PRICES}})
    seat_ids = [s.seat_id for s in hall_layout(rows="ABC", cols=8)]
    rng = random.Random(2026)
    pending: list[str] = []
    paid: list[str] = []
    for step in range(60):
        action = rng.choice(["hold", "hold", "hold", "pay", "cancel", "refund", "lapse"])
        try:
            if action == "hold":
                seats = rng.sample(seat_ids, rng.randint(1, 3))
                kinds = {s: rng.choice(["adult", "adult", "child"]) for s in seats}
                placed = service.place_order(
                    f"user-{step}",
                    show.showtime_id,
                    seats,
                    None,
                    voucher_code="RUN" if rng.random() < 0.3 else None,
                    ticket_types=kinds,
                )
                pending.append(placed.order.order_id)
            elif action == "pay" and pending:
                order_id = pending.pop(rng.randrange(len(pending)))
                orders.pay(orders.load(order_id), clock.now())
                paid.append(order_id)
            elif action == "cancel" and pending:
                order_id = pending.pop(rng.randrange(len(pending)))
                orders.end_pending(order_id, OrderStatus.CANCELLED, "cancelled")
            elif action == "refund" and paid:
                orders.refund(paid.pop(rng.randrange(len(paid))), None, "refunded by staff")
            elif action == "lapse":
                frozen_clock.advance(minutes=11)  # every pending hold lapses and is swept
                expire_pending_orders(clock.now())
                pending.clear()
        except AppError:
            continue  # a seat taken, a lapsed order paid: the next step goes on
        if step % 10 == 9:
            _assert_counters_match(show.showtime_id, pending)
    frozen_clock.advance(minutes=11)
    expire_pending_orders(clock.now())
    _assert_counters_match(show.showtime_id, [])


def _assert_counters_match(showtime_id: str, pending: list[str]) -> None:
    tally = counters.tally(showtime_id)
    truth = _seat_truth(showtime_id)
    held_by_pending = sum(len(orders.load(o).seat_ids) for o in pending)
    assert tally.held == held_by_pending == truth[SeatStatus.HELD]
    assert tally.sold == truth[SeatStatus.SOLD]
    assert tally.free == truth[SeatStatus.AVAILABLE]
    assert tally.capacity == sum(truth.values())
