"""Staff refunds: a whole paid order, or single tickets of it where the rules allow.

The money goes first (Stripe, keyed so a retry finds the refund it already made instead
of making another; a counter sale is paid back at the counter), then ONE transaction
voids the tickets, frees the seats, moves the order, records who refunded what and why,
and updates the showtime's counters. A crash in between leaves the order as it was with
the money back: the retry finds the refund and finishes. One refund of an order runs at
a time (``orders.claim_refund``'s lease), so two staff clicking at once refund once.
"""

from __future__ import annotations

from chalicelib.accounts.tokens import Principal
from chalicelib.booking import holds, orders, payments
from chalicelib.booking.models import Order, Ticket
from chalicelib.booking.rules import OrderStatus, SeatStatus, TicketStatus
from chalicelib.booking.schemas import CurrentStatus
from chalicelib.boxoffice import counters, notices
from chalicelib.boxoffice.lookup import order_at_cinema
from chalicelib.boxoffice.models import RefundRecord
from chalicelib.boxoffice.rules import (
    lines_total,
    seats_of_tickets,
    ticket_id,
    ticket_refund_problem,
)
from chalicelib.boxoffice.schemas import RefundOut, staff_order
from chalicelib.core import clock
from chalicelib.core.errors import Conflict, UnknownReference
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended
from chalicelib.selling import waitlist

#: how long one refund's claim on an order lasts (a Stripe refund takes seconds)
REFUND_LEASE_SECONDS = 120
WHOLE_ORDER = "order"


class OrderNotRefundable(Conflict):
    """The order's status (or its tickets) do not allow this refund (``order_status`` names it)."""

    slug, title = "not-refundable", "Not Refundable"
    members = CurrentStatus


def refund(
    order_id: str, reason: str, ticket_ids: list[str] | None, principal: Principal
) -> RefundOut:
    order, out = order_at_cinema(order_id, principal)
    if ticket_ids is None:
        return refund_order(order, reason, principal.user_id, out.cinema_id)
    seats, foreign = seats_of_tickets(order_id, ticket_ids)
    if foreign:
        raise UnknownReference("ticket_ids", f"not tickets of this order: {', '.join(foreign)}")
    return refund_tickets(order, seats, reason, principal.user_id, out.cinema_id)


def _claim(order: Order) -> None:
    if order.payment_intent_id and not orders.claim_refund(
        order, clock.epoch_seconds(), REFUND_LEASE_SECONDS
    ):
        raise Conflict("A refund of this order is being made right now; try again shortly.")


def refund_order(order: Order, reason: str, staff_id: str, cinema_id: str) -> RefundOut:
    """The whole order (what single-ticket refunds have not paid back yet)."""
    if order.status != OrderStatus.PAID:
        raise OrderNotRefundable(
            f"A {order.status} order cannot be refunded as a whole.",
            extra={"order_status": order.status},
        )
    amount = int(order.total) - int(order.refunded_amount or 0)
    refund_id = None
    if order.payment_intent_id and amount > 0:
        _claim(order)
        refund_id = payments.refund_intent(order.payment_intent_id, amount)
    method = order.paid_by or "stripe"
    voided = [
        t.seat_id
        for t in Ticket.query(order.order_id, consistent_read=True)
        if t.status == TicketStatus.VALID
    ]

    def record(tx: Transaction, current: Order) -> None:
        tx.put(
            "record",
            RefundRecord(
                current.order_id,
                WHOLE_ORDER,
                amount=amount,
                seat_ids=voided,
                reason=reason,
                refunded_by=staff_id,
                method=method,
                refund_id=refund_id,
                created_at=clock.now(),
            ),
        )

    refunded = orders.refund(order.order_id, refund_id, f"refunded by staff: {reason}", also=record)
    notices.refunded(refunded, amount, reason, voided)
    return RefundOut(
        order=staff_order(refunded, cinema_id),
        refunded=amount,
        refund_id=refund_id,
        voided_tickets=[ticket_id(order.order_id, s) for s in voided],
    )


def refund_tickets(
    order: Order, seat_ids: list[str], reason: str, staff_id: str, cinema_id: str
) -> RefundOut:
    """Single tickets at their line price (see ``rules.ticket_refund_problem``); the
    order stays paid with its other tickets. All its valid tickets at once is the whole
    order."""
    if order.status not in (OrderStatus.PAID, OrderStatus.USED):
        raise OrderNotRefundable(
            f"Tickets of a {order.status} order cannot be refunded.",
            extra={"order_status": order.status},
        )
    valid = [
        t.seat_id
        for t in Ticket.query(order.order_id, consistent_read=True)
        if t.status == TicketStatus.VALID
    ]
    problem = ticket_refund_problem(int(order.discount), valid, seat_ids)
    if problem:
        raise OrderNotRefundable(problem, extra={"order_status": order.status})
    if order.status == OrderStatus.PAID and set(seat_ids) == set(valid):
        return refund_order(order, reason, staff_id, cinema_id)
    amount = lines_total(((x.seat_id, int(x.price)) for x in order.lines), seat_ids)
    key = "tickets:" + ",".join(sorted(seat_ids))
    refund_id = None
    if order.payment_intent_id and amount > 0:
        _claim(order)
        refund_id = payments.refund_part(order.payment_intent_id, amount, key)
    tx = Transaction()
    tx.update(
        "order",
        order,
        [
            Order.refunded_amount.add(amount),
            Order.refund_claimed_at.remove(),
            Order.updated_at.set(clock.now()),
        ],
        condition=Order.status.is_in(OrderStatus.PAID, OrderStatus.USED),
    )
    for seat_id in seat_ids:
        tx.update(
            f"ticket:{seat_id}",
            Ticket(order.order_id, seat_id),
            [Ticket.status.set(TicketStatus.VOID)],
            condition=Ticket.status == TicketStatus.VALID,
        )
        holds.add_release(tx, order.showtime_id, seat_id, order.order_id, SeatStatus.SOLD)
    tx.put(
        "record",
        RefundRecord(
            order.order_id,
            key,
            amount=amount,
            seat_ids=sorted(seat_ids),
            reason=reason,
            refunded_by=staff_id,
            method=order.paid_by or "stripe",
            refund_id=refund_id,
            created_at=clock.now(),
        ),
        condition=RefundRecord.order_id.does_not_exist(),
    )
    counters.add(
        tx, order.showtime_id, sold=-len(seat_ids), refunded_seats=len(seat_ids), refunds=amount
    )
    try:
        tx.commit()
    except (ConditionFailed, TransactionContended) as failed:
        raise Conflict(
            "The order or its tickets changed meanwhile; nothing more was refunded.",
        ) from failed
    waitlist.seats_freed(order.showtime_id)
    current = orders.load(order.order_id)
    notices.refunded(current, amount, reason, seat_ids)
    return RefundOut(
        order=staff_order(current, cinema_id),
        refunded=amount,
        refund_id=refund_id,
        voided_tickets=[ticket_id(order.order_id, s) for s in seat_ids],
    )
