"""Booking tables. The seats table holds one item per seat per showtime, so a seat map is
one Query and a hold is a conditional update (see ARCHITECTURE.md, "The seat hold"). The
seat-plans table holds, per showtime, where each seat is: a hold reads the plan (cached,
it never changes) to find a seat's neighbours, then only those seats' items.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.booking.catalogue import SeatSpec
from chalicelib.booking.rules import SeatStatus, TicketStatus
from chalicelib.core.dynamo import register_table, table_meta


@register_table
class Seat(Model):
    Meta = table_meta("seats")

    showtime_id = UnicodeAttribute(hash_key=True)
    seat_id = UnicodeAttribute(range_key=True)  # "E07"
    row = UnicodeAttribute()  # row label, "E"
    row_index = NumberAttribute()  # the row's position in the hall layout (0-based)
    col = NumberAttribute()  # the cell's position in its row, aisles counted (0-based)
    seat_type = UnicodeAttribute()  # standard | vip | couple-left | couple-right | wheelchair
    price = NumberAttribute()  # minor units, from the showtime's price per seat type
    status = UnicodeAttribute(default=SeatStatus.AVAILABLE)
    order_id = UnicodeAttribute(null=True)
    hold_expires_at = NumberAttribute(null=True)  # epoch seconds; a past hold is free
    block_reason = UnicodeAttribute(null=True)  # why staff blocked it (status blocked)
    version = NumberAttribute(default=0)  # +1 on every write: a hold checks its neighbours'
    expires_at = TTLAttribute(null=True)  # DynamoDB deletes seat items after the show


@register_table
class SeatPlan(Model):
    """Where each seat of one showtime is, written with its seat items and never changed
    after (a hall's new layout applies to later showtimes): ``rows`` is
    ``[[row label, row index, [[seat id, col, seat type], ...]], ...]`` in hall order."""

    Meta = table_meta("seat-plans")

    showtime_id = UnicodeAttribute(hash_key=True)
    rows = JSONAttribute()
    expires_at = TTLAttribute(null=True)  # goes with the seat items


def plan_rows(seats: Iterable[SeatSpec]) -> list[list[Any]]:
    """The compact ``SeatPlan.rows`` of some seats (any order in, hall order out)."""
    rows: dict[int, list[Any]] = {}
    for spec in sorted(seats, key=lambda s: (s.row_index, s.col)):
        row = rows.setdefault(spec.row_index, [spec.row, spec.row_index, []])
        row[2].append([spec.seat_id, spec.col, spec.seat_type])
    return list(rows.values())


def create_seat_items(
    showtime_id: str,
    seats: Iterable[SeatSpec],
    prices: dict[str, int],
    delete_after: datetime,
) -> int:
    """Write the seat plan and the seat items of a new showtime (in batches); returns how
    many seats."""
    specs = list(seats)
    SeatPlan(showtime_id, rows=plan_rows(specs), expires_at=delete_after).save()
    with Seat.batch_write() as batch:
        for spec in specs:
            batch.save(
                Seat(
                    showtime_id,
                    spec.seat_id,
                    row=spec.row,
                    row_index=spec.row_index,
                    col=spec.col,
                    seat_type=spec.seat_type,
                    price=prices[spec.seat_type],
                    expires_at=delete_after,
                )
            )
    return len(specs)


# --- orders ------------------------------------------------------------------------------


class PriceLineMap(MapAttribute[str, Any]):
    seat_id = UnicodeAttribute()
    seat_type = UnicodeAttribute()
    price = NumberAttribute()
    ticket_type = UnicodeAttribute(null=True)  # adult | child | student | senior (None: adult)


class OrdersByUser(GlobalSecondaryIndex["Order"]):
    """My orders, newest first: Query by user, ``scan_index_forward=False``."""

    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class OrdersByPaymentIntent(GlobalSecondaryIndex["Order"]):
    """``charge.refunded`` names the PaymentIntent, not our order."""

    class Meta:
        index_name = "by-payment-intent"
        projection = KeysOnlyProjection()

    payment_intent_id = UnicodeAttribute(hash_key=True)


class PendingOrdersByHold(GlobalSecondaryIndex["Order"]):
    """Sparse: only orders still waiting for an outcome carry ``pending_key`` (pending ones,
    and ended ones still owing a refund), so the sweeper and the reconciler read just those."""

    class Meta:
        index_name = "pending-by-hold"
        projection = KeysOnlyProjection()

    pending_key = UnicodeAttribute(hash_key=True)
    hold_expires_at = NumberAttribute(range_key=True)


class OrdersByShowtime(GlobalSecondaryIndex["Order"]):
    """A showtime's orders (cancelling it, exports), oldest first."""

    class Meta:
        index_name = "by-showtime"
        projection = KeysOnlyProjection()

    showtime_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


PENDING_KEY = "pending"


@register_table
class Order(Model):
    Meta = table_meta("orders")

    order_id = UnicodeAttribute(hash_key=True)
    number = UnicodeAttribute()
    user_id = UnicodeAttribute()
    showtime_id = UnicodeAttribute()
    movie_id = UnicodeAttribute()
    starts_at = UTCDateTimeAttribute()
    seat_ids = ListAttribute(of=UnicodeAttribute)
    lines = ListAttribute(of=PriceLineMap)
    coupon_id = UnicodeAttribute(null=True)
    voucher_code = UnicodeAttribute(null=True)  # redeemed by this order (selling.vouchers)
    subtotal = NumberAttribute()
    discount = NumberAttribute(default=0)
    total = NumberAttribute()
    currency = UnicodeAttribute()
    status = UnicodeAttribute()
    status_reason = UnicodeAttribute(null=True)
    payment_intent_id = UnicodeAttribute(null=True)
    refund_id = UnicodeAttribute(null=True)
    refund_claimed_at = NumberAttribute(null=True)  # epoch seconds; see orders.claim_refund
    hold_expires_at = NumberAttribute()  # epoch seconds
    pending_key = UnicodeAttribute(null=True)
    # box office: a counter sale's payment (cash | terminal) and who sold it; what single
    # ticket refunds have paid back so far
    paid_by = UnicodeAttribute(null=True)
    sold_by = UnicodeAttribute(null=True)
    refunded_amount = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    by_user = OrdersByUser()
    by_payment_intent = OrdersByPaymentIntent()
    pending_by_hold = PendingOrdersByHold()
    by_showtime = OrdersByShowtime()


@register_table
class OrderNumber(Model):
    """Claims an order number: a conditional put in the order's transaction keeps it unique."""

    Meta = table_meta("order-numbers")

    number = UnicodeAttribute(hash_key=True)
    order_id = UnicodeAttribute()


# --- coupons -----------------------------------------------------------------------------


@register_table
class Coupon(Model):
    """A coupon definition created by staff; users hold ``UserCoupon`` records of it."""

    Meta = table_meta("coupons")

    coupon_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    kind = UnicodeAttribute()  # fixed | threshold | percent
    amount_off = NumberAttribute(default=0)
    min_subtotal = NumberAttribute(default=0)
    percent_off = NumberAttribute(default=0)
    movie_id = UnicodeAttribute(null=True)
    currency = UnicodeAttribute(default="cny")
    valid_from = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


@register_table
class UserCoupon(Model):
    """A coupon issued to one user. The validity window is copied here (epoch seconds) so the
    order transaction's condition can check "unused and valid now" on this one item."""

    Meta = table_meta("user-coupons")

    user_id = UnicodeAttribute(hash_key=True)
    coupon_id = UnicodeAttribute(range_key=True)
    status = UnicodeAttribute(default="unused")  # unused | used | expired
    valid_from = NumberAttribute()
    valid_until = NumberAttribute()
    order_id = UnicodeAttribute(null=True)
    issued_at = UTCDateTimeAttribute()


# --- tickets and payments ----------------------------------------------------------------


class TicketsByShowtime(GlobalSecondaryIndex["Ticket"]):
    """A showtime's tickets by seat: the check-in list is one Query."""

    class Meta:
        index_name = "by-showtime"
        projection = AllProjection()

    showtime_id = UnicodeAttribute(hash_key=True)
    seat_id = UnicodeAttribute(range_key=True)


@register_table
class Ticket(Model):
    """One per seat of a paid order; keyed by order so an order's tickets are one Query."""

    Meta = table_meta("tickets")

    order_id = UnicodeAttribute(hash_key=True)
    seat_id = UnicodeAttribute(range_key=True)
    showtime_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    ticket_type = UnicodeAttribute(null=True)  # as on the order's line (None: adult)
    status = UnicodeAttribute(default=TicketStatus.VALID)
    used_at = UTCDateTimeAttribute(null=True)
    checked_in_by = UnicodeAttribute(null=True)

    by_showtime = TicketsByShowtime()


@register_table
class StripeEvent(Model):
    """A processed webhook event id: a replayed event finds it and changes nothing."""

    Meta = table_meta("stripe-events")

    event_id = UnicodeAttribute(hash_key=True)
    type = UnicodeAttribute()
    processed_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)
