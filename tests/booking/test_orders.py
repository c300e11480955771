"""Seat maps, holds, orders, idempotency, quotes and cancellation, through the API."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.accounts.tokens import Principal
from chalicelib.booking import service
from chalicelib.booking.models import Seat, UserCoupon
from chalicelib.booking.rules import SeatStatus
from chalicelib.core import transactions
from chalicelib.core.errors import Conflict
from chalicelib.core.transactions import TransactionContended
from tests.booking.support import (
    issue_coupon,
    make_showtime,
    pay_by_card,
    succeeded_event,
    user_token,
    webhook_headers,
)


def place(api: Any, token: str, showtime_id: str, seats: list[str], **extra: Any) -> Any:
    return api.as_user(token).post(
        "/orders",
        json={"showtime_id": showtime_id, "seat_ids": seats, **extra},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def cell(api: Any, showtime_id: str, seat_id: str) -> dict[str, Any]:
    rows = api.get(f"/showtimes/{showtime_id}/seats").json["rows"]
    return next(c for r in rows for c in r["cells"] if c and c["seat_id"] == seat_id)


def pay(api: Any, order: dict[str, Any], payment: dict[str, Any]) -> None:
    """Pay for real in localstripe, then deliver the signed event Stripe sends."""
    assert pay_by_card(payment["payment_intent_id"]) == "succeeded"
    body, signature = succeeded_event(payment["payment_intent_id"], order["order_id"])
    assert (
        api.post("/payments/stripe/webhook", body=body, headers=webhook_headers(signature)).status
        == 200
    )


def test_seat_map_is_rows_of_cells_with_aisle_gaps(api: Any) -> None:
    show = make_showtime()
    result = api.get(f"/showtimes/{show.showtime_id}/seats")
    assert result.status == 200
    rows = result.json["rows"]
    assert [r["row"] for r in rows] == list("ABCDE")
    assert rows[0]["cells"][0] == {
        "seat_id": "A01",
        "type": "standard",
        "status": "available",
        "price": 4500,
    }
    assert rows[0]["cells"][4] is None  # the aisle
    assert rows[4]["cells"][0]["type"] == "vip" and rows[4]["cells"][0]["price"] == 6000
    assert api.get("/showtimes/nope/seats").status == 404


def test_placing_an_order_holds_its_seats_and_returns_a_client_secret(api: Any) -> None:
    show = make_showtime()
    _, token = user_token()
    result = place(api, token, show.showtime_id, ["E01", "E02"])
    assert result.status == 201, result.json
    order = result.json["order"]
    assert order["status"] == "pending_payment"
    assert order["total"] == 12000 and order["currency"] == "cny"
    assert len(order["number"]) == 20 and order["number"].isdigit()
    assert result.json["payment"]["client_secret"].startswith(
        result.json["payment"]["payment_intent_id"]
    )
    assert cell(api, show.showtime_id, "E01")["status"] == "held"


def test_a_taken_seat_gives_409_naming_it(api: Any) -> None:
    show = make_showtime()
    _, ann = user_token()
    _, bob = user_token()
    assert place(api, ann, show.showtime_id, ["B01", "B02"]).status == 201
    result = place(api, bob, show.showtime_id, ["B02", "B03", "B04"])
    assert result.status == 409
    assert result.json["unavailable_seats"] == ["B02"]
    assert cell(api, show.showtime_id, "B03")["status"] == "available"


def test_a_seat_other_orders_keep_contending_reads_as_taken(
    api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Contention that outlasts the retries is someone taking the seat right now: a 409
    naming it, like a held seat, not a 503."""
    show = make_showtime()
    _, ann = user_token()

    def contended(write: Any, labels: list[str], attempts: int = 0) -> None:
        raise TransactionContended(label for label in labels if label == "seat:B02")

    monkeypatch.setattr(transactions, "commit_with_retries", contended)
    result = place(api, ann, show.showtime_id, ["B01", "B02"])
    assert result.status == 409 and result.json["unavailable_seats"] == ["B02"]


def test_hold_expires_and_seat_is_free_again(api: Any, frozen_clock: Any) -> None:
    show = make_showtime()
    _, ann = user_token()
    _, bob = user_token()  # tokens are issued before time moves on (they live 15 min)
    assert place(api, ann, show.showtime_id, ["C01", "C02"]).status == 201
    frozen_clock.advance(minutes=10, seconds=1)
    assert cell(api, show.showtime_id, "C01")["status"] == "available"
    assert place(api, bob, show.showtime_id, ["C01", "C02"]).status == 201


