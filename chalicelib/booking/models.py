"""Booking tables. The seats table holds one item per seat per showtime, so a seat map is
one Query and a hold is a conditional update (see ARCHITECTURE.md, "The seat hold").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core.dynamo import register_table, table_meta


class SeatStatus:
    AVAILABLE = "available"
    BLOCKED = "blocked"  # never sellable (broken seat, staff hold)
    HELD = "held"  # by a pending order until hold_expires_at
    SOLD = "sold"


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
    version = NumberAttribute(default=0)
    expires_at = TTLAttribute(null=True)  # DynamoDB deletes seat items after the show


@dataclass(frozen=True)
class SeatSpec:
    """A seat cell of a hall layout, as the catalogue hands it to booking."""

    seat_id: str
    row: str
    row_index: int
    col: int
    seat_type: str


def create_seat_items(
    showtime_id: str,
    seats: Iterable[SeatSpec],
    prices: dict[str, int],
    delete_after: datetime,
) -> int:
    """Write the seat items of a new showtime in batches; returns how many."""
    count = 0
    with Seat.batch_write() as batch:
        for spec in seats:
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
            count += 1
    return count
