"""Stripe, the adapter: PaymentIntents for orders, refunds, and reading a signed webhook.

Nothing here decides what happens to an order (``settlement`` does). What Stripe says about
a PaymentIntent is always asked of Stripe: an event body only points at the intent.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints, ValidationError

from chalicelib.booking.models import Order
from chalicelib.booking.rules import IntentFacts, signature_time_problem
from chalicelib.booking.schemas import PaymentOut
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, ServiceUnavailable
from chalicelib.core.observability import logger
from chalicelib.core.secrets import stripe_webhook_secret
from chalicelib.core.stripe_api import stripe_client

#: PaymentIntent states in which money may still move: cancelling is refused then
IN_FLIGHT = {"processing", "requires_capture", "succeeded"}
#: Stripe's own webhook tolerance (``stripe.Webhook.DEFAULT_TOLERANCE``), both ways
SIGNATURE_TOLERANCE_SECONDS = 300
#: refunds that gave (or are giving) the money back
LIVE_REFUNDS = {"succeeded", "pending", "requires_action"}

StripeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{1,255}$")]


def create_payment_intent(order: Order) -> PaymentOut:
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
    return PaymentOut(client_secret=intent.client_secret, payment_intent_id=intent.id)


def payment_details(payment_intent_id: str) -> PaymentOut:
    """What the client needs to pay an existing intent (a retried ``POST /orders``)."""
    import stripe

    try:
        intent = stripe_client().v1.payment_intents.retrieve(payment_intent_id)
    except stripe.StripeError as exc:
        logger.exception("payment intent not read", extra={"intent": payment_intent_id})
        raise ServiceUnavailable("The payment provider is not reachable; try again.") from exc
    return PaymentOut(client_secret=intent.client_secret, payment_intent_id=intent.id)


def retrieve_intent(payment_intent_id: str) -> IntentFacts | None:
    """The intent as Stripe has it; ``None`` when Stripe knows no such intent."""
    import stripe

    try:
        intent = stripe_client().v1.payment_intents.retrieve(payment_intent_id)
    except stripe.InvalidRequestError as exc:
        if exc.http_status == 404:
            return None
        logger.exception("payment intent not read", extra={"intent": payment_intent_id})
        raise ServiceUnavailable("The payment provider could not be asked; try again.") from exc
    except stripe.StripeError as exc:
        logger.exception("payment intent not read", extra={"intent": payment_intent_id})
        raise ServiceUnavailable("The payment provider is not reachable; try again.") from exc
    metadata = intent.metadata or {}
    return IntentFacts(
        intent_id=str(intent.id),
        status=str(intent.status),
        amount=int(intent.amount),
        currency=str(intent.currency),
        order_id=str(metadata["order_id"]) if "order_id" in metadata else None,
    )


def cancel_payment_intent(payment_intent_id: str) -> bool:
    """Cancel so a late confirmation cannot take money. ``False`` when money is already
    moving (then settling the payment decides what happens to the order)."""
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


def refund_intent(payment_intent_id: str, amount: int | None = None) -> str:
    """Refund the whole payment (``amount``: what is left of it after single tickets were
    refunded), once: a refund Stripe already has for the intent is answered again (a retry
    after a crash, a redelivered event), and the create call is keyed by the intent for the
    race in between."""
    import stripe

    client = stripe_client()
    try:
        existing = client.v1.refunds.list(params={"payment_intent": payment_intent_id})
        for refund in existing.data:
            # a keyed refund (``refund_part``) paid back a part: the rest is still owed
            if refund.status in LIVE_REFUNDS and "refund_key" not in _metadata(refund):
                return str(refund.id)
        params: dict[str, Any] = {"payment_intent": payment_intent_id}
        if amount is not None:
            params["amount"] = amount
        created = client.v1.refunds.create(
            params=params,
            options={"idempotency_key": f"refund-{payment_intent_id}"},
        )
    except stripe.StripeError as exc:
        logger.exception("refund failed", extra={"intent": payment_intent_id})
        raise ServiceUnavailable("The refund could not be made now; try again.") from exc
    return str(created.id)


def _metadata(stripe_object: Any) -> dict[str, Any]:
    """A Stripe object's metadata as a plain dict (a StripeObject has no ``get``)."""
    metadata = stripe_object.metadata
    return dict(metadata.to_dict()) if metadata else {}


def refund_payment(order: Order) -> str:
    if not order.payment_intent_id:
        raise Conflict("This order has no payment to refund.")
    return refund_intent(
        order.payment_intent_id, int(order.total) - int(order.refunded_amount or 0)
    )


def refunded_amount(payment_intent_id: str) -> int:
    """How much of the intent Stripe has given back (``charge.refunded`` is checked here)."""
    import stripe

    try:
        refunds = stripe_client().v1.refunds.list(params={"payment_intent": payment_intent_id})
    except stripe.StripeError as exc:
        logger.exception("refunds not read", extra={"intent": payment_intent_id})
        raise ServiceUnavailable("The payment provider is not reachable; try again.") from exc
    return sum(int(r.amount) for r in refunds.data if r.status in LIVE_REFUNDS)