def test_stranded_single_seat_is_refused(api: Any) -> None:
    show = make_showtime()
    _, token = user_token()
    result = place(api, token, show.showtime_id, ["A02", "A03", "A04"])
    assert result.status == 409
    assert result.json["stranded_seats"] == ["A01"]


def test_more_than_six_seats_or_unknown_seats_are_422(api: Any) -> None:
    show = make_showtime()
    _, token = user_token()
    seven = [f"D{n:02d}" for n in range(1, 8)]
    assert place(api, token, show.showtime_id, seven).status == 422
    unknown = place(api, token, show.showtime_id, ["Z99"])
    assert unknown.status == 404 and unknown.json["errors"][0]["field"] == "seat_ids"


def test_sales_close_fifteen_minutes_before_start(api: Any) -> None:
    show = make_showtime(starts_in=timedelta(minutes=14))
    _, token = user_token()
    assert place(api, token, show.showtime_id, ["A01", "A02"]).status == 409
    closed = make_showtime(sales_open=False)
    assert place(api, token, closed.showtime_id, ["A01", "A02"]).status == 409


def test_idempotency_key_replays_the_same_order_and_refuses_another_body(api: Any) -> None:
    show = make_showtime()
    _, token = user_token()
    client = api.as_user(token)
    body = {"showtime_id": show.showtime_id, "seat_ids": ["A01", "A02"]}
    first = client.post("/orders", json=body, headers={"Idempotency-Key": "k-1"})
    again = client.post("/orders", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status == 201 and again.status == 201
    assert again.json["order"]["order_id"] == first.json["order"]["order_id"]
    other = {"showtime_id": show.showtime_id, "seat_ids": ["A03", "A04"]}
    assert client.post("/orders", json=other, headers={"Idempotency-Key": "k-1"}).status == 422
    missing = client.post("/orders", json=other)
    assert missing.status == 422 and missing.json["errors"][0]["field"] == "Idempotency-Key"


def test_quote_prices_with_a_coupon_and_holds_nothing(api: Any) -> None:
    show = make_showtime()
    user_id, token = user_token()
    coupon_id = issue_coupon([user_id], kind="percent", percent_off=10, amount_off=0)
    result = api.as_user(token).post(
        "/orders/quote",
        json={"showtime_id": show.showtime_id, "seat_ids": ["E03", "E04"], "coupon_id": coupon_id},
    )
    assert result.status == 200
    assert (result.json["subtotal"], result.json["discount"], result.json["total"]) == (
        12000,
        1200,
        10800,
    )
    assert cell(api, show.showtime_id, "E03")["status"] == "available"


def test_coupon_is_used_by_the_order_and_returned_when_it_is_cancelled(api: Any) -> None:
    show = make_showtime()
    user_id, token = user_token()
    coupon_id = issue_coupon([user_id], amount_off=500)
    placed = place(api, token, show.showtime_id, ["A01", "A02"], coupon_id=coupon_id)
    assert placed.status == 201 and placed.json["order"]["total"] == 8500
    assert UserCoupon.get(user_id, coupon_id).status == "used"
    second = place(api, token, show.showtime_id, ["B01", "B02"], coupon_id=coupon_id)
    assert second.status == 409 and "coupon" in second.json["detail"]
    order_id = placed.json["order"]["order_id"]
    cancelled = api.as_user(token).post(f"/orders/{order_id}/cancel")
    assert cancelled.status == 200 and cancelled.json["status"] == "cancelled"
    assert UserCoupon.get(user_id, coupon_id).status == "unused"
    assert cell(api, show.showtime_id, "A01")["status"] == "available"
    assert api.as_user(token).post(f"/orders/{order_id}/cancel").status == 409


def test_my_orders_newest_first_with_a_cursor_and_staff_read_any(
    api: Any, frozen_clock: Any
) -> None:
    show = make_showtime()
    _, token = user_token()
    _, stranger = user_token()
    _, staff = user_token(staff=True)
    ids = []
    for seats in (["A01", "A02"], ["B01", "B02"], ["C01", "C02"]):
        ids.append(place(api, token, show.showtime_id, seats).json["order"]["order_id"])
        frozen_clock.advance(seconds=1)
    client = api.as_user(token)
    first = client.get("/orders?limit=2")
    assert [o["order_id"] for o in first.json["items"]] == [ids[2], ids[1]]
    rest = client.get(f"/orders?limit=2&cursor={first.json['next_cursor']}")
    assert [o["order_id"] for o in rest.json["items"]] == [ids[0]]
    assert api.as_user(stranger).get(f"/orders/{ids[0]}").status == 404
    assert api.as_user(stranger).get("/orders").json["items"] == []
    assert api.as_user(staff).get(f"/orders/{ids[0]}").json["order_id"] == ids[0]


def test_paid_order_cancels_with_a_refund_until_two_hours_before_start(
    api: Any, frozen_clock: Any
) -> None:
    show = make_showtime(starts_in=timedelta(hours=3))
    _, token = user_token()
    placed = place(api, token, show.showtime_id, ["A01", "A02"]).json
    pay(api, placed["order"], placed["payment"])
    order_id = placed["order"]["order_id"]
    assert api.as_user(token).get(f"/orders/{order_id}").json["status"] == "paid"
    assert cell(api, show.showtime_id, "A01")["status"] == "sold"
    result = api.as_user(token).post(f"/orders/{order_id}/cancel")
    assert result.status == 200 and result.json["status"] == "refunded"
    assert cell(api, show.showtime_id, "A01")["status"] == "available"

    late = make_showtime(starts_in=timedelta(hours=3))
    placed = place(api, token, late.showtime_id, ["A01", "A02"]).json
    pay(api, placed["order"], placed["payment"])
    frozen_clock.advance(hours=1, seconds=1)
    # past the deadline (tokens from the past have expired: ask the service directly)
    owner = Principal(placed["order"]["user_id"], frozenset({"user"}))
    with pytest.raises(Conflict):
        service.cancel_order(placed["order"]["order_id"], owner)
    assert Seat.get(late.showtime_id, "A01").status == SeatStatus.SOLD


def test_order_numbers_are_unique_even_when_the_random_part_collides(frozen_clock: Any) -> None:
    from chalicelib.booking import showtimes
    from chalicelib.booking.models import OrderNumber
    from chalicelib.booking.rules import order_number

    show = make_showtime()
    _, priced = service.price_order("ann", show.showtime_id, ["A01", "A02"], None, hold=True)
    showtime = showtimes.sale_terms(show.showtime_id, cached=False)
    drawn = iter(["000001", "000001", "000002"])  # the same second: the clock is frozen

    def numbers(now: Any) -> str:
        return order_number(now, next(drawn))

    first = service._hold("ann", showtime, ["A01", "A02"], priced, numbers)
    second = service._hold("bob", showtime, ["B01", "B02"], priced, numbers)
    assert first.number.endswith("000001") and second.number.endswith("000002")
    assert OrderNumber.get(first.number).order_id == first.order_id
    assert Seat.get(show.showtime_id, "B01").order_id == second.order_id


def test_a_blocked_seat_cannot_be_ordered(api: Any) -> None:
    show = make_showtime()
    Seat.get(show.showtime_id, "A01").update(actions=[Seat.status.set(SeatStatus.BLOCKED)])
    _, token = user_token()
    assert cell(api, show.showtime_id, "A01")["status"] == "blocked"
    result = place(api, token, show.showtime_id, ["A01", "A02"])
    assert result.status == 409 and result.json["unavailable_seats"] == ["A01"]


def test_a_key_names_one_order_even_after_its_idempotency_record_lapsed(api: Any) -> None:
    """The order id comes from (user, key): the same request resumes the same order and
    payment; another request with the key is refused, whatever Powertools remembers."""
    from chalicelib.core.errors import ValidationFailed

    show = make_showtime()
    order_id = service.idempotent_order_id("ann:k-old")
    first = service.place_order("ann", show.showtime_id, ["A01", "A02"], None, order_id=order_id)
    again = service.place_order("ann", show.showtime_id, ["A01", "A02"], None, order_id=order_id)
    assert first.order.order_id == again.order.order_id == order_id
    assert again.payment == first.payment
    with pytest.raises(ValidationFailed):
        service.place_order("ann", show.showtime_id, ["A03", "A04"], None, order_id=order_id)
    assert cell(api, show.showtime_id, "A03")["status"] == "available"
