"""The box office's rules: pure functions of their arguments (no I/O, ``now`` passed in)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum


class PaidBy(StrEnum):
    """How a counter sale was paid (recorded; no card data passes through Marquee)."""

    CASH = "cash"
    TERMINAL = "terminal"


class CheckinRefusal(StrEnum):
    """Why a ticket cannot be checked in now, each its own problem type."""

    SHOW_OVER = "show-over"


def checkin_refusal(ends_at: datetime, now: datetime, late_minutes: int) -> CheckinRefusal | None:
    """Doors close ``late_minutes`` after the show ended: a ticket of a past show is not
    let in (nor counted) later."""
    if now > ends_at + timedelta(minutes=late_minutes):
        return CheckinRefusal.SHOW_OVER
    return None


def may_undo_checkin(used_at: datetime, now: datetime, undo_minutes: int) -> bool:
    """A check-in made by mistake can be undone for ``undo_minutes``, then it stands."""
    return now <= used_at + timedelta(minutes=undo_minutes)


def ticket_id(order_id: str, seat_id: str) -> str:
    return f"{order_id}-{seat_id}"


def seats_of_tickets(order_id: str, ticket_ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """(seat ids named by the ticket ids, ticket ids that are not this order's)."""
    prefix = f"{order_id}-"
    seats, foreign = [], []
    for value in dict.fromkeys(ticket_ids):
        if value.startswith(prefix) and len(value) > len(prefix):
            seats.append(value[len(prefix) :])
        else:
            foreign.append(value)
    return seats, foreign


def ticket_refund_problem(
    discount: int, valid_seats: Sequence[str], wanted: Sequence[str]
) -> str | None:
    """Single tickets of a paid order may be refunded, at their line price, when the order
    has no discount (a discount belongs to the whole order: refund the order instead) and
    every ticket named is still valid (not used, not refunded)."""
    if discount:
        return "this order has a discount; refund the whole order instead"
    not_valid = sorted(set(wanted) - set(valid_seats))
    if not_valid:
        return f"tickets for {', '.join(not_valid)} are used, refunded or not in this order"
    return None


def lines_total(lines: Iterable[tuple[str, int]], seat_ids: Iterable[str]) -> int:
    """What the named seats cost, from the order's (seat id, price) lines."""
    wanted = set(seat_ids)
    return sum(price for seat_id, price in lines if seat_id in wanted)


def day_range_problem(first: str, last: str, max_days: int) -> str | None:
    """A report or export covers at least one day and at most ``max_days``."""
    start, end = datetime.fromisoformat(first), datetime.fromisoformat(last)
    if end < start:
        return "'to' is before 'from'"
    if (end - start).days + 1 > max_days:
        return f"at most {max_days} days at once"
    return None
