"""The Stripe webhook as an attacker and a hostile load would use it: outside the anonymous
rate limit, signatures only within Stripe's tolerance, malformed events refused, and an
order marked paid only when Stripe itself says its PaymentIntent took its amount."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.booking.models import Order, Seat, StripeEvent, Ticket
from chalicelib.booking.rules import SeatStatus, Settle
from chalicelib.booking.settlement import settle_payment
from chalicelib.core import clock
from chalicelib.core.stripe_api import stripe_client
from tests.booking.support import (
    WEBHOOK,
    deliver,
    make_showtime,
    order_request,
    pay_by_card,
    refunded,
    sign,
    signed_event,
    succeeded_event,
    user_token,
    webhook_headers,
)


def placed_order(api: Any, seats: list[str]) -> tuple[str, str]:
    """A pending order over the API; (order id, PaymentIntent id)."""
    _, token = user_token()
    show = make_showtime()
    placed = order_request(api, token, show.showtime_id, seats)
    assert placed.status == 201, placed.text
    return placed.json["order"]["order_id"], placed.json["payment"]["payment_intent_id"]


def test_the_webhook_is_not_throttled_with_anonymous_callers(api: Any, settings_env: Any) -> None:
    """Finding 1: anonymous traffic from Stripe's IP used the webhook's budget; the 429 lost
    the payment (localstripe never retries)."""
    order_id, intent = placed_order(api, ["A01", "A02"])
    settings_env(RATE_LIMIT_ANONYMOUS_PER_MINUTE="3")
    for _ in range(3):
        api.get("/genres")
    assert api.get("/genres").status == 429  # the anonymous bucket of this IP is spent
    assert pay_by_card(intent) == "succeeded"
    for _ in range(5):  # and Stripe may send many events a minute
        other, signature = signed_event("payment_intent.payment_failed", {"id": intent})
        assert deliver(api, other, signature).status == 200
    assert deliver(api, *succeeded_event(intent, order_id)).status == 200
    assert Order.get(order_id).status == "paid"


@pytest.mark.parametrize("skew", [-3600, -301, 301, 3600])
def test_an_event_signed_outside_the_tolerance_is_refused(api: Any, skew: int) -> None:
    """Finding 4: an hour ago, or an hour ahead, was accepted."""
    order_id, intent = placed_order(api, ["B01", "B02"])
    assert pay_by_card(intent) == "succeeded"
    body, _ = succeeded_event(intent, order_id)
    refused = deliver(api, body, sign(body, signed_at=clock.epoch_seconds() + skew))
    assert refused.status == 400
    assert refused.header("Content-Type") == "application/problem+json"
    assert Order.get(order_id).status == "pending_payment"
    inside = deliver(api, body, sign(body, signed_at=clock.epoch_seconds() - 250))
    assert inside.status == 200 and Order.get(order_id).status == "paid"


def test_a_replayed_delivery_is_refused_once_its_signature_is_old(
    api: Any, frozen_clock: Any
) -> None:
    """Finding 4: a byte-for-byte resend 2019 s later was accepted (as a duplicate)."""
    order_id, intent = placed_order(api, ["C01", "C02"])
    assert pay_by_card(intent) == "succeeded"
    body, signature = succeeded_event(intent, order_id)
    assert deliver(api, body, signature).json == {"received": True, "duplicate": False}
    frozen_clock.advance(seconds=2019)
    assert deliver(api, body, signature).status == 400


def test_an_event_body_claiming_a_payment_marks_nothing_paid(api: Any) -> None:
    """Finding 5: a signed ``succeeded`` event with ``amount: 1`` and the order's intent id
    marked a 4500-cent order paid while the intent was unconfirmed."""
    order_id, intent = placed_order(api, ["D01", "D02"])
    body, signature = signed_event(
        "payment_intent.succeeded",
        {
            "id": intent,
            "object": "payment_intent",
            "amount": 1,
            "currency": "cny",
            "status": "succeeded",
            "metadata": {"order_id": order_id},
        },
    )
    assert deliver(api, body, signature).status == 200
    order = Order.get(order_id)
    assert order.status == "pending_payment" and order.pending_key == "pending"
    assert Seat.get(order.showtime_id, "D01").status == SeatStatus.HELD
    assert list(Ticket.query(order_id)) == []
    # the same event once the customer really paid: the body's numbers do not matter
    assert pay_by_card(intent) == "succeeded"
    again, signature = signed_event(
        "payment_intent.succeeded", {"id": intent, "amount": 1, "metadata": {}}
    )
    assert deliver(api, again, signature).status == 200
    assert Order.get(order_id).status == "paid"


def test_a_payment_that_does_not_match_its_order_is_refunded_not_accepted(api: Any) -> None:
    """Money Stripe took for an order, but not the order's own intent and amount: it pays
    nothing, so it goes back; the order is untouched."""
    order_id, _ = placed_order(api, ["E01", "E02"])
    stray = stripe_client().v1.payment_intents.create(
        params={"amount": 1, "currency": "cny", "metadata": {"order_id": order_id}}
    )
    assert pay_by_card(stray.id) == "succeeded"
    body, signature = signed_event("payment_intent.succeeded", {"id": stray.id})
    assert deliver(api, body, signature).status == 200
    assert Order.get(order_id).status == "pending_payment"
    assert refunded(stray.id) == 1
    # settled again (a redelivery, the reconciler): refunded once, still
    assert settle_payment(stray.id) == Settle.REFUND_STRAY
    assert refunded(stray.id) == 1


def test_an_event_for_an_intent_stripe_does_not_know_changes_nothing(api: Any) -> None:
    order_id, _ = placed_order(api, ["A05", "A06"])
    body, signature = signed_event(
        "payment_intent.succeeded", {"id": "pi_nosuch", "metadata": {"order_id": order_id}}
    )
    assert deliver(api, body, signature).status == 200
    assert Order.get(order_id).status == "pending_payment"


MALFORMED = [
    {"id": "evt_x", "type": "payment_intent.succeeded", "data": {"object": "a string"}},
    {"id": ["list"], "type": {"x": 1}, "data": None},
    {"id": "evt_x", "type": "payment_intent.succeeded", "data": {"object": {"id": 7}}},
    {"id": "evt_x", "type": "payment_intent.succeeded", "data": {"object": {}}},
    {"id": "evt_x", "type": "charge.refunded", "data": {"object": {"payment_intent": None}}},
    {"id": "evt x", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_1"}}},
    {"id": "evt_x", "type": "payment_intent.succeeded"},
    ["not", "an", "object"],
    "just a string",
]


@pytest.mark.parametrize("event", MALFORMED, ids=range(len(MALFORMED)))
def test_a_signed_but_malformed_event_is_a_400(api: Any, event: Any) -> None:
    """Finding 6: signed events of the wrong shape were 500s."""
    body = json.dumps(event)
    refused = deliver(api, body, sign(body))
    assert refused.status == 400, refused.text
    assert refused.header("Content-Type") == "application/problem+json"


def test_a_signed_deeply_nested_event_is_a_400(api: Any) -> None:
    body = '{"id": "evt_deep", "type": "x", "data": {"object": ' + "[" * 3000 + "]" * 3000 + "}}"
    assert deliver(api, body, sign(body)).status == 400
    assert StripeEvent.count() == 0


def test_a_signature_header_of_the_wrong_shape_is_a_400(api: Any) -> None:
    body, _ = signed_event("payment_intent.payment_failed", {"id": "pi_x"})
    for header in ("t=abc,v1=00", "v1=00", "t=1", "garbage", "t=1,t=2,v1=" + "0" * 64):
        refused = api.post(WEBHOOK, body=body, headers=webhook_headers(header))
        assert refused.status == 400, header
