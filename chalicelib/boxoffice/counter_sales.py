"""Counter sales: staff sell seats to a walk-in, paid at the counter (cash or card
terminal, recorded; no Stripe), tickets issued at once.

The same rules as an online order decide it (``booking.service.price_order``: sales open,
seats free, no stranded seat), and ONE transaction sells it: every seat conditional on
being free (a blocked seat, a live hold or a sale refuses it), the paid order, its
number, its tickets, the showtime's counters, and the showtime's sales gate (a cancelled
showtime sells nothing). A retry with the same Idempotency-Key answers the same sale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from chalicelib.accounts.tokens import Principal
from chalicelib.booking import holds, orders, service
from chalicelib.booking.models import Order, OrderNumber, PriceLineMap, Ticket
from chalicelib.booking.rules import OrderStatus, Quote, TicketStatus, order_number
from chalicelib.booking.schemas import SeatsUnavailable
from chalicelib.boxoffice import counters, gate
from chalicelib.boxoffice.blocking import holds_labels, showtime_at_cinema
from chalicelib.boxoffice.rules import PaidBy
from chalicelib.boxoffice.schemas import CounterSaleOut, staff_order, staff_ticket
from chalicelib.core import clock
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended
from chalicelib.selling.ticket_rules import ADULT

#: fresh order numbers tried when the random part collides
NUMBER_ATTEMPTS = 5


def counter_order_id(staff_id: str, idempotency_key: str) -> str:
    return hashlib.sha256(f"counter:{staff_id}:{idempotency_key}".encode()).hexdigest()[:32]


def sell(
    showtime_id: str,
    seat_ids: list[str],
    paid_by: PaidBy,
    principal: Principal,
    idempotency_key: str,
    ticket_types: Mapping[str, str] | None = None,
) -> tuple[CounterSaleOut, bool]:
    """The paid order with its tickets, and whether this call made it (a retry with the
    same key answers the sale made before)."""
    showtime = showtime_at_cinema(showtime_id, principal)
    order_id = counter_order_id(principal.user_id, idempotency_key)
    existing = orders.find(order_id)
    if existing is None:
        terms, priced = service.price_order(
            principal.user_id, showtime_id, seat_ids, None, hold=True, ticket_types=ticket_types
        )
        existing = _sell(principal.user_id, terms, seat_ids, priced, paid_by, order_id)
        created = True
    elif (
        existing.showtime_id,
        list(existing.seat_ids),
        existing.paid_by,
        {line.seat_id: line.ticket_type or ADULT for line in existing.lines},
    ) != (
        showtime_id,
        seat_ids,
        paid_by.value,
        {s: (ticket_types or {}).get(s, ADULT) for s in seat_ids},
    ):
        raise ValidationFailed.single(
            "Idempotency-Key", "this key was already used with a different body"
        )
    else:
        created = False
    sale = CounterSaleOut(
        order=staff_order(existing, showtime.cinema_id),
        tickets=[staff_ticket(t) for t in Ticket.query(order_id, consistent_read=True)],
    )
    return sale, created


def _sell(
    staff_id: str,
    terms: Any,
    seat_ids: list[str],
    priced: Quote,
    paid_by: PaidBy,
    order_id: str,
) -> Order:
    """``terms``: the showtime as the order was priced on (its id, movie and start)."""
    showtime_id = terms.showtime_id
    for _ in range(NUMBER_ATTEMPTS):
        now = clock.now()
        now_epoch = int(now.timestamp())
        order = Order(
            order_id,
            number=order_number(now),
            user_id=staff_id,
            showtime_id=showtime_id,
            movie_id=terms.movie_id,
            starts_at=terms.starts_at,
            seat_ids=list(seat_ids),
            lines=[PriceLineMap(**vars(line)) for line in priced.lines],
            subtotal=priced.subtotal,
            discount=priced.discount,
            total=priced.total,
            currency=priced.currency,
            status=OrderStatus.PAID,
            status_reason=f"sold at the counter, paid by {paid_by.value}",
            hold_expires_at=now_epoch,
            paid_by=paid_by.value,
            sold_by=staff_id,
            created_at=now,
            updated_at=now,
        )
        tx = Transaction()
        tx.put("order", order, condition=Order.order_id.does_not_exist())
        tx.put(
            "number",
            OrderNumber(order.number, order_id=order_id),
            condition=OrderNumber.number.does_not_exist(),
        )
        gate.add_sales_open(tx, showtime_id)
        types = {line.seat_id: line.ticket_type for line in priced.lines}
        for seat_id in seat_ids:
            holds.add_sale(tx, showtime_id, seat_id, order_id, now_epoch)
            ticket = Ticket(
                order_id,
                seat_id,
                showtime_id=showtime_id,
                user_id=staff_id,
                ticket_type=types.get(seat_id, ADULT),
                status=TicketStatus.VALID,
            )
            tx.put(f"ticket:{seat_id}", ticket, condition=Ticket.order_id.does_not_exist())
        counters.add(
            tx,
            showtime_id,
            sold=len(seat_ids),
            orders=1,
            gross=int(priced.subtotal),
            discounts=int(priced.discount),
            **{f"counter_{paid_by.value}": int(priced.total)},
        )
        try:
            tx.commit()
            return order
        except (ConditionFailed, TransactionContended) as failed:
            if "order" in failed.labels:
                return orders.load(order_id)  # a concurrent retry with this key sold it
            taken = holds_labels(failed.labels)
            if taken:
                raise SeatsUnavailable(taken) from failed
            if gate.LABEL in failed.labels:
                raise Conflict("Sales for this showtime are closed.") from failed
            if "number" not in failed.labels:
                raise
    raise Conflict("Could not allocate an order number; try again.")
