"""Blocked seats: staff take seats out of sale (house seats, broken seats) and give them
back. A blocked seat is never sellable: holds and sales are conditional on a seat being
free (``booking.holds.free_or_expired``), which a blocked one never is.

Blocking is all-or-nothing per showtime, in one transaction with the showtime's counters;
a seat held (by a live hold) or sold is refused with 409 naming it. A seat whose hold has
lapsed is free and may be blocked: the lapsed order can no longer buy it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.accounts.tokens import Principal
from chalicelib.booking import holds
from chalicelib.booking.models import Seat, SeatStatus
from chalicelib.booking.rules import is_free
from chalicelib.boxoffice import counters, staff
from chalicelib.catalog.cinemas import get_hall
from chalicelib.catalog.models import Showtime
from chalicelib.core import clock
from chalicelib.core.dynamo import get_or_404
from chalicelib.core.errors import Conflict, UnknownReference, ValidationFailed
from chalicelib.core.schema import Schema
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended
from chalicelib.selling import waitlist

#: seats per request: one transaction holds them all, plus the counter item
MAX_SEATS = 90


class HeldOrSold(Schema):
    seats: list[str]


class SeatsNotBlockable(Conflict):
    """Some of the seats are held or sold (``seats`` names them)."""

    slug, title = "seats-not-blockable", "Seats Held or Sold"
    members = HeldOrSold


@dataclass(frozen=True)
class BlockResult:
    showtime_id: str
    changed: list[str]  # seats whose status this request changed
    unchanged: list[str]  # already as asked


def showtime_at_cinema(showtime_id: str, principal: Principal) -> Showtime:
    """The showtime, for staff of its cinema (404 unknown, 403 another cinema's)."""
    showtime = get_or_404(Showtime, showtime_id, what="showtime", consistent_read=True)
    staff.at_cinema(principal, showtime.cinema_id)
    return showtime


def _check_seats(showtime_id: str, seat_ids: list[str]) -> dict[str, Seat]:
    if len(seat_ids) > MAX_SEATS:
        raise ValidationFailed.single("seat_ids", f"at most {MAX_SEATS} seats at once")
    found = {
        s.seat_id: s
        for s in Seat.batch_get([(showtime_id, x) for x in seat_ids], consistent_read=True)
    }
    unknown = [s for s in seat_ids if s not in found]
    if unknown:
        raise UnknownReference("seat_ids", f"no such seats: {', '.join(unknown)}")
    return found


def block_seats(showtime_id: str, seat_ids: list[str], reason: str, now: datetime) -> BlockResult:
    """Block these seats of one showtime (already blocked ones stay so)."""
    seats = _check_seats(showtime_id, seat_ids)
    now_epoch = int(now.timestamp())
    taken = [
        x
        for x, s in seats.items()
        if s.status != SeatStatus.BLOCKED and not is_free(holds.as_state(s), now_epoch)
    ]
    if taken:
        raise SeatsNotBlockable(
            "Seats that are held or sold cannot be blocked.", extra={"seats": sorted(taken)}
        )
    wanted = [x for x in seat_ids if seats[x].status != SeatStatus.BLOCKED]
    tx = Transaction()
    for seat_id in wanted:
        tx.update(
            holds.seat_label(seat_id),
            Seat(showtime_id, seat_id),
            [
                Seat.status.set(SeatStatus.BLOCKED),
                Seat.block_reason.set(reason),
                Seat.order_id.remove(),
                Seat.hold_expires_at.remove(),
                Seat.version.add(1),
            ],
            condition=holds.free_or_expired(now_epoch),
        )
    counters.add(tx, showtime_id, blocked=len(wanted))
    try:
        tx.commit()
    except (ConditionFailed, TransactionContended) as failed:
        raise SeatsNotBlockable(
            "Seats were taken while blocking them; nothing was blocked.",
            extra={"seats": holds_labels(failed.labels)},
        ) from failed
    return BlockResult(showtime_id, wanted, [x for x in seat_ids if x not in wanted])


def unblock_seats(showtime_id: str, seat_ids: list[str]) -> BlockResult:
    """Give blocked seats back to sale (seats not blocked are left as they are)."""
    seats = _check_seats(showtime_id, seat_ids)
    wanted = [x for x in seat_ids if seats[x].status == SeatStatus.BLOCKED]
    tx = Transaction()
    for seat_id in wanted:
        tx.update(
            holds.seat_label(seat_id),
            Seat(showtime_id, seat_id),
            [
                Seat.status.set(SeatStatus.AVAILABLE),
                Seat.block_reason.remove(),
                Seat.version.add(1),
            ],
            condition=Seat.status == SeatStatus.BLOCKED,
        )
    counters.add(tx, showtime_id, blocked=-len(wanted))
    try:
        tx.commit()
    except (ConditionFailed, TransactionContended) as failed:
        raise Conflict("The seats changed meanwhile; try again.") from failed
    if wanted:
        waitlist.seats_freed(showtime_id)
    return BlockResult(showtime_id, wanted, [x for x in seat_ids if x not in wanted])


def holds_labels(labels: frozenset[str]) -> list[str]:
    prefix = holds.seat_label("")
    return sorted(x.removeprefix(prefix) for x in labels if x.startswith(prefix))


def block_in_showtime(
    showtime_id: str, seat_ids: list[str], reason: str, principal: Principal
) -> BlockResult:
    showtime_at_cinema(showtime_id, principal)
    return block_seats(showtime_id, seat_ids, reason, clock.now())


def unblock_in_showtime(showtime_id: str, seat_ids: list[str], principal: Principal) -> BlockResult:
    showtime_at_cinema(showtime_id, principal)
    return unblock_seats(showtime_id, seat_ids)


def future_showtimes_of_hall(hall_id: str, now: datetime) -> list[Showtime]:
    return [s for s in Showtime.by_hall.query(hall_id, Showtime.starts_at > now) if not s.withdrawn]


def block_in_hall(
    hall_id: str, seat_ids: list[str], reason: str, principal: Principal, *, unblock: bool = False
) -> list[BlockResult | SeatsNotBlockable]:
    """The same seats in every future showtime of a hall, one showtime at a time: each
    showtime is all-or-nothing and answers for itself (a showtime where one of the seats
    is sold says so; the others are still blocked)."""
    hall = get_hall(hall_id)
    staff.at_cinema(principal, hall.cinema_id)
    now = clock.now()
    results: list[BlockResult | SeatsNotBlockable] = []
    for showtime in future_showtimes_of_hall(hall_id, now):
        try:
            if unblock:
                results.append(unblock_seats(showtime.showtime_id, seat_ids))
            else:
                results.append(block_seats(showtime.showtime_id, seat_ids, reason, now))
        except SeatsNotBlockable as refused:
            refused.extra["showtime_id"] = showtime.showtime_id
            results.append(refused)
    return results
