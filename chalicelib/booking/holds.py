"""Seat state in DynamoDB: the seat map, and the writes that take and give back seats.

Every write here is conditional on the seat's current state, so two orders can never hold
or buy the same seat, whatever order requests arrive in and whether the sweeper has run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.booking.models import Order, Seat, UserCoupon
from chalicelib.booking.rules import CouponRecordStatus, SeatState, SeatStatus, effective_status
from chalicelib.core.errors import NotFound
from chalicelib.core.transactions import Transaction, connection


def seat_label(seat_id: str) -> str:
    return f"seat:{seat_id}"


def nearby_label(seat_id: str) -> str:
    return f"near:{seat_id}"


def labelled_seats(labels: Iterable[str], label: Callable[[str], str]) -> list[str]:
    """The seat ids behind the labels made by ``label`` (``seat_label``/``nearby_label``)."""
    prefix = label("")
    return sorted(x.removeprefix(prefix) for x in labels if x.startswith(prefix))


#: what a hold's decision needs of a seat (a BatchGetItem reads only these)
_STATE_NAMES = {
    f"#{name}": name
    for name in ("seat_id", "row", "col", "status", "order_id", "hold_expires_at", "version")
}
_STATE_PROJECTION = ", ".join(_STATE_NAMES)
#: BatchGetItem takes at most this many keys
_BATCH_KEYS = 100


def as_state(seat: Seat) -> SeatState:
    return SeatState(
        seat_id=seat.seat_id,
        row=seat.row,
        col=int(seat.col),
        status=seat.status,
        order_id=seat.order_id,
        hold_expires_at=int(seat.hold_expires_at) if seat.hold_expires_at is not None else None,
        version=int(seat.version or 0),
    )


def _state_of(item: dict[str, Any]) -> SeatState:
    """A ``SeatState`` straight from DynamoDB's answer (no model object: the hot path)."""
    order_id, expires = item.get("order_id"), item.get("hold_expires_at")
    return SeatState(
        seat_id=item["seat_id"]["S"],
        row=item["row"]["S"],
        col=int(item["col"]["N"]),
        status=item["status"]["S"],
        order_id=order_id["S"] if order_id else None,
        hold_expires_at=int(expires["N"]) if expires else None,
        version=int(item["version"]["N"]) if "version" in item else 0,
    )


def read_seats(showtime_id: str, seat_ids: Iterable[str]) -> dict[str, SeatState]:
    """The current state of just these seats: strongly consistent BatchGetItems (one per
    100 keys), on the container's one DynamoDB connection. A seat without an item is left
    out."""
    table = Seat.Meta.table_name
    ids = list(dict.fromkeys(seat_ids))
    found: dict[str, SeatState] = {}
    for start in range(0, len(ids), _BATCH_KEYS):
        request: dict[str, Any] = {
            table: {
                "Keys": [
                    {"showtime_id": {"S": showtime_id}, "seat_id": {"S": seat_id}}
                    for seat_id in ids[start : start + _BATCH_KEYS]
                ],
                "ConsistentRead": True,
                "ProjectionExpression": _STATE_PROJECTION,
                "ExpressionAttributeNames": _STATE_NAMES,
            }
        }
        while request:
            answer = connection().client.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(table, []):
                state = _state_of(item)
                found[state.seat_id] = state
            request = answer.get("UnprocessedKeys") or {}
    return found


#: what a seat map shows of each seat item (a Query reads only these)
MAP_ATTRIBUTES = [
    "seat_id",
    "row",
    "row_index",
    "col",
    "seat_type",
    "price",
    "status",
    "hold_expires_at",
]


def seat_map(showtime_id: str, now_epoch: int) -> dict[str, Any]:
    """Rows of cells in hall order; ``None`` cells are aisle gaps. An expired hold is shown
    as available: expiry is exact at read time, not when something tidies up.

    The hottest read of the API: the items are taken straight from the Query's answer
    (no model objects) and only the attributes shown are read."""
    rows: dict[int, dict[int, dict[str, Any]]] = {}
    labels: dict[int, str] = {}
    for item in _query_raw(showtime_id, MAP_ATTRIBUTES):
        index = int(item["row_index"]["N"])
        expires = item.get("hold_expires_at")
        cell = {
            "seat_id": item["seat_id"]["S"],
            "type": item["seat_type"]["S"],
            "status": effective_status(
                item["status"]["S"], int(expires["N"]) if expires else None, now_epoch
            ),
            "price": int(item["price"]["N"]),
        }
        rows.setdefault(index, {})[int(item["col"]["N"])] = cell
        labels[index] = item["row"]["S"]
    if not rows:
        raise NotFound("No such showtime.")
    out = []
    for index in sorted(rows):
        by_col = rows[index]
        out.append(
            {"row": labels[index], "cells": [by_col.get(col) for col in range(max(by_col) + 1)]}
        )
    return {"showtime_id": showtime_id, "rows": out}


