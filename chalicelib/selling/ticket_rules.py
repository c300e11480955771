"""Ticket types as plain rules: what a showtime offers and what each seat costs by type.

A showtime's seat prices (set when it is scheduled) are the ``adult`` prices; staff add
other ticket types per showtime as a seat type x ticket type table. An order names a type
per seat (``adult`` when it names none); the line, the ticket and check-in carry it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, get_args

from chalicelib.booking.rules import PriceLine

TicketTypeName = Literal["adult", "child", "student", "senior"]
ADULT = "adult"
TICKET_TYPES: tuple[str, ...] = get_args(TicketTypeName)

#: ticket type -> seat type -> minor units
PriceTable = dict[str, dict[str, int]]


def full_table(
    adult_prices: Mapping[str, int], others: Mapping[str, Mapping[str, int]]
) -> PriceTable:
    """The whole table: the showtime's own prices as ``adult``, then the other types."""
    table: PriceTable = {ADULT: {k: int(v) for k, v in adult_prices.items()}}
    for ticket_type in TICKET_TYPES[1:]:
        if ticket_type in others:
            table[ticket_type] = {k: int(v) for k, v in others[ticket_type].items()}
    return table


def table_problem(others: Mapping[str, Mapping[str, int]], seat_types: Iterable[str]) -> str | None:
    """Why staff's table of non-adult types cannot be the showtime's, or ``None``: each type
    prices exactly the showtime's seat types, never below 0."""
    wanted = set(seat_types)
    for ticket_type, prices in others.items():
        if ticket_type == ADULT:
            return "adult prices are the showtime's seat prices"
        if ticket_type not in TICKET_TYPES:
            return f"no ticket type {ticket_type!r}"
        missing = sorted(wanted - set(prices))
        if missing:
            return f"{ticket_type} needs a price for {', '.join(missing)} seats"
        extra = sorted(set(prices) - wanted)
        if extra:
            return f"the showtime has no {', '.join(extra)} seats"
        if any(int(price) < 0 for price in prices.values()):
            return f"{ticket_type} prices are 0 or more"
    return None


def chosen_types(
    seat_ids: Iterable[str], ticket_types: Mapping[str, str] | None, offered: Iterable[str]
) -> tuple[dict[str, str], str | None]:
    """The ticket type of each seat (``adult`` unless named), or why the choice is wrong."""
    seats = list(seat_ids)
    named = dict(ticket_types or {})
    strangers = sorted(set(named) - set(seats))
    if strangers:
        return {}, f"not among the seats: {', '.join(strangers)}"
    allowed = set(offered)
    for seat_id, ticket_type in named.items():
        if ticket_type not in allowed:
            return {}, f"{seat_id}: this showtime sells no {ticket_type} tickets"
    return {seat_id: named.get(seat_id, ADULT) for seat_id in seats}, None


def typed_lines(seats: Iterable[tuple[str, str, str]], table: PriceTable) -> list[PriceLine]:
    """One line per (seat_id, seat_type, ticket_type), priced from the table."""
    return [
        PriceLine(seat_id, seat_type, int(table[ticket_type][seat_type]), ticket_type)
        for seat_id, seat_type, ticket_type in seats
    ]
