"""Ticket types of a showtime: staff set the price table of the types besides adult."""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.catalog.models import Showtime
from chalicelib.catalog.support import write_terms
from chalicelib.core import clock
from chalicelib.core.dynamo import get_or_404
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.selling.ticket_rules import PriceTable, full_table, table_problem


def price_table(showtime: Showtime) -> PriceTable:
    return full_table(
        {str(k): int(v) for k, v in showtime.prices.as_dict().items()},
        showtime.ticket_prices or {},
    )


def showtime(showtime_id: str) -> Showtime:
    return get_or_404(Showtime, showtime_id, what="showtime", consistent_read=True)


def set_ticket_prices(showtime: Showtime, others: Mapping[str, Mapping[str, int]]) -> Showtime:
    """Replace the showtime's non-adult ticket types (those left out stop being sold; orders
    already placed keep their prices). 422 when the table does not fit the showtime's seat
    types; 409 once the showtime is withdrawn or cancelled."""
    problem = table_problem(others, showtime.prices.as_dict().keys())
    if problem:
        raise ValidationFailed.single("prices", problem)
    table = {t: {s: int(p) for s, p in prices.items()} for t, prices in others.items()}
    # holds price on cached terms, checked on their stamp: new prices, new stamp
    now = clock.now()
    changed = write_terms(
        showtime,
        [Showtime.ticket_prices.set(table), Showtime.updated_at.set(now)],
        condition=(Showtime.withdrawn == False)  # noqa: E712
        & Showtime.cancelled_at.does_not_exist(),
    )
    if not changed:
        raise Conflict("This showtime was withdrawn or cancelled: its prices stay.")
    showtime.ticket_prices, showtime.updated_at = table, now
    return showtime
