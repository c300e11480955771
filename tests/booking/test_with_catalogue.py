"""Booking on the demo week (its seeder schedules through booking's inventory, which writes
the seat items): the seat map, a quote with the demo coupon, and an order."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from chalicelib.accounts.rules import LoginKind
from chalicelib.accounts.seed import seed_demo_accounts
from chalicelib.accounts.service import find_user
from chalicelib.booking.seed import DEMO_COUPON_ID, seed_demo_coupons, seed_demo_showtimes
from chalicelib.catalog.models import Showtime
from chalicelib.catalog.seed import seed_demo_catalogue
from chalicelib.core import clock
from tests.booking.support import user_token


def two_seats_stranding_nobody(rows: list[dict[str, Any]]) -> list[str]:
    """The first two seats of a block (seats between aisles) of 2 or at least 4 seats."""
    for row in rows:
        block: list[str] = []
        for cell in [*row["cells"], None]:
            if cell is not None and cell["status"] == "available":
                block.append(cell["seat_id"])
                continue
            if len(block) == 2 or len(block) >= 4:
                return block[:2]
            block = []
    raise AssertionError("no block of seats to choose from")


def test_an_order_on_a_catalogue_showtime_with_the_demo_coupon(api: Any) -> None:
    seed_demo_accounts()
    seed_demo_catalogue()
    seed_demo_showtimes()
    assert "issued" in seed_demo_coupons()
    alice = find_user(LoginKind.USERNAME, "alice")
    assert alice is not None
    _, token = user_token(alice.user_id)
    later = clock.now() + timedelta(hours=3)
    show = next(s for s in Showtime.scan() if s.starts_at > later and s.sales_open)

    seat_map = api.get(f"/showtimes/{show.showtime_id}/seats")
    assert seat_map.status == 200
    seats = two_seats_stranding_nobody(seat_map.json["rows"])
    body = {"showtime_id": show.showtime_id, "seat_ids": seats, "coupon_id": DEMO_COUPON_ID}
    quoted = api.as_user(token).post("/orders/quote", json=body)
    assert quoted.status == 200, quoted.json
    prices = {c["seat_id"]: c["price"] for r in seat_map.json["rows"] for c in r["cells"] if c}
    assert quoted.json["subtotal"] == sum(prices[s] for s in seats)
    assert quoted.json["discount"] == min(1000, quoted.json["subtotal"])

    placed = api.as_user(token).post(
        "/orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert placed.status == 201, placed.json
    assert placed.json["order"]["total"] == quoted.json["total"]
    assert placed.json["order"]["currency"] == show.currency