# --- webhook -----------------------------------------------------------------------------


class EventData(BaseModel):
    object: dict[str, Any]


class WebhookEvent(BaseModel):
    """The envelope of a Stripe event; what the object must hold depends on the type."""

    id: StripeId
    type: str = Field(min_length=1, max_length=100)
    data: EventData


class IntentObject(BaseModel):
    """``payment_intent.*`` events: which intent (the rest is asked of Stripe)."""

    id: StripeId


class ChargeObject(BaseModel):
    """``charge.*`` events: the intent the charge belongs to."""

    payment_intent: StripeId


_SIGNED_AT = re.compile(r"(?:^|,)\s*t=(\d{1,12})(?:,|$)")


def verified_event(payload: bytes, signature: str | None) -> WebhookEvent:
    """The event, if ``Stripe-Signature`` proves Stripe signed exactly these bytes within
    the tolerance of now, and the body has an event's shape; 400 otherwise.

    The signature check is ``construct_event``'s own (``verify_header``, with Stripe's
    tolerance on the wall clock); the tolerance is checked again on our clock and both ways
    (stripe-python accepts any future stamp). The shape is pydantic's: ``construct_event``
    would build an object from any JSON and fail on one that is not an object."""
    import stripe

    secret = stripe_webhook_secret()  # 503 until an operator has set it: Stripe retries
    if not signature:
        raise BadRequest("Missing Stripe-Signature header.")
    try:
        stripe.WebhookSignature.verify_header(
            payload,
            signature,
            secret,
            tolerance=SIGNATURE_TOLERANCE_SECONDS,
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
        raise BadRequest("The webhook signature is not valid.") from exc
    signed_at = _SIGNED_AT.search(signature)
    problem = (
        signature_time_problem(
            int(signed_at.group(1)), clock.epoch_seconds(), SIGNATURE_TOLERANCE_SECONDS
        )
        if signed_at
        else "the signature carries no time"
    )
    if problem:
        raise BadRequest(f"The webhook is refused: {problem}.")
    try:
        return WebhookEvent.model_validate_json(payload)
    except ValidationError as exc:
        raise BadRequest("The webhook payload is not a Stripe event.") from exc


def intent_of(event: WebhookEvent) -> str:
    """The PaymentIntent a ``payment_intent.*`` event is about; 400 if it names none."""
    try:
        return IntentObject.model_validate(event.data.object).id
    except ValidationError as exc:
        raise BadRequest("The event does not name a PaymentIntent.") from exc


def charge_intent_of(event: WebhookEvent) -> str:
    """The PaymentIntent of a ``charge.*`` event's charge; 400 if it names none."""
    try:
        return ChargeObject.model_validate(event.data.object).payment_intent
    except ValidationError as exc:
        raise BadRequest("The event's charge names no PaymentIntent.") from exc


def refund_part(payment_intent_id: str, amount: int, key: str) -> str:
    """Refund ``amount`` of the payment, once per ``key``: a refund Stripe already has with
    this key in its metadata is answered again (a retry after a crash), and the create
    call carries the key for the race in between."""
    import stripe

    client = stripe_client()
    try:
        existing = client.v1.refunds.list(params={"payment_intent": payment_intent_id})
        for refund in existing.data:
            if _metadata(refund).get("refund_key") == key and refund.status in LIVE_REFUNDS:
                return str(refund.id)
        created = client.v1.refunds.create(
            params={
                "payment_intent": payment_intent_id,
                "amount": amount,
                "metadata": {"refund_key": key},
            },
            options={"idempotency_key": f"refund-{payment_intent_id}-{key}"},
        )
    except stripe.StripeError as exc:
        logger.exception("refund failed", extra={"intent": payment_intent_id})
        raise ServiceUnavailable("The refund could not be made now; try again.") from exc
    return str(created.id)


def payment_history(payment_intent_id: str) -> list[dict[str, Any]]:
    """The payment and its refunds as Stripe records them (``at``, ``kind``, ``amount``,
    ``reference``), for staff reading an order."""
    import stripe

    client = stripe_client()
    try:
        intent = client.v1.payment_intents.retrieve(payment_intent_id)
        refunds = client.v1.refunds.list(params={"payment_intent": payment_intent_id})
    except stripe.StripeError as exc:
        logger.exception("payment history not read", extra={"intent": payment_intent_id})
        raise ServiceUnavailable("The payment provider is not reachable; try again.") from exc
    events: list[dict[str, Any]] = []
    if intent.status == "succeeded":
        events.append(
            {
                "at": _stripe_time(intent.created),
                "kind": "paid",
                "amount": int(intent.amount),
                "reference": str(intent.id),
            }
        )
    for refund in refunds.data:
        events.append(
            {
                "at": _stripe_time(refund.created),
                "kind": "refund",
                "amount": int(refund.amount),
                "detail": refund.status,
                "reference": str(refund.id),
            }
        )
    return events


def _stripe_time(epoch: int) -> str:
    return clock.isoformat(datetime.fromtimestamp(int(epoch), tz=UTC))
