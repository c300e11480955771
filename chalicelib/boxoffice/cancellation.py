"""Cancelling a showtime: sales stop at once, then every order is settled one by one.

1. ``cancel_showtime`` (the route): one transaction sets the showtime's ``cancelled_at``
   (closing its sales gate: no payment or counter sale of it commits after this; holds
   fail on the showtime's changed version) and writes the ``Cancellation`` record, then
   queues the scan job. Asking again answers the same cancellation and queues the scan
   again, which is harmless.
2. ``scan`` (a job): one strongly consistent Query of the showtime's seats names every
   order that holds or owns one; each gets a ``cancel_order`` job. The number of orders
   is recorded once, for progress.
3. ``settle_order`` (a job per order): a pending order is cancelled and its PaymentIntent
   cancelled (money already moving is settled: the closed gate makes that a refund); a
   paid or used order is refunded through Stripe (a counter sale: recorded, to be paid
   back at the counter); the customer is e-mailed; then a ``CancelledOrder`` marker and
   the progress count are written in one transaction. Every step is keyed or
   conditional, so a crash anywhere is finished by the redelivered job and nobody is
   refunded twice.
"""

from __future__ import annotations

import contextlib

from pynamodb.expressions.update import Action

from chalicelib.accounts.tokens import Principal
from chalicelib.booking import orders, payments, settlement
from chalicelib.booking.models import Order, Seat, SeatStatus
from chalicelib.booking.rules import OrderStatus
from chalicelib.boxoffice import jobs, notices
from chalicelib.boxoffice.blocking import showtime_at_cinema
from chalicelib.boxoffice.models import Cancellation, CancelledOrder, RefundRecord
from chalicelib.boxoffice.schemas import CancellationOut
from chalicelib.catalog.models import Showtime
from chalicelib.catalog.support import add_terms_write
from chalicelib.core import clock
from chalicelib.core.dynamo import conditionally, get_or_none
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.observability import logger
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended
from chalicelib.selling.waitlist_rules import OFFER_HOLD_PREFIX

#: how long one settlement's claim to refund an order lasts
REFUND_LEASE_SECONDS = 120
#: settle attempts within one job before SQS's retry takes over
SETTLE_ATTEMPTS = 4


def cancellation_out(record: Cancellation) -> CancellationOut:
    total = record.orders_total
    done = int(record.orders_done or 0)
    return CancellationOut(
        showtime_id=record.showtime_id,
        reason=record.reason,
        cancelled_at=record.cancelled_at,
        cancelled_by=record.cancelled_by,
        status="done" if total is not None and done >= int(total) else "running",
        orders_total=int(total or 0),
        orders_done=done,
        refunded=int(record.refunded or 0),
        cancelled_pending=int(record.cancelled_pending or 0),
    )


def progress(showtime_id: str) -> CancellationOut | None:
    record = get_or_none(Cancellation, showtime_id, consistent_read=True)
    return cancellation_out(record) if record else None


def cancel_showtime(showtime_id: str, reason: str, principal: Principal) -> CancellationOut:
    showtime = showtime_at_cinema(showtime_id, principal)
    if showtime.cancelled_at is None:
        now = clock.now()
        tx = Transaction()
        # holds check the terms they decided on: in-flight ones decide again
        add_terms_write(
            tx,
            showtime,
            [
                Showtime.cancelled_at.set(now),
                Showtime.cancel_reason.set(reason),
                Showtime.sales_open.set(False),
                Showtime.updated_at.set(now),
            ],
            condition=Showtime.cancelled_at.does_not_exist(),
        )
        tx.put(
            "record",
            Cancellation(
                showtime_id, reason=reason, cancelled_by=principal.user_id, cancelled_at=now
            ),
            condition=Cancellation.showtime_id.does_not_exist(),
        )
        # cancelled by someone else just now: theirs stands
        with contextlib.suppress(ConditionFailed, TransactionContended):
            tx.commit()
    jobs.send([jobs.Job(job="cancel_showtime", showtime_id=showtime_id)])
    found = progress(showtime_id)
    if found is None:
        raise Conflict("The showtime changed while cancelling it; try again.")
    return found


