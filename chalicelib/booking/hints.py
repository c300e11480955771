"""What this container last saw of a showtime's seats: a guess, never a fact.

A hold uses hints only to choose the cheaper way to decide (see ``service.hold_order``):

- no chosen seat was seen taken: go straight to the transaction, deciding the stranded-seat
  rule on the neighbours as last seen (free when never seen). The transaction checks every
  neighbour the decision rests on, so a wrong guess costs one cancelled attempt, never a
  stranded seat;
- a chosen seat was seen taken: read the seats first, because a refusal then costs one
  small read instead of a cancelled transaction (much dearer for DynamoDB).

So a hint is never a reason to refuse: refusals come from a read or from the transaction's
own conditions. Hints are learned from every read, every hold this container made and
every condition a transaction found false.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping

from chalicelib.booking.rules import SeatState, SeatStatus
from chalicelib.core.cache import ContainerCache

#: showtimes whose seats a container remembers (a few bytes per seat seen)
SHOWTIMES = 256
#: "taken until" of a seat taken for good as far as we know (sold, blocked, or refused
#: by a condition): only a later read or transaction changes that
FOR_GOOD = sys.maxsize

#: per showtime, seat id -> epoch second until which the seat was last seen taken
_seen: ContainerCache[str, dict[str, int]] = ContainerCache(SHOWTIMES)


def _of(showtime_id: str) -> dict[str, int]:
    return _seen.get(showtime_id, lambda _: {})


def taken_until(state: SeatState) -> int:
    """0 for a free seat; the hold's end for a held one; ``FOR_GOOD`` for the rest."""
    if state.status == SeatStatus.AVAILABLE:
        return 0
    if state.status == SeatStatus.HELD:
        return state.hold_expires_at or 0
    return FOR_GOOD


def saw(showtime_id: str, states: Iterable[SeatState]) -> None:
    """Seats as a strongly consistent read returned them."""
    seen = _of(showtime_id)
    for state in states:
        seen[state.seat_id] = taken_until(state)


def saw_taken(showtime_id: str, seat_ids: Iterable[str], until: int = FOR_GOOD) -> None:
    seen = _of(showtime_id)
    for seat_id in seat_ids:
        seen[seat_id] = until


def saw_free(showtime_id: str, seat_ids: Iterable[str]) -> None:
    seen = _of(showtime_id)
    for seat_id in seat_ids:
        seen[seat_id] = 0


def any_taken(showtime_id: str, seat_ids: Iterable[str], now_epoch: int) -> bool:
    seen = _of(showtime_id)
    return any(seen.get(s, 0) >= now_epoch for s in seat_ids)


def guess(
    showtime_id: str, places: Mapping[str, tuple[str, int]], now_epoch: int
) -> dict[str, SeatState]:
    """Seat states as last seen, for seats ``places`` maps to (row, col): a seat seen taken
    until at least now is held until then, any other is free."""
    seen = _of(showtime_id)
    states = {}
    for seat_id, (row, col) in places.items():
        until = seen.get(seat_id, 0)
        taken = until >= now_epoch
        states[seat_id] = SeatState(
            seat_id=seat_id,
            row=row,
            col=col,
            status=SeatStatus.HELD if taken else SeatStatus.AVAILABLE,
            hold_expires_at=until if taken else None,
        )
    return states
