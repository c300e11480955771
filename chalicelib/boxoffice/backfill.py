"""Open the counters of showtimes scheduled before the box office existed (a one-off after
deploying it): ``python -m chalicelib.boxoffice.backfill`` with the stage's environment.

Such a showtime has no shard with a capacity, so its listings show no seats left and its
reports are empty. The backfill counts what its items say (seats, orders, tickets) and
adds that to shard 0 in one conditional write, ``capacity`` absent: a second run, or two
at once, changes nothing. While it reads, sales may go on: every sale adds its delta to
the shards, so the backfill adds ``what the items say - what the shards already hold``,
read between two identical reads of the shards (no sale in between; else it reads again).
The orders' index is eventually consistent: a sale in the second before a run may be
missed by it, so run it after the deploy has settled.

It reads every showtime once (a Scan): an operator's tool, never a request's.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, fields

from chalicelib.booking import catalogue
from chalicelib.booking.models import Order, Seat, Ticket
from chalicelib.booking.rules import OrderStatus, SeatStatus, TicketStatus
from chalicelib.boxoffice import counters
from chalicelib.boxoffice.counters import Tally
from chalicelib.boxoffice.models import ShowtimeCounter
from chalicelib.catalog.models import Showtime
from chalicelib.core.dynamo import conditionally, get_or_none

#: reads of a showtime before giving up on it for this run (a sale between every two)
ATTEMPTS = 5
#: statuses of an order that was paid (its money and seats were counted when it was)
WAS_PAID = frozenset({OrderStatus.PAID, OrderStatus.USED, OrderStatus.REFUNDED})


@dataclass(frozen=True)
class OrderFacts:
    status: str
    seats: int
    subtotal: int
    discount: int
    total: int
    refunded_amount: int
    paid_by: str | None
    void_tickets: int


def tally_of_items(
    seat_statuses: Iterable[str], orders: Iterable[OrderFacts], checked_in: int
) -> Tally:
    """The counters a showtime's items imply, as the transactions would have kept them:
    ``held`` counts every seat of a pending order; a paid order counts its subtotal,
    discount and (at the counter) its total by means of payment; a refunded order its
    total and every seat, a paid one its single refunded tickets."""
    statuses = list(seat_statuses)
    held = orders_paid = gross = discounts = refunds = refunded_seats = cash = terminal = 0
    for order in orders:
        if order.status == OrderStatus.PENDING_PAYMENT:
            held += order.seats
        if order.status not in WAS_PAID:
            continue
        orders_paid += 1
        gross += order.subtotal
        discounts += order.discount
        if order.paid_by == "cash":
            cash += order.total
        elif order.paid_by == "terminal":
            terminal += order.total
        if order.status == OrderStatus.REFUNDED:
            refunds += order.total
            refunded_seats += order.seats
        else:
            refunds += order.refunded_amount
            refunded_seats += order.void_tickets
    return Tally(
        capacity=len(statuses),
        held=held,
        sold=statuses.count(SeatStatus.SOLD),
        blocked=statuses.count(SeatStatus.BLOCKED),
        checked_in=checked_in,
        orders=orders_paid,
        gross=gross,
        discounts=discounts,
        refunds=refunds,
        refunded_seats=refunded_seats,
        counter_cash=cash,
        counter_terminal=terminal,
    )


def _minus(a: Tally, b: Tally) -> Tally:
    return Tally(**{f.name: getattr(a, f.name) - getattr(b, f.name) for f in fields(Tally)})


def _items_tally(showtime_id: str) -> Tally:
    seats = [s.status for s in Seat.query(showtime_id, consistent_read=True)]
    tickets = list(Ticket.by_showtime.query(showtime_id))
    void: dict[str, int] = {}
    for ticket in tickets:
        if ticket.status == TicketStatus.VOID:
            void[ticket.order_id] = void.get(ticket.order_id, 0) + 1
    keys = [o.order_id for o in Order.by_showtime.query(showtime_id)]
    orders = [
        OrderFacts(
            status=str(o.status),
            seats=len(o.seat_ids),
            subtotal=int(o.subtotal),
            discount=int(o.discount or 0),
            total=int(o.total),
            refunded_amount=int(o.refunded_amount or 0),
            paid_by=o.paid_by,
            void_tickets=void.get(o.order_id, 0),
        )
        for o in Order.batch_get(keys, consistent_read=True)
    ]
    used = sum(1 for t in tickets if t.status == TicketStatus.USED)
    return tally_of_items(seats, orders, used)


def _open_first_shard(showtime_id: str, capacity: int, baseline: Tally) -> bool:
    """Set shard 0's capacity and add ``baseline`` to it, unless a run did already."""
    actions = [
        ShowtimeCounter.capacity.set(capacity),
        *(
            getattr(ShowtimeCounter, f.name).add(getattr(baseline, f.name))
            for f in fields(Tally)
            if f.name != "capacity" and getattr(baseline, f.name)
        ),
    ]
    return conditionally(
        lambda: ShowtimeCounter(showtime_id, 0).update(
            actions=actions,
            condition=ShowtimeCounter.capacity.does_not_exist() | (ShowtimeCounter.capacity == 0),
        )
    )


def backfill_showtime(showtime: Showtime) -> str:
    """Open one showtime's counters from its items; returns what was done."""
    showtime_id = showtime.showtime_id
    day = catalogue.local_day(showtime.starts_at)
    for _ in range(ATTEMPTS):
        before = counters.tally(showtime_id)
        if before.capacity:
            first = get_or_none(ShowtimeCounter, showtime_id, 0, consistent_read=True)
            if first is not None and first.day is None:  # a run stopped half-way
                counters.open_showtime(showtime_id, showtime.cinema_id, day, before.capacity)
            return "open already"
        implied = _items_tally(showtime_id)
        if counters.tally(showtime_id) != before:
            continue  # a sale landed while the items were read: read again
        if not _open_first_shard(showtime_id, implied.capacity, _minus(implied, before)):
            return "open already"  # by another run meanwhile
        # where the cinema reports find it (idempotent, as when a showtime is scheduled)
        counters.open_showtime(showtime_id, showtime.cinema_id, day, implied.capacity)
        return "opened"
    return "busy: run again"


def backfill_showtime_id(showtime_id: str) -> str:
    return backfill_showtime(Showtime.get(showtime_id, consistent_read=True))


def backfill_all() -> dict[str, int]:
    """Every showtime (one Scan): how many were opened, open already, or busy."""
    outcomes: dict[str, int] = {}
    for showtime in Showtime.scan():
        outcome = backfill_showtime(showtime)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


if __name__ == "__main__":
    done = backfill_all()
    print(", ".join(f"{n} {what}" for what, n in sorted(done.items())) or "no showtimes")
    sys.exit(1 if done.get("busy: run again") else 0)
