"""Payments, tickets, check-in, expiry and coupons; Stripe is localstripe, events are signed
with the webhook secret exactly as Stripe signs them."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from chalicelib.booking.expiry import expire_pending_orders
from chalicelib.booking.models import Order, Seat, StripeEvent, Ticket, UserCoupon
from chalicelib.booking.rules import SeatStatus
from chalicelib.core import clock
from chalicelib.core.stripe_api import stripe_client
from tests.booking.support import (
    issue_coupon,
    make_movie,
    make_showtime,
    pay_by_card,
    signed_event,
    succeeded_event,
    user_token,
    webhook_headers,
)

WEBHOOK = "/payments/stripe/webhook"


def place(api: Any, token: str, showtime_id: str, seats: list[str], **extra: Any) -> Any:
    result = api.as_user(token).post(
        "/orders",
        json={"showtime_id": showtime_id, "seat_ids": seats, **extra},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert result.status == 201, result.json
    return result.json


def add_user(user_id: str, email: str) -> None:
    """The account record notices read the address from (written directly, not via sign-up)."""
    from chalicelib.accounts.models import User

    User(
        user_id, username=user_id, email=email, password_hash="unused", created_at=clock.now()
    ).save()


def deliver(api: Any, body: str, signature: str) -> Any:
    return api.post(WEBHOOK, body=body, headers=webhook_headers(signature))


def paid_order(api: Any, token: str, seats: list[str]) -> dict[str, Any]:
    show = make_showtime()
    placed = place(api, token, show.showtime_id, seats)
    assert pay_by_card(placed["payment"]["payment_intent_id"]) == "succeeded"
    assert (
        deliver(
            api,
            *succeeded_event(placed["payment"]["payment_intent_id"], placed["order"]["order_id"]),
        ).status
        == 200
    )
    return placed["order"]


def test_forged_or_missing_signature_is_refused(api: Any) -> None:
    body, _ = signed_event("payment_intent.succeeded", {"id": "pi_x", "metadata": {}})
    _, forged = signed_event("payment_intent.succeeded", {"id": "pi_x"}, secret="whsec_wrong")
    assert deliver(api, body, forged).status == 400
    unsigned = api.post(WEBHOOK, body=body, headers={"Content-Type": "application/json"})
    assert unsigned.status == 422 and unsigned.json["errors"][0]["field"] == "Stripe-Signature"
    genuine_body, genuine = signed_event("payment_intent.payment_failed", {"id": "pi_x"})
    altered = genuine_body.replace("payment_failed", "succeeded")
    assert deliver(api, altered, genuine).status == 400
    assert deliver(api, genuine_body, genuine).status == 200


def test_payment_succeeded_sells_the_seats_and_issues_tickets_once(api: Any) -> None:
    _, token = user_token()
    show = make_showtime()
    placed = place(api, token, show.showtime_id, ["A01", "A02"])
    order_id, intent = placed["order"]["order_id"], placed["payment"]["payment_intent_id"]
    assert api.as_user(token).get(f"/orders/{order_id}/tickets").status == 409
    assert pay_by_card(intent) == "succeeded"
    body, signature = succeeded_event(intent, order_id)
    assert deliver(api, body, signature).json == {"received": True, "duplicate": False}
    assert Order.get(order_id).status == "paid"
    assert {s.status for s in Seat.query(show.showtime_id) if s.order_id == order_id} == {"sold"}
    before = [(s.seat_id, s.version) for s in Seat.query(show.showtime_id)]
    # replayed: recognised, nothing changes
    assert deliver(api, body, signature).json == {"received": True, "duplicate": True}
    assert [(s.seat_id, s.version) for s in Seat.query(show.showtime_id)] == before
    assert StripeEvent.get(json.loads(body)["id"]).type == "payment_intent.succeeded"
    tickets = api.as_user(token).get(f"/orders/{order_id}/tickets").json
    assert [t["seat_id"] for t in tickets] == ["A01", "A02"]
    assert all(t["status"] == "valid" and t["code"] for t in tickets)


def test_payment_failed_leaves_the_order_pending(api: Any) -> None:
    _, token = user_token()
    show = make_showtime()
    placed = place(api, token, show.showtime_id, ["B01", "B02"])
    intent = placed["payment"]["payment_intent_id"]
    body, sig = signed_event(
        "payment_intent.payment_failed",
        {"id": intent, "metadata": {"order_id": placed["order"]["order_id"]}},
    )
    assert deliver(api, body, sig).status == 200
    assert Order.get(placed["order"]["order_id"]).status == "pending_payment"


def test_check_in_marks_a_ticket_used_once_and_refuses_forged_codes(api: Any) -> None:
    _, token = user_token()
    _, staff = user_token(staff=True)
    order = paid_order(api, token, ["C01", "C02"])
    code = api.as_user(token).get(f"/orders/{order['order_id']}/tickets").json[0]["code"]
    staff_api = api.as_user(staff)
    assert api.as_user(token).post("/checkin", json={"code": code}).status == 403
    signed, _, signature = code.rpartition(".")
    tampered = signed[:-2] + ("AA" if signed[-2:] != "AA" else "BB") + "." + signature
    assert staff_api.post("/checkin", json={"code": tampered}).status == 400
    assert staff_api.post("/checkin", json={"code": "not-a-code"}).status == 400
    first = staff_api.post("/checkin", json={"code": code})
    assert first.status == 200 and first.json["status"] == "used"
    assert staff_api.post("/checkin", json={"code": code}).status == 409
    assert Order.get(order["order_id"]).status == "used"
    assert Ticket.get(order["order_id"], "C01").checked_in_by is not None
    # the order's other ticket still checks in
    other = api.as_user(token).get(f"/orders/{order['order_id']}/tickets").json[1]["code"]
    assert staff_api.post("/checkin", json={"code": other}).status == 200


def test_charge_refunded_event_refunds_a_paid_order(api: Any) -> None:
    """A refund made in the Stripe dashboard: the event is checked against Stripe."""
    _, token = user_token()
    order = paid_order(api, token, ["D01", "D02"])
    intent = Order.get(order["order_id"]).payment_intent_id
    stripe_client().v1.refunds.create(params={"payment_intent": intent})
    body, sig = signed_event(
        "charge.refunded", {"id": "ch_x", "object": "charge", "payment_intent": intent}
    )
    assert deliver(api, body, sig).status == 200
    assert Order.get(order["order_id"]).status == "refunded"
    assert Seat.get(order["showtime_id"], "D01").status == SeatStatus.AVAILABLE


def test_charge_refunded_event_without_a_refund_in_stripe_changes_nothing(api: Any) -> None:
    _, token = user_token()
    order = paid_order(api, token, ["D03", "D04"])
    intent = Order.get(order["order_id"]).payment_intent_id
    body, sig = signed_event(
        "charge.refunded", {"id": "ch_y", "object": "charge", "payment_intent": intent}
    )
    assert deliver(api, body, sig).status == 200
    assert Order.get(order["order_id"]).status == "paid"
    assert Seat.get(order["showtime_id"], "D03").status == SeatStatus.SOLD


def test_late_payment_with_seats_still_free_sells_them(api: Any, frozen_clock: Any) -> None:
    _, token = user_token()
    show = make_showtime()
    placed = place(api, token, show.showtime_id, ["A01", "A02"])
    frozen_clock.advance(minutes=11)
    assert pay_by_card(placed["payment"]["payment_intent_id"]) == "succeeded"
    assert (
        deliver(
            api,
            *succeeded_event(placed["payment"]["payment_intent_id"], placed["order"]["order_id"]),
        ).status
        == 200
    )
    assert Order.get(placed["order"]["order_id"]).status == "paid"
    assert Seat.get(show.showtime_id, "A01").status == SeatStatus.SOLD


def test_late_payment_for_taken_seats_is_refunded_and_the_order_expires(
    api: Any, frozen_clock: Any
) -> None:
    ann_id, ann = user_token()
    _, bob = user_token()
    add_user(ann_id, "ann@example.com")
    show = make_showtime()
    placed = place(api, ann, show.showtime_id, ["A01", "A02"])
    frozen_clock.advance(minutes=11)
    bobs = place(api, bob, show.showtime_id, ["A01", "A02"])
    intent = placed["payment"]["payment_intent_id"]
    assert pay_by_card(intent) == "succeeded"
    assert deliver(api, *succeeded_event(intent, placed["order"]["order_id"])).status == 200
    order = Order.get(placed["order"]["order_id"])
    assert order.status == "expired" and order.refund_id and "A01" in (order.status_reason or "")
    refunds = stripe_client().v1.refunds.list(params={"payment_intent": intent})
    assert [r.amount for r in refunds.data] == [order.total]
    assert Seat.get(show.showtime_id, "A01").order_id == bobs["order"]["order_id"]
    told = [e for e in queued_emails() if e["kind"] == "late_payment_refund"]
    assert len(told) == 1 and told[0]["to"] == "ann@example.com"


def test_sweeper_expires_lapsed_orders_returns_coupons_and_cancels_intents(
    api: Any, frozen_clock: Any
) -> None:
    user_id, token = user_token()
    show = make_showtime()
    coupon_id = issue_coupon([user_id])
    placed = place(api, token, show.showtime_id, ["E01", "E02"], coupon_id=coupon_id)
    assert expire_pending_orders(clock.now()) == 0  # the hold is still running
    frozen_clock.advance(minutes=10, seconds=1)
    from functions.sweeper import run_sweeps  # the scheduled function runs this task

    assert run_sweeps(clock.now())["chalicelib.booking.expiry:expire_pending_orders"] == 1
    order = Order.get(placed["order"]["order_id"])
    assert order.status == "expired" and order.pending_key is None
    assert UserCoupon.get(user_id, coupon_id).status == "unused"
    assert Seat.get(show.showtime_id, "E01").status == SeatStatus.AVAILABLE
    intent = stripe_client().v1.payment_intents.retrieve(placed["payment"]["payment_intent_id"])
    assert intent.status == "canceled"
    assert expire_pending_orders(clock.now()) == 0


def test_staff_create_coupons_and_users_see_eligibility(api: Any, frozen_clock: Any) -> None:
    user_id, token = user_token()
    _, staff = user_token(staff=True)
    show = make_showtime()
    now = clock.now()
    window = {
        "valid_from": clock.isoformat(now - timedelta(hours=1)),
        "valid_until": clock.isoformat(now + timedelta(days=1)),
    }
    created = api.as_user(staff).post(
        "/coupons",
        json={
            "name": "20 off 100",
            "kind": "threshold",
            "amount_off": 2000,
            "min_subtotal": 10000,
            "user_ids": [user_id],
            **window,
        },
    )
    assert created.status == 201 and created.json["issued_to"] == 1
    other = api.as_user(staff).post(
        "/coupons",
        json={
            "name": "other movie",
            "kind": "percent",
            "percent_off": 10,
            "movie_id": make_movie(),
            "user_ids": [user_id],
            **window,
        },
    )
    assert other.status == 201
    bad = api.as_user(staff).post(
        "/coupons", json={"name": "x", "kind": "percent", "percent_off": 100, **window}
    )
    assert bad.status == 422
    assert (
        api.as_user(token)
        .post("/coupons", json={"name": "x", "kind": "fixed", "amount_off": 1, **window})
        .status
        == 403
    )
    mine = api.as_user(token).get(f"/me/coupons?showtime_id={show.showtime_id}&seat_ids=E01,E02")
    assert mine.status == 200
    by_name = {c["name"]: c for c in mine.json["items"]}
    assert by_name["20 off 100"]["eligible"] and by_name["20 off 100"]["discount"] == 2000
    assert not by_name["other movie"]["eligible"]
    small = api.as_user(token).get(f"/me/coupons?showtime_id={show.showtime_id}&seat_ids=A01")
    assert not {c["name"]: c for c in small.json["items"]}["20 off 100"]["eligible"]
    assert api.as_user(token).get("/me/coupons?nope=1").status == 422


def queued_emails() -> list[dict[str, Any]]:
    from chalicelib.core.aws import client, queue_url
    from chalicelib.core.config import get_settings

    found = client("sqs").receive_message(
        QueueUrl=queue_url(get_settings().email_queue_name), MaxNumberOfMessages=10
    )
    return [json.loads(m["Body"]) for m in found.get("Messages", [])]


def test_paid_order_queues_a_confirmation_email_with_the_tickets(api: Any) -> None:
    user_id, token = user_token()
    add_user(user_id, "ann@example.com")
    order = paid_order(api, token, ["B05", "B06"])
    emails = [e for e in queued_emails() if e["kind"] == "order_confirmation"]
    assert len(emails) == 1 and emails[0]["to"] == "ann@example.com"
    codes = [t["code"] for t in api.as_user(token).get(f"/orders/{order['order_id']}/tickets").json]
    assert all(code in emails[0]["text"] for code in codes)


def test_demo_coupon_seeder_issues_once() -> None:
    from chalicelib.accounts.seed import seed_demo_accounts
    from chalicelib.booking.seed import DEMO_COUPON_ID, seed_demo_coupons

    seed_demo_accounts()
    assert "issued" in seed_demo_coupons()
    assert seed_demo_coupons() == "demo coupon already there"
    assert len(list(UserCoupon.scan(UserCoupon.coupon_id == DEMO_COUPON_ID))) == 1


def test_tickets_of_a_refunded_order_do_not_check_in_and_are_private(api: Any) -> None:
    _, token = user_token()
    _, stranger = user_token()
    _, staff = user_token(staff=True)
    order = paid_order(api, token, ["A05", "A06"])
    code = api.as_user(token).get(f"/orders/{order['order_id']}/tickets").json[0]["code"]
    assert api.as_user(stranger).get(f"/orders/{order['order_id']}/tickets").status == 404
    assert api.as_user(token).post(f"/orders/{order['order_id']}/cancel").json["status"] == (
        "refunded"
    )
    refused = api.as_user(staff).post("/checkin", json={"code": code})
    assert refused.status == 409 and "refunded" in refused.json["detail"]


def test_a_coupon_for_unknown_users_or_movie_is_refused_and_nothing_is_issued(api: Any) -> None:
    from chalicelib.booking.models import Coupon

    user_id, _ = user_token()
    _, staff = user_token(staff=True)
    now = clock.now()
    body = {
        "name": "welcome",
        "kind": "fixed",
        "amount_off": 500,
        "valid_from": clock.isoformat(now - timedelta(hours=1)),
        "valid_until": clock.isoformat(now + timedelta(days=1)),
    }
    unknown_user = api.as_user(staff).post(
        "/coupons", json={**body, "user_ids": [user_id, "nobody"]}
    )
    assert unknown_user.status == 404 and "nobody" in unknown_user.text
    empty_id = api.as_user(staff).post("/coupons", json={**body, "user_ids": [""]})
    assert empty_id.status == 422
    unknown_movie = api.as_user(staff).post(
        "/coupons", json={**body, "movie_id": "no-such-movie", "user_ids": [user_id]}
    )
    assert unknown_movie.status == 404
    assert Coupon.count() == 0  # nothing half-created


def test_ticket_codes_check_in_after_the_ticket_key_is_rotated(api: Any, own_secrets: Any) -> None:
    from chalicelib.core.rotate import rotate_secret
    from tests.support.secrets import ring_field

    own_secrets.create_rings()
    _, token = user_token()
    _, staff = user_token(staff=True)
    order = paid_order(api, token, ["D01", "D02"])
    sold = [t["code"] for t in api.as_user(token).get(f"/orders/{order['order_id']}/tickets").json]

    rotated = rotate_secret("ticket", own_secrets.ids[ring_field("ticket")])
    own_secrets.forget()  # every container has the new ring
    shown = [t["code"] for t in api.as_user(token).get(f"/orders/{order['order_id']}/tickets").json]
    assert all(code.startswith(f"{rotated.current.kid}.") for code in shown)
    # the code e-mailed before the rotation and the one shown now both get in
    assert api.as_user(staff).post("/checkin", json={"code": sold[0]}).status == 200
    assert api.as_user(staff).post("/checkin", json={"code": shown[1]}).status == 200
