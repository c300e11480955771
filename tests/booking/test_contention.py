"""Races, for real: many threads calling the services at once against DynamoDB Local."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chalicelib.booking import hints, holds, orders, service, tickets
from chalicelib.booking.models import Order, Seat, UserCoupon
from chalicelib.booking.rules import SeatStatus
from chalicelib.booking.schemas import PlacedOrder, TicketOut
from chalicelib.catalog.rules import SeatSpec
from chalicelib.core import clock
from chalicelib.core.config import reset_settings
from chalicelib.core.errors import AppError, Conflict
from tests.booking.support import issue_coupon, make_showtime

THREADS = 60


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call at once (a barrier releases them together); results or exceptions."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        except AppError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def one_row(seats: int) -> list[SeatSpec]:
    return [SeatSpec(f"A{n:02d}", "A", 0, n - 1, "standard") for n in range(1, seats + 1)]


@pytest.fixture(params=["rule off", "rule on"])
def stranded_rule(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[bool]:
    """Both ways: off, every random choice reaches the transaction; on, many are refused
    by the rule, and those that win must together strand no seat."""
    on = request.param == "rule on"
    monkeypatch.setenv("STRANDED_SEAT_RULE", "true" if on else "false")
    reset_settings()
    yield on
    monkeypatch.undo()
    reset_settings()


@pytest.fixture
def no_stranded_rule(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Rule off, for races that are about something else (counters, vouchers): every
    choice reaches the transaction."""
    monkeypatch.setenv("STRANDED_SEAT_RULE", "false")
    reset_settings()
    yield
    monkeypatch.undo()
    reset_settings()


def lone_free_seats(states: dict[str, str]) -> list[str]:
    """Free seats of a one-block row with no free neighbour and a taken one beside them."""
    ids = sorted(states)
    lone = []
    for i, seat_id in enumerate(ids):
        if states[seat_id] != SeatStatus.AVAILABLE:
            continue
        sides = [states[ids[j]] for j in (i - 1, i + 1) if 0 <= j < len(ids)]
        if SeatStatus.AVAILABLE not in sides and SeatStatus.HELD in sides:
            lone.append(seat_id)
    return lone


def test_racing_orders_never_share_a_seat_and_account_for_every_taken_seat(
    stranded_rule: bool,
) -> None:
    show = make_showtime(seats=one_row(16))
    rng = random.Random(7)
    choices = []
    for _ in range(THREADS):
        start = rng.randrange(1, 15)
        width = rng.randint(1, 3)
        choices.append([f"A{n:02d}" for n in range(start, min(start + width, 17))])

    def order_for(i: int) -> Callable[[], Any]:
        return lambda: service.place_order(f"user-{i}", show.showtime_id, choices[i], None)

    results = race([order_for(i) for i in range(THREADS)])
    placed = [r.order for r in results if isinstance(r, PlacedOrder)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(placed) + len(refused) == THREADS, [
        r for r in results if not isinstance(r, PlacedOrder | Conflict)
    ]
    assert placed and refused  # the choices overlap: some win, some lose
    reasons = {"unavailable_seats", "stranded_seats"} if stranded_rule else {"unavailable_seats"}
    assert all(reasons & set(r.extra) for r in refused), [r.detail for r in refused]

    claimed: dict[str, str] = {}
    for order in placed:
        for seat_id in order.seat_ids:
            assert seat_id not in claimed, f"{seat_id} is in two orders"
            claimed[seat_id] = order.order_id
    seats = list(Seat.query(show.showtime_id))
    taken = {s.seat_id: s.order_id for s in seats if s.status in (SeatStatus.HELD, SeatStatus.SOLD)}
    assert taken == claimed
    stored = {o.order_id for o in Order.scan() if o.showtime_id == show.showtime_id}
    assert stored == {o.order_id for o in placed}
    if stranded_rule:  # however the races went, the winners left no seat alone
        assert lone_free_seats({s.seat_id: s.status for s in seats}) == []


def race_on_one_read(monkeypatch: pytest.MonkeyPatch, calls: list[Callable[[], Any]]) -> list[Any]:
    """``race``, with every call held after its first read of the seats until all have
    read: they all decide on the same state, whatever the scheduler does."""
    read_seats = holds.read_seats
    barrier = threading.Barrier(len(calls))
    first_read = threading.local()

    def read_then_wait(showtime_id: str, seat_ids: Any) -> Any:
        found = read_seats(showtime_id, seat_ids)
        if not getattr(first_read, "done", False):
            first_read.done = True
            barrier.wait(timeout=30)
        return found

    monkeypatch.setattr(holds, "read_seats", read_then_wait)
    try:
        return race(calls)
    finally:
        monkeypatch.setattr(holds, "read_seats", read_seats)


@pytest.mark.parametrize("decided_on", ["the same read", "a guess"])
@pytest.mark.parametrize("first", ["ann", "bob"])
def test_two_orders_that_together_strand_a_seat_never_both_succeed(
    monkeypatch: pytest.MonkeyPatch, first: str, decided_on: str
) -> None:
    """A01-A02 and A04-A05 of a five-seat row each pass the rule alone; together they
    strand A03. Both decide on the same state (a read, or this container's hints that
    all is free), so only the transaction's checks on the neighbours can stop the second
    one."""
    show = make_showtime(seats=one_row(5))
    choices = {"ann": ["A01", "A02"], "bob": ["A04", "A05"]}
    order = [first, *(name for name in choices if name != first)]
    calls = [
        lambda name=name: service.place_order(name, show.showtime_id, choices[name], None)
        for name in order
    ]
    if decided_on == "the same read":
        # stale hints (a chosen seat seen taken) send both to read first
        hints.saw_taken(show.showtime_id, ["A01", "A05"])
        results = race_on_one_read(monkeypatch, calls)
    else:
        results = race(calls)
    placed = [r for r in results if isinstance(r, PlacedOrder)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(placed) == 1 and len(refused) == 1, results
    assert refused[0].extra == {"stranded_seats": ["A03"]}  # decided again, on the winner
    held = sorted(s.seat_id for s in Seat.query(show.showtime_id) if s.status == "held")
    assert held == sorted(placed[0].order.seat_ids)


def test_one_coupon_used_by_concurrent_orders_succeeds_once() -> None:
    show = make_showtime(seats=one_row(16))
    coupon_id = issue_coupon(["ann"])
    pairs = [[f"A{n:02d}", f"A{n + 1:02d}"] for n in range(1, 16, 2)]  # disjoint seats

    def order_with_coupon(seats: list[str]) -> Callable[[], Any]:
        return lambda: service.place_order("ann", show.showtime_id, seats, coupon_id)

    results = race([order_with_coupon(p) for p in pairs])
    placed = [r.order for r in results if isinstance(r, PlacedOrder)]
    assert len(placed) == 1
    assert all(isinstance(r, AppError) for r in results if not isinstance(r, PlacedOrder))
    record = UserCoupon.get("ann", coupon_id)
    assert record.status == "used" and record.order_id == placed[0].order_id
    held = [s.seat_id for s in Seat.query(show.showtime_id) if s.status == SeatStatus.HELD]
    assert sorted(held) == sorted(placed[0].seat_ids)


def test_one_ticket_checked_in_from_concurrent_requests_succeeds_once() -> None:
    show = make_showtime(seats=one_row(4))
    placed = service.place_order("ann", show.showtime_id, ["A01", "A02", "A03", "A04"], None)
    order = orders.load(placed.order.order_id)
    orders.pay(order, clock.now())
    code = tickets.tickets_of(orders.load(order.order_id))[0].code

    results = race([lambda i=i: tickets.check_in(code, f"staff-{i}") for i in range(20)])
    succeeded = [r for r in results if isinstance(r, TicketOut)]
    assert len(succeeded) == 1
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, TicketOut))
    assert orders.load(order.order_id).status == "used"


