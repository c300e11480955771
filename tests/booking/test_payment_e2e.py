"""A real payment end to end: the order is placed over HTTP, paid in localstripe with a test
card, and localstripe's own signed webhook, delivered to the running API, marks it paid."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import requests

from local.stack import LocalStack
from tests.booking.support import make_showtime, pay_by_card, signed_event, user_token

pytestmark = pytest.mark.e2e


def wait_for_status(url: str, token: str, wanted: str, seconds: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        order = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
        if order["status"] == wanted or time.monotonic() > deadline:
            return dict(order)
        time.sleep(0.2)


def test_card_payment_through_localstripe_marks_the_order_paid(live_stack: LocalStack) -> None:
    base = live_stack.api_url
    show = make_showtime()
    _, token = user_token()
    auth = {"Authorization": f"Bearer {token}"}
    placed = requests.post(
        f"{base}/orders",
        json={"showtime_id": show.showtime_id, "seat_ids": ["E05", "E06"]},
        headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["order"]["order_id"]
    assert pay_by_card(placed.json()["payment"]["payment_intent_id"]) == "succeeded"

    order = wait_for_status(f"{base}/orders/{order_id}", token, "paid")
    assert order["status"] == "paid"
    seats = requests.get(f"{base}/showtimes/{show.showtime_id}/seats", timeout=10).json()
    statuses = {c["seat_id"]: c["status"] for r in seats["rows"] for c in r["cells"] if c}
    assert statuses["E05"] == statuses["E06"] == "sold"
    tickets = requests.get(f"{base}/orders/{order_id}/tickets", headers=auth, timeout=10).json()
    assert len(tickets) == 2


def test_forged_webhook_over_http_is_refused(live_stack: LocalStack) -> None:
    body, _ = signed_event("payment_intent.succeeded", {"id": "pi_forged", "metadata": {}})
    _, forged = signed_event("payment_intent.succeeded", {}, secret="whsec_not_ours")
    response = requests.post(
        f"{live_stack.api_url}/payments/stripe/webhook",
        data=body.encode(),
        headers={"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": forged},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
