"""The backfill opens the counters of showtimes scheduled before the box office existed:
exactly what the transactions would have kept, once, and exact while sales go on."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from chalicelib.accounts.tokens import Principal
from chalicelib.booking import service, tickets
from chalicelib.boxoffice import backfill, blocking, checkins, counter_sales, counters, refunds
from chalicelib.boxoffice.counters import Tally
from chalicelib.boxoffice.models import ShowtimeCounter
from chalicelib.boxoffice.rules import PaidBy
from chalicelib.catalog.showtimes import local_day
from chalicelib.core import clock
from tests.booking.support import issue_coupon, make_showtime, make_users, user_token
from tests.boxoffice.support import paid_online, truth

pytestmark = pytest.mark.usefixtures("no_stranded_rule")


def forget_counters(showtime_id: str) -> None:
    """As before the box office: the showtime has no counter items at all."""
    for item in ShowtimeCounter.query(showtime_id, consistent_read=True):
        item.delete()


def test_backfill_opens_the_counters_the_transactions_would_have_kept_and_only_once(
    api: Any,
) -> None:
    show = make_showtime()
    showtime_id = show.showtime_id
    staff_id, _ = user_token(staff=True)
    clerk = Principal(staff_id, frozenset({"user", "staff"}))
    make_users(["c1", "c2", "c3"])
    coupon = issue_coupon(["c1"], amount_off=500)
    kept = paid_online("c1", showtime_id, ["A01", "A02"], coupon)
    refunded = paid_online("c2", showtime_id, ["B01", "B02"])
    single = paid_online("c3", showtime_id, ["C01", "C02"])
    service.place_order("c2", showtime_id, ["D01", "D02"], None)
    counter_sales.sell(showtime_id, ["E01", "E02"], PaidBy.CASH, clerk, "counter-1")
    blocking.block_seats(showtime_id, ["A09", "A10"], "broken", clock.now())
    refunds.refund(refunded["order_id"], "asked", None, clerk)
    refunds.refund(single["order_id"], "asked", [f"{single['order_id']}-C01"], clerk)
    checkins.check_in(tickets.ticket_code(kept["order_id"], "A01", showtime_id), clerk)
    by_transactions = counters.tally(showtime_id)
    assert by_transactions.sold and by_transactions.refunds and by_transactions.counter_cash

    forget_counters(showtime_id)
    assert counters.tally(showtime_id) == Tally()
    assert backfill.backfill_all() == {"opened": 1}
    assert counters.tally(showtime_id) == by_transactions
    day = local_day(show.starts_at)
    assert showtime_id in counters.cinema_showtimes("cinema-1", day, day)  # reports find it

    assert backfill.backfill_all() == {"open already": 1}
    assert counters.tally(showtime_id) == by_transactions


def test_sales_made_before_the_backfill_are_counted_once(api: Any) -> None:
    """Once deployed, sales add to the shards of a showtime not yet opened: the backfill
    adds only what they did not count."""
    showtime_id = make_showtime().showtime_id
    make_users(["c1", "c2"])
    paid_online("c1", showtime_id, ["A01", "A02"])
    forget_counters(showtime_id)
    service.place_order("c2", showtime_id, ["B01", "B02"], None)  # counted by its transaction
    assert counters.tally(showtime_id).held == 2

    assert backfill.backfill_all() == {"opened": 1}
    assert counters.tally(showtime_id) == truth(showtime_id)


def test_the_backfill_stays_exact_while_holds_race_it(api: Any) -> None:
    showtime_id = make_showtime().showtime_id
    buyers = [f"c{i}" for i in range(4)]
    make_users(buyers)
    paid_online("c0", showtime_id, ["E01", "E02"])
    forget_counters(showtime_id)
    start = threading.Barrier(len(buyers) + 1)
    failures: list[BaseException] = []

    def buy(user_id: str, row: str) -> None:
        start.wait()
        try:
            for first in (1, 3, 5):
                seats = [f"{row}{first:02d}", f"{row}{first + 1:02d}"]
                service.place_order(user_id, showtime_id, seats, None)
        except BaseException as exc:  # reported below, with the thread's cause
            failures.append(exc)

    threads = [
        threading.Thread(target=buy, args=(u, r)) for u, r in zip(buyers, "ABCD", strict=True)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    outcomes = [backfill.backfill_showtime_id(showtime_id)]
    for thread in threads:
        thread.join()
    while outcomes[-1] == "busy: run again":  # sales landed between every two reads
        outcomes.append(backfill.backfill_showtime_id(showtime_id))
    assert not failures, failures
    assert outcomes[-1] == "opened", outcomes
    assert counters.tally(showtime_id) == truth(showtime_id)
    assert counters.tally(showtime_id).held == 2 * 3 * len(buyers)
