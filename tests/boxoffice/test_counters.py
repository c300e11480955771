"""The per-showtime counters move with the seats and orders, in the same transactions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.accounts.tokens import Principal
from chalicelib.booking import expiry, orders, service, tickets
from chalicelib.booking.models import Seat, SeatStatus
from chalicelib.booking.rules import OrderStatus
from chalicelib.booking.schemas import PlacedOrder
from chalicelib.boxoffice import counters
from chalicelib.boxoffice.counters import Tally
from chalicelib.core import clock
from chalicelib.core.errors import Conflict
from chalicelib.core.transactions import Transaction
from tests.booking.support import issue_coupon, make_showtime
from tests.booking.test_contention import one_row, race
from tests.boxoffice.support import truth


def test_a_new_showtime_has_its_capacity_and_every_seat_free() -> None:
    show = make_showtime()
    tally = counters.tally(show.showtime_id)
    assert tally == Tally(capacity=50)
    assert tally.free == counters.seats_left(show.showtime_id) == 50


def test_hold_pay_check_in_and_refund_move_the_counters_with_the_orders() -> None:
    show = make_showtime()
    coupon = issue_coupon(["bob"], amount_off=1000)
    alice = service.place_order("alice", show.showtime_id, ["A01", "A02"], None).order
    bob = service.place_order("bob", show.showtime_id, ["C05"], coupon).order
    assert counters.tally(show.showtime_id) == Tally(capacity=50, held=3)

    orders.pay(orders.load(alice.order_id), clock.now())
    orders.pay(orders.load(bob.order_id), clock.now())
    tally = counters.tally(show.showtime_id)
    assert (tally.held, tally.sold, tally.orders) == (0, 3, 2)
    assert (tally.gross, tally.discounts, tally.net) == (3 * 4500, 1000, 3 * 4500 - 1000)
    assert tally.free == 47

    code = tickets.tickets_of(orders.load(bob.order_id))[0].code
    tickets.check_in(code, "staff-1")
    assert counters.tally(show.showtime_id).checked_in == 1

    orders.refund(alice.order_id, None, "test")
    tally = counters.tally(show.showtime_id)
    assert (tally.sold, tally.refunds, tally.refunded_seats, tally.free) == (1, 9000, 2, 49)
    assert tally == truth(show.showtime_id)


def test_cancelled_and_expired_orders_give_their_held_seats_back(frozen_clock: Any) -> None:
    show = make_showtime()
    first = service.place_order("alice", show.showtime_id, ["A01", "A02"], None).order
    service.place_order("bob", show.showtime_id, ["B01"], None)
    service.cancel_order(first.order_id, Principal("alice", frozenset({"user"})))
    assert counters.tally(show.showtime_id).held == 1
    frozen_clock.advance(minutes=11)
    _sweep()
    assert counters.tally(show.showtime_id) == Tally(capacity=50)
    assert counters.tally(show.showtime_id) == truth(show.showtime_id)


def _sweep() -> None:
    expiry.expire_pending_orders(clock.now())


def test_a_lapsed_hold_taken_by_another_order_counts_once_after_the_sweep(
    frozen_clock: Any,
) -> None:
    show = make_showtime()
    service.place_order("alice", show.showtime_id, ["A01", "A02"], None)
    frozen_clock.advance(minutes=11)
    taker = service.place_order("bob", show.showtime_id, ["A01", "A02"], None).order
    # until the sweeper ends alice's lapsed order, both holds count: never too many seats left
    assert counters.tally(show.showtime_id).held == 4
    _sweep()
    assert counters.tally(show.showtime_id).held == 2
    orders.pay(orders.load(taker.order_id), clock.now())
    tally = counters.tally(show.showtime_id)
    assert (tally.held, tally.sold, tally.free) == (0, 2, 48)
    assert tally == truth(show.showtime_id)


def test_a_failed_transaction_adds_nothing() -> None:
    show = make_showtime()
    service.place_order("alice", show.showtime_id, ["A01"], None)
    with pytest.raises(Conflict):
        service.place_order("bob", show.showtime_id, ["A01", "A02"], None)
    assert counters.tally(show.showtime_id).held == 1


def test_only_known_counters_can_be_added() -> None:
    tx = Transaction()
    try:
        counters.add(tx, "st", capacity=1)
    except ValueError as exc:
        assert "capacity" in str(exc)
    else:
        raise AssertionError("capacity is set once, never added")


def test_many_showtimes_and_a_cinema_day_read_in_one_go() -> None:
    first = make_showtime(cinema_id="cinema-9")
    second = make_showtime(cinema_id="cinema-9", starts_in=timedelta(days=3))
    service.place_order("alice", first.showtime_id, ["A01"], None)
    left = counters.seats_left_many([first.showtime_id, second.showtime_id, "unknown"])
    assert left == {first.showtime_id: 49, second.showtime_id: 50, "unknown": 0}
    day = (clock.now() + timedelta(days=2)).strftime("%Y-%m-%d")
    later = (clock.now() + timedelta(days=3)).strftime("%Y-%m-%d")
    days = counters.cinema_days("cinema-9", day, later)
    assert days == {day: Tally(capacity=50, held=1), later: Tally(capacity=50)}
    assert counters.cinema_showtimes("cinema-9", day, day) == {
        first.showtime_id: Tally(capacity=50, held=1)
    }


def test_racing_holds_keep_the_counters_exact(no_stranded_rule: None) -> None:
    show = make_showtime(seats=one_row(40))
    calls: list[Callable[[], Any]] = [
        (lambda i=i: service.place_order(f"user-{i}", show.showtime_id, [f"A{i + 1:02d}"], None))
        for i in range(40)
    ]
    results = race(calls)
    assert all(isinstance(r, PlacedOrder) for r in results), [
        r for r in results if not isinstance(r, PlacedOrder)
    ]
    seats = list(Seat.query(show.showtime_id, consistent_read=True))
    assert sum(1 for s in seats if s.status == SeatStatus.HELD) == 40
    tally = counters.tally(show.showtime_id)
    assert (tally.held, tally.free) == (40, 0)
    assert tally == truth(show.showtime_id)
    assert all(r.order.status == OrderStatus.PENDING_PAYMENT for r in results)