def test_no_hold_begun_after_sales_closed_commits_on_the_cached_open_terms() -> None:
    """Holds keep coming, from a container that cached the showtime's open terms, while
    staff close its sales: every hold begun after the PATCH returned is refused (the
    terms stamp on the counter shards sees the change), and the counters match the seats
    held."""
    from chalicelib.boxoffice import counters
    from chalicelib.catalog.schemas import ShowtimePatch
    from chalicelib.catalog.showtimes import update_showtime

    rows, per_row = 20, 50
    show = make_showtime(
        seats=[
            SeatSpec(f"R{r:02d}-{c:02d}", f"R{r:02d}", r, c, "standard")
            for r in range(rows)
            for c in range(per_row)
        ]
    )
    pairs = [[f"R{r:02d}-{c:02d}", f"R{r:02d}-{c + 1:02d}"] for r in range(rows) for c in (0, 2)]
    pairs += [
        [f"R{r:02d}-{c:02d}", f"R{r:02d}-{c + 1:02d}"]
        for r in range(rows)
        for c in range(4, per_row, 2)
    ]
    service.hold_order("warm", show.showtime_id, pairs.pop(0), None)  # terms cached
    closed = threading.Event()
    enough = threading.Event()
    attempts: list[tuple[bool, bool]] = []  # (begun after the close, held)
    lock = threading.Lock()

    def customer(n: int) -> None:
        while True:
            with lock:
                if not pairs or sum(1 for after, _ in attempts if after) >= 40:
                    return
                pair = pairs.pop(0)
            after = closed.is_set()
            try:
                service.hold_order(f"user-{n}", show.showtime_id, pair, None)
                held = True
            except AppError:
                held = False
            with lock:
                attempts.append((after, held))
                if sum(1 for _, h in attempts if h) >= 10:
                    enough.set()

    with ThreadPoolExecutor(max_workers=8) as pool:
        running = [pool.submit(customer, n) for n in range(8)]
        assert enough.wait(timeout=120)
        update_showtime(show.showtime_id, ShowtimePatch(sales_open=False))
        closed.set()
        for future in running:
            future.result()

    begun_after = [held for after, held in attempts if after]
    assert len(begun_after) >= 40 and not any(begun_after)
    assert any(held for after, held in attempts if not after)
    held_seats = [
        s for s in Seat.query(show.showtime_id, consistent_read=True) if s.status == "held"
    ]
    assert counters.tally(show.showtime_id).held == len(held_seats)
