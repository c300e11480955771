"""Settling payments: the one path from "Stripe has this PaymentIntent" to the order's end.

The webhook (``handle_stripe_event``), the payment reconciler and the expiry sweeper all
settle through ``settle_payment``: it asks Stripe for the intent (an event body is only a
pointer), the rules decide (``rules.settlement_for``), one transaction moves the order,
then the customer is told. Every step is conditional or keyed, so a redelivered event,
the reconciler and the sweeper may settle the same payment at once, or again after a
crash at any point, and the order still moves once, with one refund at most.
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib.booking import notices, orders, payments
from chalicelib.booking.models import Order, StripeEvent
from chalicelib.booking.rules import (
    IntentFacts,
    OrderStatus,
    Settle,
    payment_problem,
    settlement_for,
)
from chalicelib.booking.schemas import WebhookAck
from chalicelib.boxoffice import gate
from chalicelib.core import clock
from chalicelib.core.dynamo import get_or_none
from chalicelib.core.errors import Conflict
from chalicelib.core.observability import logger
from chalicelib.core.transactions import ConditionFailed, TransactionContended

#: how long a processed event id is remembered (Stripe retries for up to 3 days)
EVENT_MEMORY = timedelta(days=30)
#: how long one settlement's claim to refund an order lasts (a refund takes seconds)
REFUND_LEASE_SECONDS = 120


def handle_stripe_event(payload: bytes, signature: str | None) -> WebhookAck:
    """A signed Stripe event, once per event id (a replay is acknowledged, changes nothing).
    The id is recorded after the work, so an event whose handling crashed is redone."""
    event = payments.verified_event(payload, signature)
    if get_or_none(StripeEvent, event.id, consistent_read=True) is not None:
        return WebhookAck(duplicate=True)
    if event.type == "payment_intent.succeeded":
        settle_payment(payments.intent_of(event))
    elif event.type == "payment_intent.payment_failed":
        intent_id = payments.intent_of(event)
        logger.info("payment failed; the order stays pending", extra={"intent": intent_id})
    elif event.type == "charge.refunded":
        refunded_through_stripe(payments.charge_intent_of(event))
    now = clock.now()
    StripeEvent(event.id, type=event.type, processed_at=now, expires_at=now + EVENT_MEMORY).save()
    return WebhookAck(duplicate=False)


def settle_payment(payment_intent_id: str) -> str:
    """Bring the order of this PaymentIntent in line with what Stripe says about it; returns
    what was done (a ``Settle`` value). Money that pays no order is refunded."""
    intent = payments.retrieve_intent(payment_intent_id)
    if intent is None:
        logger.warning("no such payment intent", extra={"intent": payment_intent_id})
        return Settle.NOTHING
    order = _order_of(intent)
    if order is None:
        logger.warning("a payment intent of no order", extra={"intent": intent.intent_id})
        return Settle.NOTHING
    for _ in range(orders.ATTEMPTS):
        problem = payment_problem(order.payment_intent_id, int(order.total), order.currency, intent)
        action = settlement_for(order.status, intent.status, problem, bool(order.refund_id))
        if action == Settle.SELL:
            sold = _sell(order)
            if sold is None:
                return Settle.SELL
            order = sold  # it moved meanwhile (or its seats were taken): decide again
            continue
        if action == Settle.CONFIRM:
            notices.order_confirmed(order)  # its message id makes the mailer send it once
        elif action == Settle.REFUND and not _refund_late(order, intent):
            return Settle.NOTHING
        elif action == Settle.REFUND_STRAY:
            refund_id = payments.refund_intent(intent.intent_id)
            logger.error(
                "refunded a payment that pays no order",
                extra={
                    "intent": intent.intent_id,
                    "order_id": order.order_id,
                    "why": problem,
                    "refund": refund_id,
                },
            )
        return action
    raise Conflict("The order kept changing while its payment was settled; try again.")


def _order_of(intent: IntentFacts) -> Order | None:
    if intent.order_id:
        return orders.find(intent.order_id)
    return orders.by_payment_intent(intent.intent_id)


def _sell(order: Order) -> Order | None:
    """Pay the order: its seats sold to it with its tickets, in one transaction, then the
    confirmation. ``None`` when done; else the order as it now is (moved meanwhile, or
    expired because its lapsed seats were taken: then it owes a refund)."""
    try:
        orders.pay(order, clock.now())
    except (ConditionFailed, TransactionContended) as failed:
        if "order" in failed.labels:
            return orders.load(order.order_id)
        if gate.LABEL in failed.labels:
            ending, reason = OrderStatus.CANCELLED, "the showtime was cancelled; refunded"
        else:
            taken = sorted(label.split(":", 1)[1] for label in failed.labels if ":" in label)
            reason = f"seats {', '.join(taken)} were taken after the hold expired; refunded"
            ending = OrderStatus.EXPIRED
        try:
            return orders.end_pending(order.order_id, ending, reason, refund_owed=True)
        except Conflict:
            return orders.load(order.order_id)
    notices.order_confirmed(orders.load(order.order_id))
    return None


def _refund_late(order: Order, intent: IntentFacts) -> bool:
    """The order ended without this payment: refund it, record it, tell the customer.
    ``False`` when another settlement holds the claim to do so."""
    if not orders.claim_refund(order, clock.epoch_seconds(), REFUND_LEASE_SECONDS):
        return False
    reason = order.status_reason or f"payment arrived after the order was {order.status}"
    refund_id = payments.refund_intent(intent.intent_id)
    if orders.record_refund(order, refund_id, reason):
        notices.late_payment_refunded(order, reason)
    return True


def refunded_through_stripe(payment_intent_id: str) -> None:
    """A refund made outside this API (the Stripe dashboard): the paid order follows, once
    Stripe confirms the whole amount went back (a signed event is not proof enough)."""
    order = orders.by_payment_intent(payment_intent_id)
    if order is None or order.status != OrderStatus.PAID:
        return
    refunded = payments.refunded_amount(payment_intent_id)
    if refunded < int(order.total):
        logger.warning(
            "charge.refunded, but Stripe has not refunded the order in full",
            extra={"order_id": order.order_id, "refunded": refunded},
        )
        return
    orders.refund(order.order_id, refund_id=None, reason="refunded through Stripe")
