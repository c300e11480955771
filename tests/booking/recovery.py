"""Crash tests' tools: stop a flow at a step boundary as a dying process would, and check
the books afterwards against DynamoDB Local and localstripe.

A crash is ``SimulatedCrash``, a ``BaseException``: no ``except Exception`` in our code,
Chalice or Powertools sees it, so nothing after the boundary runs (no compensation, no
idempotency clean-up), exactly as when a Lambda is killed there. It is raised by one of OUR
functions, patched for one call; DynamoDB and Stripe are never touched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.booking.models import Order, Seat, Ticket, UserCoupon
from chalicelib.booking.rules import OrderStatus, SeatStatus
from chalicelib.core.aws import client, queue_url
from chalicelib.core.config import get_settings
from chalicelib.core.stripe_api import stripe_client
from tests.booking.support import refunded

SOLD_STATES = {OrderStatus.PAID, OrderStatus.USED}
HOLDING_STATES = {OrderStatus.PENDING_PAYMENT, *SOLD_STATES}


class SimulatedCrash(BaseException):
    """The process died at this point."""


def crash_once(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    """The next call of ``module.name`` crashes instead of running; later calls run. Returns
    the arguments of the crashed call."""
    original: Callable[..., Any] = getattr(module, name)
    crashed: list[Any] = []

    def crashing(*args: Any, **kwargs: Any) -> Any:
        if not crashed:
            crashed.append(args)
            raise SimulatedCrash(f"{module.__name__}.{name}")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, crashing)
    return crashed


def record_intents(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every PaymentIntent the code creates (wrapping our own function, not Stripe's)."""
    from chalicelib.booking import payments

    created: list[str] = []
    original = payments.create_payment_intent

    def recording(order: Order) -> dict[str, str]:
        payment = original(order)
        created.append(payment.payment_intent_id)
        return payment

    monkeypatch.setattr(payments, "create_payment_intent", recording)
    return created


def assert_books_balance(intents: list[str]) -> None:
    """No seat sold twice, no money taken without tickets or a refund, every coupon used
    at most once: the invariants a crash anywhere must not break."""
    everything = list(Order.scan(consistent_read=True))
    sold: dict[tuple[str, str], str] = {}
    for order in everything:
        if order.status in SOLD_STATES:
            tickets = {t.seat_id for t in Ticket.query(order.order_id, consistent_read=True)}
            assert tickets == set(order.seat_ids), order.order_id
            for seat_id in order.seat_ids:
                assert (order.showtime_id, seat_id) not in sold, f"{seat_id} sold twice"
                sold[(order.showtime_id, seat_id)] = order.order_id
    for showtime_id in {o.showtime_id for o in everything}:
        for seat in Seat.query(showtime_id, consistent_read=True):
            owner = sold.get((showtime_id, seat.seat_id))
            if seat.status == SeatStatus.SOLD:
                assert owner == seat.order_id, seat.seat_id
            else:
                assert owner is None, f"{seat.seat_id} is paid for but {seat.status}"

    by_intent = {o.payment_intent_id: o for o in everything if o.payment_intent_id}
    for intent_id in intents:
        intent = stripe_client().v1.payment_intents.retrieve(intent_id)
        if intent.status != "succeeded":
            continue  # no money moved
        order = by_intent.get(intent_id)
        if order is not None and order.status in SOLD_STATES:
            assert int(intent.amount) == int(order.total) and refunded(intent_id) == 0
        else:
            assert refunded(intent_id) == int(intent.amount), f"{intent_id} kept, no tickets"

    for record in UserCoupon.scan(consistent_read=True):
        users = [
            o
            for o in everything
            if o.coupon_id == record.coupon_id
            and o.user_id == record.user_id
            and o.status in HOLDING_STATES
        ]
        assert len(users) <= 1, f"coupon {record.coupon_id} used twice"
        if record.status == "used":
            assert [o.order_id for o in users] == [record.order_id]
        else:
            assert users == []


def queued_message_ids(kind: str) -> list[str]:
    """Message ids of the queued e-mails of one kind (the mailer sends each id once). The
    messages are received and stay hidden for the queue's visibility timeout."""
    sqs = client("sqs")
    url = queue_url(get_settings().email_queue_name)
    found: list[str] = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return found
        found += [
            body["message_id"]
            for body in (json.loads(m["Body"]) for m in batch)
            if body["kind"] == kind
        ]
