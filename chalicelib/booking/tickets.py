"""Tickets: one per seat of a paid order, with a code a door scanner can check offline.

The code is a token of ``chalicelib.core.signing`` (the ``ticket`` ring, salt
``ticket-code``): ``<kid>.<payload>.<signature>``, the payload naming the order, the seat and
the showtime. Changing one character makes the code invalid. A code stays valid across a
rotation of the ticket key for the ring's overlap window (a year by default), because it
was e-mailed with the order; ``GET /orders/{id}/tickets`` always shows it signed anew.
"""

from __future__ import annotations

from chalicelib.booking.models import Order, Ticket
from chalicelib.booking.orders import in_use_update, load
from chalicelib.booking.rules import OrderStatus, TicketStatus
from chalicelib.booking.schemas import OrderInState, TicketOut, ticket_out
from chalicelib.boxoffice import counters
from chalicelib.core import clock
from chalicelib.core.dynamo import get_or_404
from chalicelib.core.errors import BadRequest, Conflict
from chalicelib.core.signing import InvalidSignature, sign, unsign
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended

MAX_CODE_LENGTH = 512
TICKET_CODE = "ticket-code"  # the signing salt: a ticket code is no other token


def ticket_code(order_id: str, seat_id: str, showtime_id: str) -> str:
    return sign("ticket", TICKET_CODE, {"o": order_id, "s": seat_id, "t": showtime_id})


def read_code(code: str) -> tuple[str, str, str]:
    """(order_id, seat_id, showtime_id) of a genuine code; 400 for anything else."""
    try:
        if len(code) > MAX_CODE_LENGTH:
            raise ValueError("too long")
        data = unsign("ticket", TICKET_CODE, code)
        return str(data["o"]), str(data["s"]), str(data["t"])
    except (InvalidSignature, ValueError, KeyError, TypeError) as exc:
        raise BadRequest("This is not a genuine ticket code.") from exc


def with_code(ticket: Ticket) -> TicketOut:
    return ticket_out(ticket, ticket_code(ticket.order_id, ticket.seat_id, ticket.showtime_id))


def tickets_of(order: Order) -> list[TicketOut]:
    """The order's tickets, which exist from the moment it is paid."""
    if order.status not in (OrderStatus.PAID, OrderStatus.USED):
        raise OrderInState(
            order.status,
            f"Tickets are issued once an order is paid; this one is {order.status}.",
        )
    return [with_code(t) for t in Ticket.query(order.order_id, consistent_read=True)]


def check_in(code: str, staff_id: str) -> TicketOut:
    """Mark the ticket used, exactly once: the ticket must be valid and its order paid (or
    already in use by another of its tickets). The order becomes ``used`` with it."""
    order_id, seat_id, showtime_id = read_code(code)
    ticket = get_or_404(Ticket, order_id, seat_id, what="ticket", consistent_read=True)
    if ticket.showtime_id != showtime_id:
        raise BadRequest("This is not a genuine ticket code.")
    order = load(order_id)
    now = clock.now()
    tx = Transaction()
    tx.update(
        "ticket",
        ticket,
        [
            Ticket.status.set(TicketStatus.USED),
            Ticket.used_at.set(now),
            Ticket.checked_in_by.set(staff_id),
        ],
        condition=Ticket.status == TicketStatus.VALID,
    )
    in_use_update(tx, order, now)
    counters.add(tx, showtime_id, checked_in=1)
    try:
        tx.commit()
    except (ConditionFailed, TransactionContended) as failed:
        if "ticket" in failed.labels:
            raise Conflict("This ticket has already been used.") from failed
        raise Conflict(f"The order of this ticket is {load(order_id).status}.") from failed
    return with_code(Ticket.get(order_id, seat_id, consistent_read=True))
