"""Seat state in DynamoDB: the seat map, and the writes that take and give back seats.

Every write here is conditional on the seat's current state, so two orders can never hold
or buy the same seat, whatever order requests arrive in and whether the sweeper has run.
"""

from __future__ import annotations

from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.booking.models import Order, Seat, SeatStatus, UserCoupon
from chalicelib.booking.rules import CouponRecordStatus, SeatState
from chalicelib.core.errors import NotFound
from chalicelib.core.transactions import Transaction


def seat_label(seat_id: str) -> str:
    return f"seat:{seat_id}"


def seats_of(showtime_id: str) -> list[Seat]:
    """Every seat of a showtime: one Query (the partition is the showtime)."""
    return list(Seat.query(showtime_id, consistent_read=True))


def as_state(seat: Seat) -> SeatState:
    return SeatState(
        seat_id=seat.seat_id,
        row=seat.row,
        col=int(seat.col),
        status=seat.status,
        order_id=seat.order_id,
        hold_expires_at=int(seat.hold_expires_at) if seat.hold_expires_at is not None else None,
    )


def seat_map(showtime_id: str, now_epoch: int) -> dict[str, Any]:
    """Rows of cells in hall order; ``None`` cells are aisle gaps. An expired hold is shown
    as available: expiry is exact at read time, not when something tidies up."""
    seats = seats_of(showtime_id)
    if not seats:
        raise NotFound("No such showtime.")
    rows: dict[int, list[Seat]] = {}
    for seat in seats:
        rows.setdefault(int(seat.row_index), []).append(seat)
    out = []
    for index in sorted(rows):
        by_col = {int(s.col): s for s in rows[index]}
        cells: list[dict[str, Any] | None] = []
        for col in range(max(by_col) + 1):
            found = by_col.get(col)
            cells.append(
                None
                if found is None
                else {
                    "seat_id": found.seat_id,
                    "type": found.seat_type,
                    "status": as_state(found).effective(now_epoch),
                    "price": int(found.price),
                }
            )
        out.append({"row": rows[index][0].row, "cells": cells})
    return {"showtime_id": showtime_id, "rows": out}


def free_or_expired(now_epoch: int) -> Condition:
    return (Seat.status == SeatStatus.AVAILABLE) | (
        (Seat.status == SeatStatus.HELD) & (Seat.hold_expires_at < now_epoch)
    )


def add_hold(
    tx: Transaction, showtime_id: str, seat_id: str, order_id: str, until: int, now_epoch: int
) -> None:
    seat = Seat(showtime_id, seat_id)
    tx.update(
        seat_label(seat_id),
        seat,
        [
            Seat.status.set(SeatStatus.HELD),
            Seat.order_id.set(order_id),
            Seat.hold_expires_at.set(until),
            Seat.version.add(1),
        ],
        condition=Seat.seat_id.exists() & free_or_expired(now_epoch),
    )


def add_sale(
    tx: Transaction, showtime_id: str, seat_id: str, order_id: str, now_epoch: int
) -> None:
    """Sold to this order: still held by it (even past its hold: nobody took it), or free."""
    seat = Seat(showtime_id, seat_id)
    held_by_me = (Seat.status == SeatStatus.HELD) & (Seat.order_id == order_id)
    tx.update(
        seat_label(seat_id),
        seat,
        [
            Seat.status.set(SeatStatus.SOLD),
            Seat.order_id.set(order_id),
            Seat.hold_expires_at.remove(),
            Seat.version.add(1),
        ],
        condition=Seat.seat_id.exists() & (held_by_me | free_or_expired(now_epoch)),
    )


def add_release(
    tx: Transaction, showtime_id: str, seat_id: str, order_id: str, status: str
) -> None:
    """Give a seat back, only while this order still holds (or bought) it."""
    seat = Seat(showtime_id, seat_id)
    tx.update(
        seat_label(seat_id),
        seat,
        [
            Seat.status.set(SeatStatus.AVAILABLE),
            Seat.order_id.remove(),
            Seat.hold_expires_at.remove(),
            Seat.version.add(1),
        ],
        condition=(Seat.status == status) & (Seat.order_id == order_id),
    )


def seats_still_mine(order: Order, status: str) -> list[str]:
    """The order's seats that it still holds/owns (a lapsed hold may have been re-taken)."""
    wanted = set(order.seat_ids)
    return [
        s.seat_id
        for s in seats_of(order.showtime_id)
        if s.seat_id in wanted and s.order_id == order.order_id and s.status == status
    ]


def add_coupon_use(
    tx: Transaction, user_id: str, coupon_id: str, order_id: str, now_epoch: int
) -> None:
    record = UserCoupon(user_id, coupon_id)
    tx.update(
        "coupon",
        record,
        [UserCoupon.status.set(CouponRecordStatus.USED), UserCoupon.order_id.set(order_id)],
        condition=(UserCoupon.status == CouponRecordStatus.UNUSED)
        & (UserCoupon.valid_from <= now_epoch)
        & (UserCoupon.valid_until > now_epoch),
    )


def add_coupon_return(tx: Transaction, user_id: str, coupon_id: str, order_id: str) -> None:
    record = UserCoupon(user_id, coupon_id)
    tx.update(
        "coupon",
        record,
        [UserCoupon.status.set(CouponRecordStatus.UNUSED), UserCoupon.order_id.remove()],
        condition=(UserCoupon.status == CouponRecordStatus.USED)
        & (UserCoupon.order_id == order_id),
    )
