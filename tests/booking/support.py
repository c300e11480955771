"""Test helpers: a showtime with its seat items, written through the models (the catalogue
API is another area's), users identified by token only, coupons issued directly."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.accounts.tokens import issue_access_token
from chalicelib.booking.models import SeatSpec, create_seat_items
from chalicelib.core import clock

#: price per seat type, minor units
PRICES = {"standard": 4500, "vip": 6000, "couple-left": 5000, "couple-right": 5000}


@dataclass
class Show:
    showtime_id: str
    movie_id: str
    starts_at: datetime


def hall_layout(rows: str = "ABCDE", cols: int = 10, aisle_after: int | None = 4) -> list[SeatSpec]:
    """``rows`` of ``cols`` seats; an aisle gap (a missing col) after seat ``aisle_after``.
    Row E is vip."""
    specs = []
    for row_index, row in enumerate(rows):
        col = 0
        for number in range(1, cols + 1):
            specs.append(
                SeatSpec(
                    seat_id=f"{row}{number:02d}",
                    row=row,
                    row_index=row_index,
                    col=col,
                    seat_type="vip" if row == "E" else "standard",
                )
            )
            col += 2 if aisle_after is not None and number == aisle_after else 1
    return specs


def make_showtime(
    starts_in: timedelta = timedelta(days=2),
    seats: list[SeatSpec] | None = None,
    sales_open: bool = True,
    movie_id: str | None = None,
    prices: dict[str, int] | None = None,
) -> Show:
    from chalicelib.catalog.models import Showtime

    now = clock.now()
    showtime_id = uuid.uuid4().hex
    starts_at = now + starts_in
    show = Showtime(
        showtime_id,
        movie_id=movie_id or f"movie-{uuid.uuid4().hex[:8]}",
        cinema_id="cinema-1",
        hall_id="hall-1",
        city_id="city-1",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=135),
        day=starts_at.strftime("%Y-%m-%d"),
        format="2D",
        language="en",
        prices=prices or PRICES,
        currency="cny",
        sales_open=sales_open,
        created_at=now,
        updated_at=now,
    )
    show.save()
    create_seat_items(
        showtime_id, seats or hall_layout(), prices or PRICES, starts_at + timedelta(days=1)
    )
    return Show(showtime_id, show.movie_id, starts_at)


def user_token(user_id: str | None = None, staff: bool = False) -> tuple[str, str]:
    user_id = user_id or f"user-{uuid.uuid4().hex[:8]}"
    roles = ["user", "staff"] if staff else ["user"]
    return user_id, issue_access_token(user_id, roles)


def issue_coupon(user_ids: list[str], **terms: Any) -> str:
    from chalicelib.booking.coupons import create_coupon

    now = clock.now()
    fields: dict[str, Any] = {
        "name": "test coupon",
        "kind": "fixed",
        "amount_off": 1000,
        "valid_from": now - timedelta(days=1),
        "valid_until": now + timedelta(days=7),
    }
    fields.update(terms)
    created = create_coupon(created_by="staff-1", user_ids=user_ids, **fields)
    return str(created["coupon_id"])
