"""The Stripe secret is deployed empty and filled in by an operator: until then (or when it
is missing altogether) everything that needs Stripe is a 503 problem that says so, never a
500; once filled in, it works without a redeploy."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.booking.models import Order
from infrastructure.components.secrets import STRIPE_FIELDS
from local.env import LOCAL_SECRETS
from tests.booking.support import make_showtime, signed_event, user_token, webhook_headers

WEBHOOK = "/payments/stripe/webhook"
NOT_CONFIGURED = "urn:marquee:problem:payments-not-configured"


def _deliver(api: Any) -> Any:
    body, signature = signed_event("payment_intent.payment_failed", {"id": "pi_x"}, "whsec_x")
    return api.post(WEBHOOK, body=body, headers=webhook_headers(signature))


def _order(api: Any, token: str, showtime_id: str, key: str) -> Any:
    return api.as_user(token).post(
        "/orders",
        json={"showtime_id": showtime_id, "seat_ids": ["A01"]},
        headers={"Idempotency-Key": key},
    )


def _assert_not_configured(result: Any) -> None:
    assert result.status == 503, result.text
    assert result.header("Content-Type").startswith("application/problem+json")
    assert result.json["type"] == NOT_CONFIGURED
    assert "not configured" in result.json["detail"]
    assert result.header("Retry-After")


def test_the_deployed_empty_stripe_secret_is_a_503_until_an_operator_fills_it(
    api: Any, own_secrets: Any
) -> None:
    own_secrets.create("stripe_secret_id", dict.fromkeys(STRIPE_FIELDS, ""))  # as deployed
    _assert_not_configured(_deliver(api))

    user_id, token = user_token()
    show = make_showtime()
    key = uuid.uuid4().hex
    _assert_not_configured(_order(api, token, show.showtime_id, key))
    # no payment was started; the hold stays (and lapses unpaid) so a retry can resume it
    [order] = [o for o in Order.scan() if o.user_id == user_id]
    assert order.status == "pending_payment" and not order.payment_intent_id

    own_secrets.put("stripe_secret_id", LOCAL_SECRETS["stripe_secret_id"][1])
    own_secrets.forget()  # the secret's max age has passed: every container sees the keys
    resumed = _order(api, token, show.showtime_id, key)
    assert resumed.status == 201, resumed.text
    assert resumed.json["order"]["order_id"] == order.order_id
    assert resumed.json["payment"]["payment_intent_id"]
    assert _deliver(api).status == 400  # now verified, and this signature is wrong


def test_a_half_filled_or_missing_stripe_secret_is_a_503(api: Any, own_secrets: Any) -> None:
    own_secrets.create("stripe_secret_id", {"stripe_api_key": "sk_test_x"})
    _assert_not_configured(_deliver(api))
    own_secrets.set("STRIPE_SECRET_ID", "marquee/test/no-such-secret")
    _assert_not_configured(_deliver(api))
    own_secrets.set("STRIPE_SECRET_ID", "")
    _assert_not_configured(_deliver(api))
