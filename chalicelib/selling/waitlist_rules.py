"""The waiting list as plain rules: no I/O, ``now`` always passed in.

A signed-in user joins a sold-out showtime's list once, asking for 1-6 seats. When seats
free up, the entries are served in the order they joined: each entry whose wish fits the
free seats (seats never offered to that user before) gets an offer of exactly that many,
held for it alone for ``OFFER_MINUTES``; an entry that does not fit is passed over for the
next one, and keeps its place. An offer is accepted (an order is placed with it), lapses
or is given up (the user leaves); its seats then go to the next entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

#: how long an offer holds its seats
OFFER_MINUTES = 15
#: the seat-hold owner of an offer: ``Seat.order_id`` is ``offer:<offer id>``
OFFER_HOLD_PREFIX = "offer:"


class EntryStatus:
    WAITING = "waiting"  # on the list
    OFFERED = "offered"  # seats held for it until the offer expires
    ACCEPTED = "accepted"  # an order took the offered seats
    LAPSED = "lapsed"  # the offer expired unused: off the list

    OPEN = frozenset({WAITING, OFFERED})


#: entry status -> the statuses it may move to (leaving deletes the entry)
TRANSITIONS: dict[str, frozenset[str]] = {
    EntryStatus.WAITING: frozenset({EntryStatus.OFFERED}),
    EntryStatus.OFFERED: frozenset({EntryStatus.ACCEPTED, EntryStatus.LAPSED}),
    EntryStatus.ACCEPTED: frozenset(),
    EntryStatus.LAPSED: frozenset(),
}


def may_move(current: str, wanted: str) -> bool:
    return wanted in TRANSITIONS.get(current, frozenset())


def may_rejoin(current: str | None) -> bool:
    """A user has one entry per showtime: a new one only once the old one is closed."""
    return current is None or current not in EntryStatus.OPEN


def offer_hold_id(offer_id: str) -> str:
    return f"{OFFER_HOLD_PREFIX}{offer_id}"


def offer_expiry(now: datetime) -> datetime:
    return now + timedelta(minutes=OFFER_MINUTES)


@dataclass(frozen=True)
class FreeSeat:
    seat_id: str
    row: str
    col: int


@dataclass(frozen=True)
class Waiting:
    """An entry as the allocation reads it."""

    user_id: str
    seats: int
    position: int  # when it joined (epoch milliseconds): smaller is served first
    offered_before: frozenset[str] = frozenset()  # seats this user was offered already


@dataclass(frozen=True)
class Offer:
    user_id: str
    seat_ids: tuple[str, ...]


def pick_seats(free: Sequence[FreeSeat], wanted: int, excluded: Iterable[str]) -> list[str] | None:
    """``wanted`` seats from ``free`` (none of ``excluded``), side by side in one row when
    some row has such a run, else the fewest rows; ``None`` when too few are free."""
    barred = set(excluded)
    usable = [s for s in free if s.seat_id not in barred]
    if len(usable) < wanted:
        return None
    by_row: dict[str, list[FreeSeat]] = {}
    for seat in sorted(usable, key=lambda s: (s.row, s.col)):
        by_row.setdefault(seat.row, []).append(seat)
    for row in sorted(by_row):
        seats = by_row[row]
        for start in range(len(seats) - wanted + 1):
            run = seats[start : start + wanted]
            if run[-1].col - run[0].col == wanted - 1:
                return [s.seat_id for s in run]
    chosen: list[str] = []
    for row in sorted(by_row, key=lambda r: (-len(by_row[r]), r)):
        chosen += [s.seat_id for s in by_row[row]][: wanted - len(chosen)]
        if len(chosen) == wanted:
            break
    return chosen


def allocate(entries: Iterable[Waiting], free: Sequence[FreeSeat]) -> list[Offer]:
    """The offers to make now: entries in the order they joined, each that fits the seats
    still free gets exactly the seats it asked for; one that does not fit is passed over
    (a later, smaller wish may fit). No seat is in two offers."""
    left = list(free)
    offers = []
    for entry in sorted(entries, key=lambda e: (e.position, e.user_id)):
        seats = pick_seats(left, entry.seats, entry.offered_before)
        if seats is None:
            continue
        offers.append(Offer(entry.user_id, tuple(seats)))
        taken = set(seats)
        left = [s for s in left if s.seat_id not in taken]
    return offers


def claim_problem(
    status: str, offer_id: str | None, claimed_offer_id: str, expires_at: int | None, now: int
) -> str | None:
    """Why an order cannot take an offer's seats now, or ``None``."""
    if status != EntryStatus.OFFERED or offer_id != claimed_offer_id:
        return "this offer is no longer open"
    if expires_at is None or expires_at <= now:
        return "this offer has expired"
    return None
