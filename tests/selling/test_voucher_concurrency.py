"""Voucher redemptions counted exactly under real concurrency (threads, DynamoDB Local)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.booking import orders, service
from chalicelib.booking.rules import OrderStatus
from chalicelib.booking.schemas import PlacedOrder
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.selling.models import Voucher, VoucherUse
from tests.booking.support import hall_layout, make_showtime
from tests.booking.test_contention import no_stranded_rule, race
from tests.selling.support import make_voucher

__all__ = ["no_stranded_rule"]  # the fixture, used by name

ORDERS = 50


def test_fifty_concurrent_orders_on_a_code_allowing_ten_redeem_it_exactly_ten_times(
    no_stranded_rule: None,
) -> None:
    show = make_showtime(seats=hall_layout(rows="ABCDE", cols=10))
    make_voucher("TEN", max_usages=10, max_usages_per_user=1)
    seats = [f"{row}{n:02d}" for row in "ABCDE" for n in range(1, 11)]

    def order(i: int) -> Callable[[], Any]:
        return lambda: service.place_order(
            f"fan-{i}", show.showtime_id, [seats[i]], None, voucher_code="TEN"
        )

    results = race([order(i) for i in range(ORDERS)])
    placed = [r.order for r in results if isinstance(r, PlacedOrder)]
    refused = [r for r in results if isinstance(r, Conflict | ValidationFailed)]
    assert len(placed) == 10, results
    assert len(refused) == ORDERS - 10, [r for r in results if r not in placed]
    assert all(o.voucher_code == "TEN" and o.discount == 1000 for o in placed)
    assert Voucher.get("TEN").used == 10
    winners = {o.user_id for o in placed}
    assert {u.user_id for u in VoucherUse.query("TEN") if u.uses == 1} == winners

    # three winners cancel: exactly three redemptions come back, and exactly three of
    # twenty new racers get them
    for gone in placed[:3]:
        orders.end_pending(gone.order_id, OrderStatus.CANCELLED, "cancelled")
    assert Voucher.get("TEN").used == 7
    taken = {s for o in placed for s in o.seat_ids}
    free = [s for s in seats if s not in taken][:20]
    again = race(
        [
            (
                lambda i=i: service.place_order(
                    f"late-{i}", show.showtime_id, [free[i]], None, voucher_code="TEN"
                )
            )
            for i in range(20)
        ]
    )
    assert len([r for r in again if isinstance(r, PlacedOrder)]) == 3
    assert Voucher.get("TEN").used == 10


def test_one_user_racing_orders_gets_only_their_own_allowance() -> None:
    show = make_showtime()
    make_voucher("TWO", max_usages=100, max_usages_per_user=2)
    rows = "ABCDE"

    def order(i: int) -> Callable[[], Any]:
        return lambda: service.place_order(
            "ann", show.showtime_id, [f"{rows[i]}01"], None, voucher_code="TWO"
        )

    results = race([order(i) for i in range(5)])
    assert len([r for r in results if isinstance(r, PlacedOrder)]) == 2
    assert VoucherUse.get("TWO", "ann").uses == 2 and Voucher.get("TWO").used == 2