def scan(showtime_id: str) -> int:
    """Queue one job per order holding or owning a seat of the showtime; returns how many."""
    order_ids = sorted(
        {
            seat.order_id
            for seat in Seat.query(showtime_id, consistent_read=True)
            if seat.order_id
            and seat.status in (SeatStatus.HELD, SeatStatus.SOLD)
            # a waiting-list offer is no order: it lapses, and the list stops offering
            and not seat.order_id.startswith(OFFER_HOLD_PREFIX)
        }
    )
    # False: already counted by an earlier run of this job
    conditionally(
        lambda: Cancellation(showtime_id).update(
            actions=[Cancellation.orders_total.set(len(order_ids))],
            condition=Cancellation.orders_total.does_not_exist(),
        )
    )
    return jobs.send(
        jobs.Job(job="cancel_order", showtime_id=showtime_id, order_id=order_id)
        for order_id in order_ids
    )


def settle_order(showtime_id: str, order_id: str) -> str:
    """Bring one order of the cancelled showtime to its end; returns the outcome."""
    record = Cancellation.get(showtime_id, consistent_read=True)
    settled = get_or_none(CancelledOrder, showtime_id, order_id, consistent_read=True)
    if settled is not None:
        return str(settled.outcome)
    order = orders.load(order_id)
    for _ in range(SETTLE_ATTEMPTS):
        if order.status == OrderStatus.PENDING_PAYMENT:
            order = _end_pending(order, record.reason)
        elif order.status in (OrderStatus.PAID, OrderStatus.USED):
            order = _refund(order, record.reason)
        else:
            break
    else:
        raise Conflict(f"order {order_id} kept changing while its showtime was cancelled")
    refunded = order.status == OrderStatus.REFUNDED
    amount = int(order.total) - int(order.refunded_amount or 0) if refunded else 0
    outcome = {
        OrderStatus.REFUNDED: "refunded",
        OrderStatus.CANCELLED: "cancelled",
    }.get(order.status, "ended")
    if outcome != "ended":
        notices.showtime_cancelled(order, record.reason, amount)
    _mark_done(showtime_id, order_id, outcome, amount)
    return outcome


def _end_pending(order: Order, reason: str) -> Order:
    if order.payment_intent_id and not payments.cancel_payment_intent(order.payment_intent_id):
        # money is moving: settling it meets the closed gate and refunds it
        settlement.settle_payment(order.payment_intent_id)
        return orders.load(order.order_id)
    try:
        return orders.end_pending(
            order.order_id, OrderStatus.CANCELLED, f"the showtime was cancelled: {reason}"
        )
    except Conflict:
        return orders.load(order.order_id)


def _refund(order: Order, reason: str) -> Order:
    refund_id = None
    if order.payment_intent_id and int(order.total) > int(order.refunded_amount or 0):
        if not orders.claim_refund(order, clock.epoch_seconds(), REFUND_LEASE_SECONDS):
            raise Conflict(f"order {order.order_id} is being refunded by another worker")
        refund_id = payments.refund_payment(order)
    amount = int(order.total) - int(order.refunded_amount or 0)

    def record(tx: Transaction, current: Order) -> None:
        tx.put(
            "record",
            RefundRecord(
                current.order_id,
                "order",
                amount=amount,
                seat_ids=[str(s) for s in current.seat_ids],
                reason=f"the showtime was cancelled: {reason}",
                refunded_by="showtime-cancellation",
                method=current.paid_by or "stripe",
                refund_id=refund_id,
                created_at=clock.now(),
            ),
        )

    try:
        return orders.refund(
            order.order_id, refund_id, f"the showtime was cancelled: {reason}", also=record
        )
    except Conflict:
        logger.info("order moved while refunding it", extra={"order_id": order.order_id})
        return orders.load(order.order_id)


def _mark_done(showtime_id: str, order_id: str, outcome: str, amount: int) -> None:
    tx = Transaction()
    tx.put(
        "marker",
        CancelledOrder(showtime_id, order_id, outcome=outcome, amount=amount, done_at=clock.now()),
        condition=CancelledOrder.order_id.does_not_exist(),
    )
    actions: list[Action] = [Cancellation.orders_done.add(1)]
    if outcome == "refunded":
        actions.append(Cancellation.refunded.add(1))
    elif outcome == "cancelled":
        actions.append(Cancellation.cancelled_pending.add(1))
    tx.update(
        "record", Cancellation(showtime_id), actions, condition=Cancellation.showtime_id.exists()
    )
    try:
        tx.commit()
    except ConditionFailed as failed:
        if "marker" not in failed.labels:
            raise NotFound("No such cancellation.") from failed
