"""After a random run of sales, cancels, refunds, blocks and check-ins over a cinema's
showtimes, every report adds up exactly to the orders, tickets and seats behind it."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from chalicelib.accounts.tokens import Principal
from chalicelib.booking import expiry, service, tickets
from chalicelib.booking.models import Order, Ticket
from chalicelib.boxoffice import blocking, checkins, counter_sales, counters, refunds, reports
from chalicelib.boxoffice.counters import Tally
from chalicelib.boxoffice.rules import PaidBy
from chalicelib.catalog.models import Showtime
from chalicelib.core import clock
from chalicelib.core.errors import AppError
from tests.booking.support import issue_coupon, make_showtime, make_users, user_token
from tests.boxoffice.support import paid_online, truth

STEPS = 60


def test_reports_add_up_exactly_after_a_random_run(api: Any) -> None:
    rng = random.Random(16)
    shows = [make_showtime(starts_in=timedelta(days=2, hours=3 * i)) for i in range(3)]
    staff_id, _ = user_token(staff=True)
    clerk = Principal(staff_id, frozenset({"user", "staff"}))
    customers = [f"c{i}" for i in range(8)]
    make_users(customers)
    coupons = {c: issue_coupon([c], amount_off=500) for c in customers[:3]}
    done: dict[str, int] = {}

    def free_seats(showtime_id: str, count: int) -> list[str]:
        seat_map = service.seat_map(showtime_id)
        free = [
            c["seat_id"]
            for r in seat_map["rows"]
            for c in r["cells"]
            if c and c["status"] == "available"
        ]
        start = rng.randrange(0, max(1, len(free) - count))
        return free[start : start + count]

    def paid_orders(showtime_id: str) -> list[Order]:
        return [
            o
            for o in Order.scan(consistent_read=True)
            if o.showtime_id == showtime_id and o.status in ("paid", "used")
        ]

    for step in range(STEPS):
        show = rng.choice(shows).showtime_id
        action = rng.choice(
            [
                "buy",
                "buy",
                "buy",
                "pending",
                "counter",
                "refund",
                "refund_ticket",
                "cancel",
                "check_in",
                "undo",
                "block",
                "unblock",
            ]
        )
        try:
            if action == "buy":
                customer = rng.choice(customers)
                coupon = (
                    coupons.pop(customer) if customer in coupons and rng.random() < 0.5 else None
                )
                paid_online(customer, show, free_seats(show, rng.randint(1, 3)), coupon)
            elif action == "pending":
                service.place_order(rng.choice(customers), show, free_seats(show, 2), None)
            elif action == "counter":
                counter_sales.sell(
                    show,
                    free_seats(show, rng.randint(1, 3)),
                    rng.choice(list(PaidBy)),
                    clerk,
                    f"k{step}",
                )
            elif action in ("refund", "refund_ticket", "cancel", "check_in", "undo"):
                candidates = paid_orders(show)
                if not candidates:
                    continue
                order = rng.choice(candidates)
                valid = [
                    t
                    for t in Ticket.query(order.order_id, consistent_read=True)
                    if t.status == "valid"
                ]
                used = [
                    t
                    for t in Ticket.query(order.order_id, consistent_read=True)
                    if t.status == "used"
                ]
                if action == "refund":
                    refunds.refund(order.order_id, "random", None, clerk)
                elif action == "refund_ticket" and valid:
                    refunds.refund(
                        order.order_id, "random", [f"{order.order_id}-{valid[0].seat_id}"], clerk
                    )
                elif action == "cancel" and order.user_id in customers:
                    service.cancel_order(
                        order.order_id, Principal(order.user_id, frozenset({"user"}))
                    )
                elif action == "check_in" and valid:
                    checkins.check_in(
                        tickets.ticket_code(order.order_id, valid[0].seat_id, show), clerk
                    )
                elif action == "undo" and used:
                    checkins.undo_check_in(f"{order.order_id}-{used[0].seat_id}", clerk)
            elif action == "block":
                blocking.block_seats(show, free_seats(show, 2), "random", clock.now())
            elif action == "unblock":
                blocked = [
                    c["seat_id"]
                    for r in service.seat_map(show)["rows"]
                    for c in r["cells"]
                    if c and c["status"] == "blocked"
                ]
                if blocked:
                    blocking.unblock_seats(show, blocked[:2])
        except AppError:
            continue  # a refused step (seats taken, stranded, not refundable...) changes nothing
        done[action] = done.get(action, 0) + 1
    # some holds lapse and are swept
    expiry.expire_pending_orders(clock.now() + timedelta(minutes=11))
    assert sum(done.values()) > STEPS // 2, done

    total = Tally()
    for show in shows:
        tally = counters.tally(show.showtime_id)
        assert tally == truth(show.showtime_id), show.showtime_id
        assert tally.capacity == tally.free + tally.held + tally.sold + tally.blocked
        total = total + tally
    day_from = min(Showtime.get(s.showtime_id).day for s in shows)
    day_to = max(Showtime.get(s.showtime_id).day for s in shows)
    report = reports.cinema_report(
        "cinema-1", date.fromisoformat(day_from), date.fromisoformat(day_to), clerk
    )
    assert (report.total.sold, report.total.checked_in, report.total.held) == (
        total.sold,
        total.checked_in,
        total.held,
    )
    assert (report.total.gross, report.total.discounts, report.total.refunds) == (
        total.gross,
        total.discounts,
        total.refunds,
    )
    everything = [o for o in Order.scan() if o.status in ("paid", "used", "refunded")]
    money = sum(int(o.total) for o in everything) - sum(
        int(o.total) if o.status == "refunded" else int(o.refunded_amount or 0) for o in everything
    )
    assert report.total.net == money
