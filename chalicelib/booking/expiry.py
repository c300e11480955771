"""Sweeper task: end pending orders whose hold has passed.

Only tidying: a lapsed hold is already a free seat for everyone else (conditions compare
with now). This frees the seat items, returns coupons and cancels the PaymentIntents so a
late confirmation cannot take money for seats the order no longer has. An intent that can
no longer be cancelled (money moved) is settled as the webhook would settle it.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.booking import orders, payments, settlement
from chalicelib.booking.models import PENDING_KEY, Order
from chalicelib.booking.rules import OrderStatus
from chalicelib.core.errors import AppError
from chalicelib.core.observability import SWEEP_FAILURES, count_failure, logger

REASON = "the seat hold expired before payment"


def expire_pending_orders(now: datetime) -> int:
    """Expire every pending order whose hold ended before ``now``; returns how many."""
    expired = 0
    lapsed = Order.pending_by_hold.query(PENDING_KEY, Order.hold_expires_at < int(now.timestamp()))
    for key in lapsed:
        try:
            order = orders.load(key.order_id)
            if order.status != OrderStatus.PENDING_PAYMENT or order.hold_expires_at >= int(
                now.timestamp()
            ):
                continue
            if order.payment_intent_id and not payments.cancel_payment_intent(
                order.payment_intent_id
            ):
                # money is moving: settle it now if it arrived, else on a later run
                settlement.settle_payment(order.payment_intent_id)
                continue
            orders.end_pending(order.order_id, OrderStatus.EXPIRED, REASON)
            expired += 1
        except AppError:
            logger.info("order changed while expiring it", extra={"order_id": key.order_id})
        except Exception:
            # one bad order (Stripe down, an unknown intent) must not stop the rest
            logger.exception("could not expire an order", extra={"order_id": key.order_id})
            count_failure(SWEEP_FAILURES)
    return expired
