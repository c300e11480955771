"""Payment reconciler task: settle the payments whose outcome never reached us.

Stripe's webhook is how a payment normally settles, but a delivery can be lost (refused,
timed out, never retried). Every order that still waits for an outcome is in the sparse
pending index: a pending order, or an ended one that still owes a refund. Past a grace
period (its webhook has had time to arrive), each with a PaymentIntent is settled through
``settlement.settle_payment``, exactly as the webhook would: sold if its seats are still
free, otherwise expired and refunded, with an e-mail either way. A lost webhook delays a
ticket by minutes; it never loses one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.booking import orders, settlement
from chalicelib.booking.models import PENDING_KEY, Order
from chalicelib.booking.rules import Settle
from chalicelib.core.config import get_settings
from chalicelib.core.observability import RECONCILE_FAILURES, count_failure, logger

#: an order younger than this is left to its webhook
GRACE = timedelta(minutes=2)
#: outcomes that changed an order or moved money
SETTLED = {Settle.SELL, Settle.REFUND, Settle.REFUND_STRAY}


def reconcile_payments(now: datetime) -> int:
    """Settle every waiting order placed more than ``GRACE`` ago that has a PaymentIntent;
    returns how many were settled (sold, or expired and refunded)."""
    # the index is ordered by hold end = placed at + hold minutes
    placed_before = now - GRACE + timedelta(minutes=get_settings().hold_minutes)
    waiting = Order.pending_by_hold.query(
        PENDING_KEY, Order.hold_expires_at < int(placed_before.timestamp())
    )
    settled = 0
    for key in waiting:
        try:
            order = orders.find(key.order_id)
            if order is None or not order.payment_intent_id:
                continue  # nothing was asked of Stripe: the sweeper lets it lapse
            if settlement.settle_payment(order.payment_intent_id) in SETTLED:
                settled += 1
        except Exception:
            # one order (Stripe down for it, a conflict) must not stop the rest
            logger.exception("could not settle an order", extra={"order_id": key.order_id})
            count_failure(RECONCILE_FAILURES)
    return settled
