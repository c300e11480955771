"""Order state transitions as DynamoDB transactions.

Each transition is conditional on the order's current status (the status machine in
``rules``), and moves the seats, the coupon and the tickets in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from pynamodb.expressions.update import Action

from chalicelib.booking import holds
from chalicelib.booking.models import Order, Ticket
from chalicelib.booking.rules import (
    IllegalTransition,
    OrderStatus,
    SeatStatus,
    TicketStatus,
    check_transition,
)
from chalicelib.booking.schemas import OrderInState
from chalicelib.boxoffice import counters, gate
from chalicelib.core import clock
from chalicelib.core.dynamo import conditionally, get_or_404, get_or_none
from chalicelib.core.errors import Conflict
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended
from chalicelib.selling import vouchers, waitlist
from chalicelib.selling.ticket_rules import ADULT

#: a transition retried after re-reading, when a lapsed seat changed hands meanwhile
ATTEMPTS = 4


def load(order_id: str) -> Order:
    return get_or_404(Order, order_id, what="order", consistent_read=True)


def find(order_id: str) -> Order | None:
    return get_or_none(Order, order_id, consistent_read=True)


def by_payment_intent(payment_intent_id: str) -> Order | None:
    for key in Order.by_payment_intent.query(payment_intent_id, limit=1):
        return find(key.order_id)
    return None


def status_update(
    tx: Transaction,
    order: Order,
    wanted: str,
    now: datetime,
    reason: str | None = None,
    extra: Sequence[Action] = (),
    refund_owed: bool = False,
) -> None:
    """``refund_owed``: the order keeps its place in the pending index (``pending_key``)
    until ``record_refund``, so the reconciler finds a refund a crash left unmade."""
    check_transition(order.status, wanted)
    actions = [Order.status.set(wanted), Order.updated_at.set(now), *extra]
    if reason is not None:
        actions.append(Order.status_reason.set(reason))
    if order.status == OrderStatus.PENDING_PAYMENT and not refund_owed:
        actions.append(Order.pending_key.remove())
    tx.update("order", order, actions, condition=Order.status == order.status)


def in_use_update(tx: Transaction, order: Order, now: datetime) -> None:
    """A check-in puts the order in use: ``paid`` -> ``used``, or ``used`` again when
    another of its tickets was checked in first."""
    tx.update(
        "order",
        order,
        [Order.status.set(OrderStatus.USED), Order.updated_at.set(now)],
        condition=Order.status.is_in(OrderStatus.PAID, OrderStatus.USED),
    )


def end_pending(
    order_id: str, wanted: str, reason: str | None = None, refund_owed: bool = False
) -> Order:
    """``pending_payment`` -> ``cancelled`` | ``expired``: the seats it still holds are freed
    and its coupon or voucher redemption comes back, in one transaction. Raises
    ``Conflict`` from another status.
    ``refund_owed``: its payment succeeded and must be refunded (see ``status_update``)."""
    for _ in range(ATTEMPTS):
        order = load(order_id)
        if order.status != OrderStatus.PENDING_PAYMENT:
            raise OrderInState(order.status)
        now = clock.now()
        tx = Transaction()
        status_update(tx, order, wanted, now, reason, refund_owed=refund_owed)
        for seat_id in holds.seats_still_mine(order, SeatStatus.HELD):
            holds.add_release(tx, order.showtime_id, seat_id, order.order_id, SeatStatus.HELD)
        # its hold counted all its seats, also those a lapsed hold lost to another order
        counters.add(tx, order.showtime_id, held=-len(order.seat_ids))
        if order.coupon_id:
            holds.add_coupon_return(tx, order.user_id, order.coupon_id, order.order_id)
        if order.voucher_code:
            vouchers.add_return(tx, order.voucher_code, order.user_id)
        try:
            tx.commit()
        except (ConditionFailed, TransactionContended):
            continue  # the order or a lapsed seat changed meanwhile: read again
        waitlist.seats_freed(order.showtime_id)
        return load(order_id)
    raise Conflict("The order changed while it was being updated; try again.")


def pay(order: Order, now: datetime) -> None:
    """``pending_payment`` -> ``paid``: every seat of the order sold to it and one ticket per
    seat, or nothing. Raises ``ConditionFailed`` naming seats another order has taken, or
    ``gate.LABEL`` when the showtime was cancelled (``TransactionContended`` when another
    order kept taking them past the retries)."""
    now_epoch = int(now.timestamp())
    tx = Transaction()
    status_update(tx, order, OrderStatus.PAID, now)
    gate.add_sales_open(tx, order.showtime_id)
    types = {str(line.seat_id): line.ticket_type for line in order.lines}
    for seat_id in list(order.seat_ids):
        holds.add_sale(tx, order.showtime_id, str(seat_id), order.order_id, now_epoch)
        ticket = Ticket(
            order.order_id,
            seat_id,
            showtime_id=order.showtime_id,
            user_id=order.user_id,
            ticket_type=types.get(str(seat_id)) or ADULT,
            status=TicketStatus.VALID,
        )
        tx.put(f"ticket:{seat_id}", ticket, condition=Ticket.order_id.does_not_exist())
    seats = len(order.seat_ids)
    counters.add(
        tx,
        order.showtime_id,
        held=-seats,
        sold=seats,
        orders=1,
        gross=int(order.subtotal),
        discounts=int(order.discount),
    )
    tx.commit()


def record_payment_intent(order: Order, payment_intent_id: str) -> Order:
    """Remember the order's PaymentIntent, once, while it is pending. Answers the order as
    it now is: with this intent, with one recorded before, or no longer pending."""
    recorded = conditionally(
        lambda: order.update(
            actions=[Order.payment_intent_id.set(payment_intent_id)],
            condition=(Order.status == OrderStatus.PENDING_PAYMENT)
            & Order.payment_intent_id.does_not_exist(),
        )
    )
    return order if recorded else load(order.order_id)


def claim_refund(order: Order, now_epoch: int, lease_seconds: int) -> bool:
    """The right to refund an ended order's late payment, for one settlement at a time
    (Stripe's idempotency keys lapse after a day; the local stand-in has none). A claim
    left by a crash lapses after ``lease_seconds`` and the next settlement takes it."""
    return conditionally(
        lambda: order.update(
            actions=[Order.refund_claimed_at.set(now_epoch)],
            condition=Order.refund_id.does_not_exist()
            & (
                Order.refund_claimed_at.does_not_exist()
                | (Order.refund_claimed_at < now_epoch - lease_seconds)
            ),
        )
    )


def record_refund(order: Order, refund_id: str, reason: str) -> bool:
    """Note the refund of an ended order's late payment; it leaves the pending index then.
    ``False`` when a concurrent settlement recorded it first (it tells the customer)."""
    return conditionally(
        lambda: order.update(
            actions=[
                Order.refund_id.set(refund_id),
                Order.status_reason.set(reason),
                Order.pending_key.remove(),
                Order.updated_at.set(clock.now()),
            ],
            condition=Order.refund_id.does_not_exist(),
        )
    )


def refund(
    order_id: str,
    refund_id: str | None,
    reason: str,
    also: Callable[[Transaction, Order], None] | None = None,
) -> Order:
    """``paid`` -> ``refunded``, freeing its sold seats, voiding its tickets and giving back
    its voucher redemption.
    Idempotent: a refunded order stays. ``also`` adds items to the same transaction (the
    box office's refund record)."""
    for _ in range(ATTEMPTS):
        order = load(order_id)
        if order.status == OrderStatus.REFUNDED:
            return order
        try:
            check_transition(order.status, OrderStatus.REFUNDED)
        except IllegalTransition as exc:
            raise Conflict(f"A {order.status} order cannot be refunded.") from exc
        tx = Transaction()
        extra = [Order.refund_id.set(refund_id)] if refund_id else []
        status_update(tx, order, OrderStatus.REFUNDED, clock.now(), reason, extra)
        released = holds.seats_still_mine(order, SeatStatus.SOLD)
        for seat_id in released:
            holds.add_release(tx, order.showtime_id, seat_id, order.order_id, SeatStatus.SOLD)
            tx.update(
                f"ticket:{seat_id}",
                Ticket(order.order_id, seat_id),
                [Ticket.status.set(TicketStatus.VOID)],
                condition=Ticket.order_id.exists(),
            )
        if order.voucher_code:
            vouchers.add_return(tx, order.voucher_code, order.user_id)
        counters.add(
            tx,
            order.showtime_id,
            sold=-len(released),
            refunded_seats=len(released),
            # single tickets refunded before were counted then
            refunds=int(order.total) - int(order.refunded_amount or 0),
        )
        if also is not None:
            also(tx, order)
        try:
            tx.commit()
        except (ConditionFailed, TransactionContended):
            continue
        if released:
            waitlist.seats_freed(order.showtime_id)
        return load(order_id)
    raise Conflict("The order changed while it was being refunded; try again.")
