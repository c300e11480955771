"""Stripe: PaymentIntents for orders, refunds, and the signed webhook that moves orders on.

The webhook is the only way an order becomes paid. It is idempotent per event id (a
processed id is recorded), and every transition it makes is itself conditional, so two
deliveries of one event racing each other still change the order once.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.booking import notices, orders
from chalicelib.booking.models import Order, StripeEvent
from chalicelib.booking.rules import OrderStatus
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.errors import BadRequest, Conflict, NotFound, ServiceUnavailable
from chalicelib.core.observability import logger
from chalicelib.core.stripe_api import stripe_client
from chalicelib.core.transactions import ConditionFailed, TransactionContended

#: how long a processed event id is remembered (Stripe retries for up to 3 days)
EVENT_MEMORY = timedelta(days=30)
#: PaymentIntent states in which money may still move: cancelling is refused then
IN_FLIGHT = {"processing", "requires_capture", "succeeded"}


def create_payment_intent(order: Order) -> dict[str, str]:
    """One PaymentIntent per order: the order id is the idempotency key, so a retried
    request gets the same intent from Stripe instead of a second one."""
    import stripe

    try:
        intent = stripe_client().v1.payment_intents.create(
            params={
                "amount": int(order.total),
                "currency": order.currency,
                "metadata": {"order_id": order.order_id, "order_number": order.number},
            },
            options={"idempotency_key": order.order_id},
        )
    except stripe.StripeError as exc:
        logger.exception("payment intent not created", extra={"order_id": order.order_id})
        raise ServiceUnavailable("The payment provider is not reachable; try again.") from exc
    return {"client_secret": intent.client_secret, "payment_intent_id": intent.id}


def cancel_payment_intent(payment_intent_id: str) -> bool:
    """Cancel so a late confirmation cannot take money. ``False`` when money is already
    moving (then the webhook decides what happens to the order)."""
    import stripe

    client = stripe_client()
    try:
        intent = client.v1.payment_intents.retrieve(payment_intent_id)
        if intent.status in IN_FLIGHT:
            return False
        if intent.status == "canceled":
            return True
        try:
            client.v1.payment_intents.cancel(payment_intent_id)
        except stripe.InvalidRequestError:
            # it moved on between the two calls: ask again what it is now
            return client.v1.payment_intents.retrieve(payment_intent_id).status == "canceled"
    except stripe.StripeError as exc:
        logger.exception("payment intent not cancelled", extra={"intent": payment_intent_id})
        raise ServiceUnavailable("The payment provider is not reachable; try again.") from exc
    return True


def refund_payment(order: Order) -> str:
    """Refund the whole payment; keyed by order so a retry never refunds twice."""
    import stripe

    if not order.payment_intent_id:
        raise Conflict("This order has no payment to refund.")
    try:
        refund = stripe_client().v1.refunds.create(
            params={"payment_intent": order.payment_intent_id},
            options={"idempotency_key": f"refund-{order.order_id}"},
        )
    except stripe.StripeError as exc:
        logger.exception("refund failed", extra={"order_id": order.order_id})
        raise ServiceUnavailable("The refund could not be made now; try again.") from exc
    return str(refund.id)


# --- webhook -----------------------------------------------------------------------------


def verified_event(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event, if ``Stripe-Signature`` proves Stripe sent exactly these bytes; else 400."""
    import stripe

    if not signature:
        raise BadRequest("Missing Stripe-Signature header.")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, get_settings().require("stripe_webhook_secret")
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("The webhook signature is not valid.") from exc
    if not isinstance(event, dict) or "id" not in event or "type" not in event:
        raise BadRequest("The webhook payload is not a Stripe event.")
    return event


def handle_webhook(payload: bytes, signature: str | None) -> dict[str, Any]:
    event = verified_event(payload, signature)
    event_id = str(event["id"])
    try:
        StripeEvent.get(event_id, consistent_read=True)
        return {"received": True, "duplicate": True}
    except StripeEvent.DoesNotExist:
        pass
    obj = (event.get("data") or {}).get("object") or {}
    kind = event["type"]
    if kind == "payment_intent.succeeded":
        payment_succeeded(obj)
    elif kind == "payment_intent.payment_failed":
        logger.info("payment failed; the order stays pending", extra={"intent": obj.get("id")})
    elif kind == "charge.refunded":
        charge_refunded(obj)
    now = clock.now()
    StripeEvent(event_id, type=kind, processed_at=now, expires_at=now + EVENT_MEMORY).save()
    return {"received": True, "duplicate": False}


def _order_of_intent(intent: dict[str, Any]) -> Order | None:
    order_id = (intent.get("metadata") or {}).get("order_id")
    if order_id:
        try:
            return orders.load(order_id)
        except NotFound:
            logger.warning("payment for an unknown order", extra={"order_id": order_id})
            return None
    return _order_by_intent_id(str(intent.get("id") or ""))


def _order_by_intent_id(payment_intent_id: str) -> Order | None:
    if not payment_intent_id:
        return None
    for key in Order.by_payment_intent.query(payment_intent_id, limit=1):
        return orders.load(key.order_id)
    return None


def payment_succeeded(intent: dict[str, Any]) -> None:
    """Paid: the order's seats are sold to it with its tickets, in one transaction. A
    payment for an order that can no longer be fulfilled is refunded and the user told."""
    order = _order_of_intent(intent)
    if order is None:
        return
    for _ in range(orders.ATTEMPTS):
        if order.status != OrderStatus.PENDING_PAYMENT:
            if order.status == OrderStatus.PAID:
                # a redelivery after a failure past the payment: the e-mail may be missing
                # (its message id makes the mailer send it once)
                notices.order_confirmed(order)
            if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
                _refund_late_payment(order, f"payment arrived after the order was {order.status}")
            return
        try:
            orders.pay(order, clock.now())
        except (ConditionFailed, TransactionContended) as failed:
            if "order" in failed.labels:
                order = orders.load(order.order_id)  # it moved meanwhile: decide again
                continue
            taken = sorted(label.split(":", 1)[1] for label in failed.labels if ":" in label)
            reason = f"seats {', '.join(taken)} were taken after the hold expired; refunded"
            order = orders.end_pending(order.order_id, OrderStatus.EXPIRED, reason)
            _refund_late_payment(order, reason)
            return
        notices.order_confirmed(orders.load(order.order_id))
        return


def _refund_late_payment(order: Order, reason: str) -> None:
    if order.refund_id:
        return
    refund_id = refund_payment(order)
    try:
        order.update(
            actions=[Order.refund_id.set(refund_id), Order.status_reason.set(reason)],
            condition=Order.refund_id.does_not_exist(),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return  # a concurrent delivery recorded the (same, idempotent) refund and told them
        raise
    notices.late_payment_refunded(order, reason)


def charge_refunded(charge: dict[str, Any]) -> None:
    """A refund made outside this API (the Stripe dashboard): the paid order follows."""
    order = _order_by_intent_id(str(charge.get("payment_intent") or ""))
    if order is None or order.status != OrderStatus.PAID:
        return
    orders.refund(order.order_id, refund_id=None, reason="refunded through Stripe")
