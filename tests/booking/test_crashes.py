"""Crash tests: the order and payment paths stopped at each step boundary, then recovered by
what production has (a client's retry, Stripe's redelivery, the sweeper, the reconciler).
Afterwards no seat is sold twice, no money is kept without tickets, no coupon is used twice.

Boundaries: after the hold, after the PaymentIntent, after payment before the webhook,
during the webhook after the sale before the e-mail (and after expiring a late payment's
order, before its refund).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.booking import notices, orders, payments, settlement
from chalicelib.booking.expiry import expire_pending_orders
from chalicelib.booking.models import Order, Seat, UserCoupon
from chalicelib.booking.reconcile import GRACE, reconcile_payments
from chalicelib.booking.rules import SeatStatus
from chalicelib.booking.service import idempotent_order_id
from chalicelib.booking.settlement import REFUND_LEASE_SECONDS
from chalicelib.core import clock
from chalicelib.core.stripe_api import stripe_client
from functions import reconciler
from local.pumps import LambdaContext
from tests.booking.recovery import (
    SimulatedCrash,
    assert_books_balance,
    crash_once,
    queued_message_ids,
    record_intents,
)
from tests.booking.support import (
    deliver,
    intent_status,
    issue_coupon,
    make_showtime,
    order_request,
    pay_by_card,
    refunded,
    succeeded_event,
    user_token,
)
from tests.support.http import ApiClient

#: the API as one Lambda with a 1 s timeout: a crashed request's idempotency record
#: ("in progress") lapses after a second, as it does after the function's timeout on AWS
LAMBDA_TIMEOUT = 1


@pytest.fixture
def intents(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return record_intents(monkeypatch)


@pytest.fixture
def short_lived(app: Any) -> ApiClient:
    return ApiClient(app, lambda_timeout=LAMBDA_TIMEOUT)


def after_the_invocation_lapsed() -> None:
    time.sleep(LAMBDA_TIMEOUT + 0.2)


@dataclass
class Attempt:
    """A customer's ``POST /orders`` with a coupon, sent (and resent) with one key."""

    api: ApiClient
    user_id: str
    token: str
    showtime_id: str
    coupon_id: str
    seats: list[str]
    key: str = "k1"

    def send(self) -> Any:
        return order_request(
            self.api, self.token, self.showtime_id, self.seats, self.key, coupon_id=self.coupon_id
        )

    @property
    def order_id(self) -> str:
        return idempotent_order_id(f"{self.user_id}:{self.key}")


def attempt(api: ApiClient, seats: list[str]) -> Attempt:
    user_id, token = user_token()
    show = make_showtime()
    return Attempt(api, user_id, token, show.showtime_id, issue_coupon([user_id]), seats)


def pay_and_deliver(api: Any, order_id: str, payment: dict[str, str]) -> None:
    """The customer pays with a card; Stripe's webhook arrives."""
    assert pay_by_card(payment["payment_intent_id"]) == "succeeded"
    body, signature = succeeded_event(payment["payment_intent_id"], order_id)
    assert deliver(api, body, signature).status == 200