def _query_raw(showtime_id: str, attributes: list[str]) -> Iterator[dict[str, Any]]:
    """Every seat item of a showtime as DynamoDB returned it (one Query per MB)."""
    table = Seat._get_connection()
    start: dict[str, Any] | None = None
    while True:
        page = table.query(
            showtime_id,
            attributes_to_get=attributes,
            consistent_read=True,
            exclusive_start_key=start,
        )
        yield from page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def free_or_expired(now_epoch: int) -> Condition:
    return (Seat.status == SeatStatus.AVAILABLE) | (
        (Seat.status == SeatStatus.HELD) & (Seat.hold_expires_at < now_epoch)
    )


# The hold's own items, built as DynamoDB operations without model objects: they are on
# the hottest write path and their expressions never change. ``_FREE`` is
# ``free_or_expired`` written out.
_SEAT_NAMES = {
    "#seat_id": "seat_id",
    "#status": "status",
    "#order_id": "order_id",
    "#until": "hold_expires_at",
    "#version": "version",
}
_FREE = "(#status = :available OR (#status = :held AND #until < :now))"
_HOLD_UPDATE = "SET #status = :held, #order_id = :order_id, #until = :until ADD #version :one"
_HOLD_CONDITION = f"attribute_exists(#seat_id) AND {_FREE}"
_OFFERED = "(#status = :held AND #order_id = :taking_over)"
_STILL_FREE = f"attribute_exists(#seat_id) AND {_FREE}"
_STILL_TAKEN = f"attribute_exists(#seat_id) AND (NOT {_FREE})"


def _seat_key(showtime_id: str, seat_id: str) -> dict[str, Any]:
    return {"showtime_id": {"S": showtime_id}, "seat_id": {"S": seat_id}}


def add_hold(
    tx: Transaction,
    showtime_id: str,
    seat_id: str,
    order_id: str,
    until: int,
    now_epoch: int,
    taking_over: str | None = None,
) -> None:
    """Held by this order until ``until``: the seat exists and is free (or its hold lapsed),
    or (with ``taking_over``) is still held by that owner (a waiting-list offer handing its
    seats to the order placed with it)."""
    condition = _HOLD_CONDITION
    values = {
        ":available": {"S": SeatStatus.AVAILABLE},
        ":held": {"S": SeatStatus.HELD},
        ":now": {"N": str(now_epoch)},
        ":order_id": {"S": order_id},
        ":until": {"N": str(until)},
        ":one": {"N": "1"},
    }
    if taking_over is not None:
        condition = f"attribute_exists(#seat_id) AND ({_FREE} OR {_OFFERED})"
        values[":taking_over"] = {"S": taking_over}
    tx.add(
        "update",
        seat_label(seat_id),
        dict(
            TableName=Seat.Meta.table_name,
            Key=_seat_key(showtime_id, seat_id),
            UpdateExpression=_HOLD_UPDATE,
            ConditionExpression=condition,
            ExpressionAttributeNames=dict(_SEAT_NAMES),
            ExpressionAttributeValues=values,
        ),
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
    seat_ids = [str(s) for s in order.seat_ids]
    found = read_seats(order.showtime_id, seat_ids)
    return [
        seat_id
        for seat_id in seat_ids
        if seat_id in found
        and found[seat_id].order_id == order.order_id
        and found[seat_id].status == status
    ]


def add_still(tx: Transaction, showtime_id: str, seat_id: str, free: bool, now_epoch: int) -> None:
    """A seat the hold did not take but decided on (``decisive_seats``): still free, or
    still taken, when it commits. Exactly what the stranded-seat rule rested on, so a
    change that cannot strand a seat (a hold moving to another order) does not abort."""
    names = {k: _SEAT_NAMES[k] for k in ("#seat_id", "#status", "#until")}
    tx.add(
        "check",
        nearby_label(seat_id),
        dict(
            TableName=Seat.Meta.table_name,
            Key=_seat_key(showtime_id, seat_id),
            ConditionExpression=_STILL_FREE if free else _STILL_TAKEN,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={
                ":available": {"S": SeatStatus.AVAILABLE},
                ":held": {"S": SeatStatus.HELD},
                ":now": {"N": str(now_epoch)},
            },
        ),
    )


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
