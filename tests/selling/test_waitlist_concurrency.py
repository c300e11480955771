"""Waiting lists under real concurrency (threads, DynamoDB Local): orders cancelled, users
joining and sweeps serving the list all at once never offer a seat to two users, never
offer anyone two sets of seats at once or the same seats twice, and keep the counters true."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from chalicelib.booking import orders, service
from chalicelib.booking.rules import OrderStatus
from chalicelib.core import clock
from chalicelib.selling import waitlist
from chalicelib.selling.waitlist_rules import EntryStatus
from tests.booking.support import hall_layout, make_showtime, make_users
from tests.booking.test_contention import no_stranded_rule, race
from tests.selling.waitlist_support import assert_consistent, entries, offer_mails

__all__ = ["no_stranded_rule"]  # the fixture, used by name

SEATS = 20
WAITING = 12


def _check_mails(mails: list[dict[str, Any]], history: dict[str, list[set[str]]]) -> None:
    """One e-mail per offer; a user's offers never share a seat."""
    ids = Counter(m["message_id"] for m in mails)
    assert all(n == 1 for n in ids.values()), ids
    for mail in mails:
        user_id = mail["to"].split("@")[0]
        seats = {
            w.strip(",") for w in mail["text"].split("Seats ")[1].split(" are held")[0].split()
        }
        assert all(not (seats & before) for before in history.get(user_id, [])), (user_id, seats)
        history.setdefault(user_id, []).append(seats)


def test_cancellations_joins_and_sweeps_racing_never_offer_a_seat_twice(
    no_stranded_rule: None, frozen_clock: Any
) -> None:
    show = make_showtime(seats=hall_layout(rows="AB", cols=10, aisle_after=None))
    seat_ids = [f"{row}{n:02d}" for row in "AB" for n in range(1, 11)]
    fans = [
        service.place_order(f"fan-{i}", show.showtime_id, [seat], None).order.order_id
        for i, seat in enumerate(seat_ids)
    ]
    people = [f"p{i:02d}" for i in range(WAITING)]
    make_users(people)
    early, late = people[:6], people[6:]
    for n, user_id in enumerate(early):
        waitlist.join(show.showtime_id, user_id, 1 + n % 3)

    def cancel(order_id: str) -> Callable[[], Any]:
        return lambda: orders.end_pending(order_id, OrderStatus.CANCELLED, "cancelled")

    def join(user_id: str, seats: int) -> Callable[[], Any]:
        return lambda: waitlist.join(show.showtime_id, user_id, seats)

    def sweep() -> Any:
        return waitlist.serve(show.showtime_id, clock.now())

    calls = [cancel(o) for o in fans[:10]]
    calls += [join(u, 1 + n % 3) for n, u in enumerate(late)]
    calls += [sweep] * 4
    race(calls)
    waitlist.serve(show.showtime_id, clock.now())  # what a later trigger would do

    history: dict[str, list[set[str]]] = {}
    _check_mails(offer_mails(), history)
    assert_consistent(show.showtime_id)
    listed = entries(show.showtime_id)
    offered = [e for e in listed.values() if e.status == EntryStatus.OFFERED]
    assert offered  # ten seats came free and someone waited for them
    assert {u for u in history} == {e.user_id for e in offered}
    # ten seats came free (ten fans still hold theirs); what the offers do not hold is left
    left = SEATS // 2 - sum(len(e.offer_seat_ids or []) for e in offered)
    assert left >= 0
    # nobody still waiting would fit in what is left (else the list was not served)
    for entry in listed.values():
        if entry.status == EntryStatus.WAITING:
            assert int(entry.seats) > left, (entry.user_id, entry.seats, left)

    # every offer lapses while the rest of the fans cancel and several sweeps run at once:
    # the seats go to the next entries, never back to the same users for the same seats
    frozen_clock.advance(minutes=16)
    calls = [cancel(o) for o in fans[10:]]
    calls += [lambda: waitlist.sweep_waitlists(clock.now())] * 4
    race(calls)
    waitlist.sweep_waitlists(clock.now())
    _check_mails(offer_mails(), history)
    assert_consistent(show.showtime_id)
    for entry in entries(show.showtime_id).values():
        before = entry.offered_before or []
        assert len(before) == len(set(before)), entry.user_id