def test_crash_after_the_hold_a_retry_resumes_the_same_order(
    short_lived: ApiClient, intents: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = attempt(short_lived, ["A01", "A02"])
    crash_once(monkeypatch, payments, "create_payment_intent")
    with pytest.raises(SimulatedCrash):
        ann.send()
    assert Order.get(ann.order_id).payment_intent_id is None  # held, nothing asked of Stripe
    after_the_invocation_lapsed()
    resumed = ann.send()
    assert resumed.status == 201, resumed.text
    assert resumed.json["order"]["order_id"] == ann.order_id
    payment = resumed.json["payment"]
    assert Order.get(ann.order_id).payment_intent_id == payment["payment_intent_id"]
    assert ann.send().json["payment"] == payment

    pay_and_deliver(short_lived, ann.order_id, payment)
    assert Order.get(ann.order_id).status == "paid"
    assert UserCoupon.get(ann.user_id, ann.coupon_id).order_id == ann.order_id
    assert_books_balance(intents)


def test_crash_after_the_hold_without_a_retry_lapses_and_the_sweeper_tidies_up(
    short_lived: ApiClient, intents: list[str], monkeypatch: pytest.MonkeyPatch, frozen_clock: Any
) -> None:
    ann = attempt(short_lived, ["B01", "B02"])
    crash_once(monkeypatch, payments, "create_payment_intent")
    with pytest.raises(SimulatedCrash):
        ann.send()
    frozen_clock.advance(minutes=10, seconds=1)
    assert reconcile_payments(clock.now()) == 0  # nothing was asked of Stripe
    assert expire_pending_orders(clock.now()) == 1
    assert Order.get(ann.order_id).status == "expired"
    assert Seat.get(ann.showtime_id, "B01").status == SeatStatus.AVAILABLE
    assert UserCoupon.get(ann.user_id, ann.coupon_id).status == "unused"
    assert_books_balance(intents)


@pytest.mark.parametrize("failure", [SimulatedCrash, RuntimeError])
def test_after_the_payment_intent_a_retry_answers_the_same_order_and_its_secret(
    short_lived: ApiClient,
    intents: list[str],
    monkeypatch: pytest.MonkeyPatch,
    failure: type[BaseException],
) -> None:
    """Finding 9: recording the intent on the order failed (an error, or the process died)
    after Stripe created it; the retry answered 409 naming the client's own seats."""
    ann = attempt(short_lived, ["C01", "C02"])
    original = orders.record_payment_intent
    failed: list[str] = []

    def failing(order: Order, payment_intent_id: str) -> Order:
        if not failed:
            failed.append(payment_intent_id)
            raise failure("DynamoDB went away")
        return original(order, payment_intent_id)

    monkeypatch.setattr(orders, "record_payment_intent", failing)
    if failure is SimulatedCrash:
        with pytest.raises(SimulatedCrash):
            ann.send()
        after_the_invocation_lapsed()
    else:
        assert ann.send().status == 500
    retried = ann.send()
    assert retried.status == 201, retried.text
    assert retried.json["order"]["order_id"] == ann.order_id
    payment = retried.json["payment"]
    assert payment["client_secret"].startswith(payment["payment_intent_id"])
    assert Order.get(ann.order_id).payment_intent_id == payment["payment_intent_id"]
    assert ann.send().json["payment"] == payment

    pay_and_deliver(short_lived, ann.order_id, payment)
    assert Order.get(ann.order_id).status == "paid"
    # the intent of the failed attempt was never handed out, so it cannot take money
    # (Stripe answers the same intent to the retry: its idempotency key is the order id)
    if failed[0] != payment["payment_intent_id"]:
        assert intent_status(failed[0]) == "requires_payment_method"
    assert_books_balance(intents)


def test_a_lost_webhook_is_settled_by_the_reconciler_within_minutes(
    api: Any, intents: list[str], frozen_clock: Any
) -> None:
    user_id, token = user_token()
    show = make_showtime()
    coupon_id = issue_coupon([user_id])
    placed = order_request(api, token, show.showtime_id, ["D01", "D02"], coupon_id=coupon_id).json
    order_id, intent = placed["order"]["order_id"], placed["payment"]["payment_intent_id"]
    assert pay_by_card(intent) == "succeeded"  # and the webhook never arrives
    assert reconcile_payments(clock.now()) == 0  # within the grace period: left to the webhook
    frozen_clock.advance(seconds=GRACE.total_seconds() + 1)
    result = reconciler.handler({"detail-type": "Scheduled Event"}, LambdaContext("reconciler"))
    assert result == {"settled": 1}
    assert Order.get(order_id).status == "paid"
    assert queued_message_ids("order_confirmation") == [f"order_confirmation-{order_id}"]
    assert reconcile_payments(clock.now()) == 0  # settled: no longer waiting
    # the webhook arriving after all changes nothing
    assert deliver(api, *succeeded_event(intent, order_id)).status == 200
    assert Order.get(order_id).status == "paid" and refunded(intent) == 0
    assert_books_balance(intents)


def test_a_lost_webhook_after_the_hold_with_the_seats_taken_is_refunded_and_told(
    api: Any, intents: list[str], frozen_clock: Any
) -> None:
    _, ann = user_token()
    _, bob = user_token()
    show = make_showtime()
    placed = order_request(api, ann, show.showtime_id, ["E01", "E02"]).json
    order_id, intent = placed["order"]["order_id"], placed["payment"]["payment_intent_id"]
    assert pay_by_card(intent) == "succeeded"
    frozen_clock.advance(minutes=11)
    bobs = order_request(api, bob, show.showtime_id, ["E01", "E02"])
    assert bobs.status == 201
    assert reconcile_payments(clock.now()) == 1
    order = Order.get(order_id)
    assert order.status == "expired" and "E02" in (order.status_reason or "")
    assert order.refund_id and order.pending_key is None
    assert refunded(intent) == int(order.total)
    assert Seat.get(show.showtime_id, "E02").order_id == bobs.json["order"]["order_id"]
    assert queued_message_ids("late_payment_refund") == [f"late_payment_refund-{order_id}"]
    assert_books_balance(intents)


def test_the_sweeper_settles_a_paid_order_it_used_to_skip_forever(
    api: Any, intents: list[str], frozen_clock: Any
) -> None:
    _, token = user_token()
    show = make_showtime()
    placed = order_request(api, token, show.showtime_id, ["A07", "A08"]).json
    order_id, intent = placed["order"]["order_id"], placed["payment"]["payment_intent_id"]
    assert pay_by_card(intent) == "succeeded"
    frozen_clock.advance(minutes=35)
    expire_pending_orders(clock.now())
    assert Order.get(order_id).status == "paid"  # its seats were still free: sold
    assert Seat.get(show.showtime_id, "A07").status == SeatStatus.SOLD
    assert_books_balance(intents)


def test_crash_after_the_sale_before_the_email_redelivery_sends_it(
    api: Any, intents: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id, token = user_token()
    show = make_showtime()
    coupon_id = issue_coupon([user_id])
    placed = order_request(api, token, show.showtime_id, ["B05", "B06"], coupon_id=coupon_id).json
    order_id, intent = placed["order"]["order_id"], placed["payment"]["payment_intent_id"]
    assert pay_by_card(intent) == "succeeded"
    crash_once(monkeypatch, notices, "order_confirmed")
    body, signature = succeeded_event(intent, order_id)
    with pytest.raises(SimulatedCrash):
        deliver(api, body, signature)
    assert Order.get(order_id).status == "paid"
    assert queued_message_ids("order_confirmation") == []
    # Stripe redelivers what got no 2xx; the event was not recorded, so it is handled again
    assert deliver(api, body, signature).json == {"received": True, "duplicate": False}
    assert deliver(api, body, signature).json == {"received": True, "duplicate": True}
    assert set(queued_message_ids("order_confirmation")) == {f"order_confirmation-{order_id}"}
    assert_books_balance(intents)


def test_crash_after_expiring_a_late_payment_before_its_refund_the_reconciler_refunds(
    api: Any, intents: list[str], monkeypatch: pytest.MonkeyPatch, frozen_clock: Any
) -> None:
    ann_id, ann = user_token()
    _, bob = user_token()
    show = make_showtime()
    coupon_id = issue_coupon([ann_id])
    placed = order_request(api, ann, show.showtime_id, ["C05", "C06"], coupon_id=coupon_id).json
    order_id, intent = placed["order"]["order_id"], placed["payment"]["payment_intent_id"]
    frozen_clock.advance(minutes=11)
    assert order_request(api, bob, show.showtime_id, ["C05", "C06"]).status == 201
    assert pay_by_card(intent) == "succeeded"
    crash_once(monkeypatch, payments, "refund_intent")
    with pytest.raises(SimulatedCrash):
        deliver(api, *succeeded_event(intent, order_id))
    order = Order.get(order_id)
    assert order.status == "expired" and order.refund_id is None
    assert order.pending_key == "pending"  # still waiting: the refund is owed
    assert UserCoupon.get(ann_id, coupon_id).status == "unused"
    assert reconcile_payments(clock.now()) == 0  # the crashed settlement's claim still holds
    frozen_clock.advance(seconds=REFUND_LEASE_SECONDS + 1)
    assert reconcile_payments(clock.now()) == 1
    assert Order.get(order_id).refund_id and refunded(intent) == int(order.total)
    assert queued_message_ids("late_payment_refund") == [f"late_payment_refund-{order_id}"]
    assert reconcile_payments(clock.now()) == 0
    assert_books_balance(intents)


@pytest.mark.parametrize("seats_taken", [False, True])
def test_webhook_reconciler_and_sweeper_settling_at_once_settle_once(
    api: Any, intents: list[str], frozen_clock: Any, seats_taken: bool
) -> None:
    """Real threads against DynamoDB Local and localstripe: a late payment reaches all three
    paths at the same moment."""
    _, ann = user_token()
    _, bob = user_token()
    show = make_showtime()
    placed = order_request(api, ann, show.showtime_id, ["D05", "D06"]).json
    order_id, intent = placed["order"]["order_id"], placed["payment"]["payment_intent_id"]
    frozen_clock.advance(minutes=11)
    if seats_taken:
        assert order_request(api, bob, show.showtime_id, ["D05", "D06"]).status == 201
    assert pay_by_card(intent) == "succeeded"
    body, signature = succeeded_event(intent, order_id)
    now = clock.now()
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def run(work: Any) -> None:
        start.wait()
        try:
            work()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    paths = [
        lambda: settlement.handle_stripe_event(body.encode(), signature),
        lambda: settlement.handle_stripe_event(body.encode(), signature),
        lambda: reconcile_payments(now),
        lambda: expire_pending_orders(now + timedelta(seconds=1)),
    ]
    threads = [threading.Thread(target=run, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    order = Order.get(order_id)
    if seats_taken:
        assert order.status == "expired" and refunded(intent) == int(order.total)
        refunds = stripe_client().v1.refunds.list(params={"payment_intent": intent})
        assert len(refunds.data) == 1
        assert set(queued_message_ids("late_payment_refund")) == {f"late_payment_refund-{order_id}"}
    else:
        assert order.status == "paid" and refunded(intent) == 0
        assert set(queued_message_ids("order_confirmation")) == {f"order_confirmation-{order_id}"}
    assert_books_balance(intents)
