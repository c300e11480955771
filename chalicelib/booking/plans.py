"""Seat plans: where each seat of a showtime is, kept per container once read.

A plan never changes after its showtime is created, so a cached plan is never stale: a
hold finds the seats' rows, types and neighbours in memory, and reads only the items of
the seats it needs (never the whole hall). A plan is one small item; a showtime made
before plans existed gets one built from its seat items, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.booking.catalogue import SeatSpec
from chalicelib.booking.models import Seat, SeatPlan, plan_rows
from chalicelib.booking.rules import nearby_seats
from chalicelib.core.cache import ContainerCache
from chalicelib.core.dynamo import conditionally, get_or_none
from chalicelib.core.errors import NotFound, UnknownReference

#: plans kept per container (a 2000-seat plan is about 40 KB)
CACHED_PLANS = 256


class Plan:
    """The seats of one showtime by id, with the questions a hold asks of them."""

    def __init__(self, showtime_id: str, seats: Iterable[SeatSpec]) -> None:
        self.showtime_id = showtime_id
        self.seats = {s.seat_id: s for s in seats}
        self._rows: dict[str, list[SeatSpec]] = {}
        for spec in self.seats.values():
            self._rows.setdefault(spec.row, []).append(spec)

    @classmethod
    def from_rows(cls, showtime_id: str, rows: list[Any]) -> Plan:
        return cls(
            showtime_id,
            (
                SeatSpec(seat_id, label, index, col, kind)
                for label, index, cells in rows
                for seat_id, col, kind in cells
            ),
        )

    def check_known(self, seat_ids: Iterable[str]) -> None:
        unknown = [s for s in seat_ids if s not in self.seats]
        if unknown:
            raise UnknownReference("seat_ids", f"no such seats: {', '.join(unknown)}")

    def seat_type(self, seat_id: str) -> str:
        return self.seats[seat_id].seat_type

    def nearby(self, chosen: list[str]) -> list[str]:
        """The seats whose state the stranded-seat rule needs besides the chosen ones."""
        rows = {self.seats[s].row for s in chosen}
        return nearby_seats([s for row in rows for s in self._rows[row]], set(chosen))

    def places(self, seat_ids: Iterable[str]) -> dict[str, tuple[str, int]]:
        """Each seat's row and column."""
        return {s: (self.seats[s].row, self.seats[s].col) for s in seat_ids}


_plans: ContainerCache[str, Plan] = ContainerCache(CACHED_PLANS)


def plan_of(showtime_id: str) -> Plan:
    """The showtime's plan: from this container's cache, else one GetItem."""
    return _plans.get(showtime_id, _read)


def _read(showtime_id: str) -> Plan:
    # strongly consistent: the plan may have been written a moment ago elsewhere
    item = get_or_none(SeatPlan, showtime_id, consistent_read=True)
    if item is not None:
        return Plan.from_rows(showtime_id, item.rows)
    seats = [
        SeatSpec(s.seat_id, s.row, int(s.row_index), int(s.col), s.seat_type)
        for s in Seat.query(showtime_id, consistent_read=True)
    ]
    if not seats:
        raise NotFound("No such showtime.")
    # A showtime from before seat plans: store its plan once (the seats never move); when
    # another container stored it first, it is the same seats.
    plan = SeatPlan(showtime_id, rows=plan_rows(seats))
    conditionally(lambda: plan.save(SeatPlan.showtime_id.does_not_exist()))
    return Plan(showtime_id, seats)
