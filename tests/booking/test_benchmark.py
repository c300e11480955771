"""How long the two hot paths take against DynamoDB Local: the seat map (one Query) and the
hold (one TransactWriteItems). Few rounds, so the default run stays fast."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from chalicelib.booking import holds
from chalicelib.booking.models import Seat
from chalicelib.booking.rules import SeatStatus, hold_expiry
from chalicelib.core import clock
from chalicelib.core.transactions import Transaction
from tests.booking.support import make_showtime

ROUNDS = 5


@pytest.mark.benchmark(group="booking")
def test_benchmark_seat_map_query(benchmark: Any) -> None:
    show = make_showtime()
    result = benchmark.pedantic(
        holds.seat_map, args=(show.showtime_id, clock.epoch_seconds()), rounds=ROUNDS
    )
    assert sum(1 for r in result["rows"] for c in r["cells"] if c) == 50


@pytest.mark.benchmark(group="booking")
def test_benchmark_hold_transaction(benchmark: Any) -> None:
    show = make_showtime()
    pairs = iter([[f"{row}01", f"{row}02"] for row in "ABCDE"])
    done: list[str] = []

    def hold(seats: list[str]) -> None:
        tx = Transaction()
        now = clock.now()
        for seat_id in seats:
            holds.add_hold(
                tx,
                show.showtime_id,
                seat_id,
                uuid.uuid4().hex,
                hold_expiry(now, 10),
                int(now.timestamp()),
            )
        tx.commit()
        done.extend(seats)

    benchmark.pedantic(hold, setup=lambda: ((next(pairs),), {}), rounds=ROUNDS)
    held = [s.seat_id for s in Seat.query(show.showtime_id) if s.status == SeatStatus.HELD]
    assert done and sorted(held) == sorted(done)  # --benchmark-disable runs it once
