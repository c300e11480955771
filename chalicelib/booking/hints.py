"""What this container last saw of a showtime's seats: a guess, never a fact.

A hold uses hints only to choose the cheaper way to decide (see ``service.hold_order``):

- no chosen seat was seen taken: go straight to the transaction, deciding the stranded-seat
  rule on the neighbours as last seen (free when never seen). The transaction checks every
  neighbour the decision rests on, so a wrong guess costs one cancelled attempt, never a
  stranded seat;
- a chosen seat was seen taken: read the seats first, because a refusal then costs one
  small read instead of a cancelled transaction (much dearer for DynamoDB);
- most recent choices of the showtime were found taken (an on-sale rush, where other
  containers take seats this one never saw): read first too (``read_first``).

That first read is the chosen seats (a refusal rests on them) and only the neighbours this
container never saw (``unseen``): in a rush most holds are refused, and each then reads
2 items, not 6. The other neighbours are taken as last seen, which the transaction checks.

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

#: the weight of a showtime's latest hold in its share of choices found taken
LATEST_WEIGHT = 0.1
#: above this share, holds read before their transaction. A cancelled hold transaction
#: costs DynamoDB what 5-8 small reads cost (on DynamoDB Local, in CPU: ~20 ms against
#: ~2.5 ms; on AWS every item of a transaction takes write capacity, even when cancelled),
#: so reading first pays once about a quarter of the guesses would be cancelled.
READ_FIRST_ABOVE = 0.25
#: per showtime, the moving share of holds whose choice was found taken (a 1-item list)
_found_taken: ContainerCache[str, list[float]] = ContainerCache(SHOWTIMES)


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


def unseen(showtime_id: str, seat_ids: Iterable[str]) -> list[str]:
    """The seats this container has never seen (nothing known of them, not even free)."""
    seen = _of(showtime_id)
    return [s for s in seat_ids if s not in seen]


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


def found(showtime_id: str, *, taken: bool) -> None:
    """A hold found its choice taken (by a read, or a transaction's condition), or free."""
    share = _found_taken.get(showtime_id, lambda _: [0.0])
    share[0] += LATEST_WEIGHT * (float(taken) - share[0])  # a lost race of threads: harmless


def read_first(showtime_id: str) -> bool:
    """Whether a hold of this showtime should read its seats before the transaction, even
    when no chosen seat was seen taken: yes while many choices are found taken."""
    return _found_taken.get(showtime_id, lambda _: [0.0])[0] > READ_FIRST_ABOVE
