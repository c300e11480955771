"""Test helpers: a showtime with its seat items, written through the models (the catalogue
API is another area's), users identified by token only, coupons issued directly."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.accounts.tokens import issue_access_token
from chalicelib.booking.models import create_seat_items
from chalicelib.boxoffice import counters
from chalicelib.catalog.rules import SeatSpec
from chalicelib.core import clock
from chalicelib.core.transactions import Transaction

#: price per seat type, minor units
PRICES = {"standard": 4500, "vip": 6000, "couple-left": 5000, "couple-right": 5000}


@dataclass
class Show:
    showtime_id: str
    movie_id: str
    starts_at: datetime


def hall_layout(rows: str = "ABCDE", cols: int = 10, aisle_after: int | None = 4) -> list[SeatSpec]:
    """``rows`` of ``cols`` seats; an aisle gap (a missing col) after seat ``aisle_after``.
    Row E is vip."""
    specs = []
    for row_index, row in enumerate(rows):
        col = 0
        for number in range(1, cols + 1):
            specs.append(
                SeatSpec(
                    seat_id=f"{row}{number:02d}",
                    row=row,
                    row_index=row_index,
                    col=col,
                    seat_type="vip" if row == "E" else "standard",
                )
            )
            col += 2 if aisle_after is not None and number == aisle_after else 1
    return specs


def make_movie() -> str:
    """A catalogue movie record (coupons for one movie must name a real one)."""
    from chalicelib.catalog.models import Movie

    now = clock.now()
    movie_id = f"movie-{uuid.uuid4().hex[:8]}"
    Movie(
        movie_id,
        title="Test movie",
        duration=120,
        release_date="2026-01-01",
        created_at=now,
        updated_at=now,
    ).save()
    return movie_id


def make_users(
    user_ids: list[str], roles: set[str] | None = None, cinema_ids: set[str] | None = None
) -> None:
    """Account records for ids used in tokens (coupons are only issued to real users;
    staff routes read the roles and cinemas from here)."""
    from chalicelib.accounts.models import User

    with User.batch_write() as batch:
        for user_id in dict.fromkeys(user_ids):
            batch.save(
                User(
                    user_id,
                    username=user_id,
                    email=f"{user_id}@example.com",
                    password_hash="-",
                    roles=roles or {"user"},
                    cinema_ids=cinema_ids or None,
                    created_at=clock.now(),
                )
            )


def make_showtime(
    starts_in: timedelta = timedelta(days=2),
    seats: list[SeatSpec] | None = None,
    sales_open: bool = True,
    movie_id: str | None = None,
    prices: dict[str, int] | None = None,
    cinema_id: str = "cinema-1",
) -> Show:
    from chalicelib.catalog.models import Showtime

    now = clock.now()
    showtime_id = uuid.uuid4().hex
    starts_at = now + starts_in
    show = Showtime(
        showtime_id,
        movie_id=movie_id or make_movie(),
        cinema_id=cinema_id,
        hall_id="hall-1",
        city_id="city-1",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=135),
        day=starts_at.strftime("%Y-%m-%d"),
        format="2D",
        language="en",
        prices=prices or PRICES,
        currency="cny",
        sales_open=sales_open,
        created_at=now,
        updated_at=now,
    )
    tx = Transaction()  # written as the catalogue writes it: with its terms stamp
    show.terms_stamp = counters.add_terms_stamp(tx, showtime_id)
    tx.put("showtime", show)
    tx.commit()
    layout = seats or hall_layout()
    create_seat_items(showtime_id, layout, prices or PRICES, starts_at + timedelta(days=1))
    counters.open_showtime(showtime_id, cinema_id, show.day, len(layout))
    return Show(showtime_id, show.movie_id, starts_at)


def user_token(
    user_id: str | None = None, staff: bool = False, cinema_ids: set[str] | None = None
) -> tuple[str, str]:
    """A user and an access token; ``staff``: a staff grant at ``cinema_ids`` (default the
    cinema ``make_showtime`` uses)."""
    user_id = user_id or f"user-{uuid.uuid4().hex[:8]}"
    roles = {"user", "staff"} if staff else {"user"}
    make_users([user_id], roles, (cinema_ids or {"cinema-1"}) if staff else None)
    return user_id, issue_access_token(user_id, roles)


def issue_coupon(user_ids: list[str], **terms: Any) -> str:
    from chalicelib.booking.coupons import create_coupon

    now = clock.now()
    fields: dict[str, Any] = {
        "name": "test coupon",
        "kind": "fixed",
        "amount_off": 1000,
        "valid_from": now - timedelta(days=1),
        "valid_until": now + timedelta(days=7),
    }
    fields.update(terms)
    make_users(user_ids)
    created = create_coupon(created_by="staff-1", user_ids=user_ids, **fields)
    return created.coupon_id


def signed_event(
    event_type: str,
    obj: dict[str, Any],
    secret: str | None = None,
    signed_at: int | None = None,
    event_id: str | None = None,
) -> tuple[str, str]:
    """A Stripe event body and its ``Stripe-Signature`` header, signed as Stripe signs,
    at ``signed_at`` (default: now on the app's clock, which tests may freeze)."""
    import json

    import stripe

    from chalicelib.core.secrets import stripe_webhook_secret

    key = secret or stripe_webhook_secret()
    timestamp = clock.epoch_seconds() if signed_at is None else signed_at
    event = {
        "id": event_id or f"evt_{uuid.uuid4().hex[:16]}",
        "object": "event",
        "type": event_type,
        "created": timestamp,
        "data": {"object": obj},
    }
    body = json.dumps(event)
    return body, stripe.WebhookSignature.generate_signature_header(body, key, timestamp)


def sign(body: str, signed_at: int | None = None) -> str:
    """A ``Stripe-Signature`` for any body (malformed events must still pass the signature)."""
    import stripe

    from chalicelib.core.secrets import stripe_webhook_secret

    timestamp = clock.epoch_seconds() if signed_at is None else signed_at
    secret = stripe_webhook_secret()
    return str(stripe.WebhookSignature.generate_signature_header(body, secret, timestamp))


def webhook_headers(signature: str) -> dict[str, str]:
    return {"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signature}


def pay_by_card(payment_intent_id: str, card: str = "4242424242424242") -> str:
    """Pay for real in localstripe: a PaymentMethod from a test card, attached, confirmed."""
    from chalicelib.core.stripe_api import stripe_client

    client = stripe_client()
    method = client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": card, "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    client.v1.payment_intents.update(payment_intent_id, params={"payment_method": method.id})
    intent = client.v1.payment_intents.confirm(payment_intent_id)
    return str(intent.status)


def succeeded_event(payment_intent_id: str, order_id: str) -> tuple[str, str]:
    """The ``payment_intent.succeeded`` event Stripe sends for a paid intent."""
    from chalicelib.core.stripe_api import stripe_client

    intent = stripe_client().v1.payment_intents.retrieve(payment_intent_id)
    return signed_event(
        "payment_intent.succeeded",
        {
            "id": intent.id,
            "object": "payment_intent",
            "amount": intent.amount,
            "currency": intent.currency,
            "status": intent.status,
            "metadata": {"order_id": order_id},
        },
    )


WEBHOOK = "/payments/stripe/webhook"


def order_request(
    api: Any, token: str, showtime_id: str, seats: list[str], key: str | None = None, **extra: Any
) -> Any:
    """``POST /orders`` (a fresh Idempotency-Key unless one is given); the raw result."""
    return api.as_user(token).post(
        "/orders",
        json={"showtime_id": showtime_id, "seat_ids": seats, **extra},
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
    )


def deliver(api: Any, body: str, signature: str) -> Any:
    """What Stripe does with an event: POST it, signed, to the webhook."""
    return api.post(WEBHOOK, body=body, headers=webhook_headers(signature))


def intent_status(payment_intent_id: str) -> str:
    from chalicelib.core.stripe_api import stripe_client

    return str(stripe_client().v1.payment_intents.retrieve(payment_intent_id).status)


def refunded(payment_intent_id: str) -> int:
    """How much Stripe (localstripe) has refunded of an intent."""
    from chalicelib.core.stripe_api import stripe_client

    refunds = stripe_client().v1.refunds.list(params={"payment_intent": payment_intent_id})
    return sum(int(r.amount) for r in refunds.data)
