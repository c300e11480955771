"""Check-in at the door, for staff of the showtime's cinema: let a ticket in, list a
showtime's tickets with their status, undo a check-in made by mistake.

Refusals are told apart (each its own problem type): a code that is not genuine (400),
a ticket of another cinema (403 ``other-cinema``), of a show that ended more than
``CHECKIN_LATE_MINUTES`` ago (409 ``show-over``), of a cancelled showtime (409
``showtime-cancelled``), refunded (409 ``ticket-void``) or already used (409
``ticket-used``, with when and by whom).
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.accounts.tokens import Principal
from chalicelib.booking import tickets
from chalicelib.booking.models import Order, Ticket
from chalicelib.booking.rules import OrderStatus, TicketStatus
from chalicelib.boxoffice import counters, staff
from chalicelib.boxoffice.rules import CheckinRefusal, checkin_refusal, may_undo_checkin
from chalicelib.boxoffice.schemas import (
    CheckedIn,
    CheckinCounts,
    CheckinList,
    StaffTicketOut,
    TicketState,
    staff_ticket,
)
from chalicelib.catalog.models import Showtime
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.dynamo import get_or_404
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended


class TicketUsed(Conflict):
    """The ticket was checked in already (when and by whom)."""

    slug, title = "ticket-used", "Ticket Already Used"
    members = CheckedIn


class NotCheckedIn(Conflict):
    """Only a checked-in ticket's check-in can be undone (``status`` names its state)."""

    slug, title = "not-checked-in", "Not Checked In"
    members = TicketState


class TicketVoid(Conflict):
    slug, title = "ticket-void", "Ticket Refunded"


class ShowOver(Conflict):
    slug, title = "show-over", "Show Is Over"


class ShowtimeCancelled(Conflict):
    slug, title = "showtime-cancelled", "Showtime Cancelled"


class UndoTooLate(Conflict):
    slug, title = "undo-too-late", "Too Late To Undo"


def _showtime(showtime_id: str) -> Showtime:
    return get_or_404(Showtime, showtime_id, what="showtime", consistent_read=True)


def _ticket(order_id: str, seat_id: str) -> Ticket:
    return get_or_404(Ticket, order_id, seat_id, what="ticket", consistent_read=True)


def _used(ticket: Ticket) -> TicketUsed:
    used_at = clock.isoformat(ticket.used_at) if ticket.used_at else None
    return TicketUsed(
        f"This ticket was already checked in at {used_at}.",
        extra={"used_at": used_at, "checked_in_by": ticket.checked_in_by},
    )


def check_in(code: str, principal: Principal) -> StaffTicketOut:
    order_id, seat_id, showtime_id = tickets.read_code(code)
    showtime = _showtime(showtime_id)
    member = staff.at_cinema(principal, showtime.cinema_id)
    if showtime.cancelled_at is not None:
        raise ShowtimeCancelled("This showtime was cancelled; its tickets were refunded.")
    now = clock.now()
    if checkin_refusal(showtime.ends_at, now, get_settings().checkin_late_minutes) is (
        CheckinRefusal.SHOW_OVER
    ):
        raise ShowOver("This show ended too long ago to let anyone in.")
    ticket = _ticket(order_id, seat_id)
    if ticket.status == TicketStatus.VOID:
        raise TicketVoid("This ticket was refunded.")
    if ticket.status == TicketStatus.USED:
        raise _used(ticket)
    try:
        tickets.check_in(code, member.user_id)
    except Conflict as lost:
        again = _ticket(order_id, seat_id)
        if again.status == TicketStatus.USED:
            raise _used(again) from lost
        if again.status == TicketStatus.VOID:
            raise TicketVoid("This ticket was refunded.") from lost
        raise
    return staff_ticket(_ticket(order_id, seat_id))


def split_ticket_id(value: str) -> tuple[str, str]:
    """A ticket id is ``<order id>-<seat id>`` (seat ids have no '-')."""
    order_id, _, seat_id = value.rpartition("-")
    if not order_id or not seat_id:
        raise NotFound("No such ticket.")
    return order_id, seat_id


def undo_check_in(ticket_id: str, principal: Principal) -> StaffTicketOut:
    """Back to valid, within ``CHECKIN_UNDO_MINUTES`` of the check-in. The order goes back
    to ``paid`` when no other ticket of it is in use (the one step back the status
    machine allows, and only here)."""
    order_id, seat_id = split_ticket_id(ticket_id)
    ticket = _ticket(order_id, seat_id)
    showtime = _showtime(ticket.showtime_id)
    staff.at_cinema(principal, showtime.cinema_id)
    if ticket.status != TicketStatus.USED or ticket.used_at is None:
        raise NotCheckedIn("This ticket is not checked in.", extra={"ticket_status": ticket.status})
    now = clock.now()
    if not may_undo_checkin(ticket.used_at, now, get_settings().checkin_undo_minutes):
        raise UndoTooLate(
            f"A check-in can be undone for {get_settings().checkin_undo_minutes} minutes."
        )
    _undo(ticket, now)
    return staff_ticket(_ticket(order_id, seat_id))


def _undo(ticket: Ticket, now: datetime) -> None:
    """The other tickets of the order are checked unchanged in the same transaction: the
    order's status follows from them."""
    others = [
        t
        for t in Ticket.query(ticket.order_id, consistent_read=True)
        if t.seat_id != ticket.seat_id
    ]
    tx = Transaction()
    tx.update(
        "ticket",
        ticket,
        [
            Ticket.status.set(TicketStatus.VALID),
            Ticket.used_at.remove(),
            Ticket.checked_in_by.remove(),
        ],
        condition=(Ticket.status == TicketStatus.USED) & (Ticket.used_at == ticket.used_at),
    )
    for other in others:
        tx.check(
            f"other:{other.seat_id}",
            Ticket,
            other.order_id,
            Ticket.status == other.status,
            range_key=other.seat_id,
        )
    if not any(t.status == TicketStatus.USED for t in others):
        tx.update(
            "order",
            Order(ticket.order_id),
            [Order.status.set(OrderStatus.PAID), Order.updated_at.set(now)],
            condition=Order.status == OrderStatus.USED,
        )
    counters.add(tx, ticket.showtime_id, checked_in=-1)
    try:
        tx.commit()
    except (ConditionFailed, TransactionContended) as failed:
        raise Conflict("The ticket changed meanwhile; try again.") from failed


def checkin_list(showtime_id: str, principal: Principal) -> CheckinList:
    """Counts from the showtime's counters and every ticket with its status, by seat
    (one Query of the tickets' showtime index; a hall's tickets fit one answer)."""
    showtime = _showtime(showtime_id)
    staff.at_cinema(principal, showtime.cinema_id)
    tally = counters.tally(showtime_id)
    items = [staff_ticket(t) for t in Ticket.by_showtime.query(showtime_id)]
    return CheckinList(
        showtime_id=showtime_id,
        counts=CheckinCounts(
            sold=tally.sold, checked_in=tally.checked_in, remaining=tally.sold - tally.checked_in
        ),
        tickets=items,
    )
