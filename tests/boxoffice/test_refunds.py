"""Staff refunds through Stripe (localstripe): whole orders and single tickets."""

from __future__ import annotations

from typing import Any

from chalicelib.accounts.tokens import Principal
from chalicelib.booking.models import Order, Seat, Ticket
from chalicelib.booking.payments import refunded_amount
from chalicelib.boxoffice import counters, refunds
from chalicelib.boxoffice.models import RefundRecord
from chalicelib.boxoffice.schemas import RefundOut
from chalicelib.core.errors import Conflict
from tests.booking.support import issue_coupon, make_showtime, user_token
from tests.booking.test_contention import race
from tests.boxoffice.support import paid_online, queued_emails, staff_api, truth


def refund(api: Any, order_id: str, **body: Any) -> Any:
    return api.post(f"/orders/{order_id}/refund", json={"reason": "projector broke", **body})


def test_a_whole_order_is_refunded_voided_freed_and_the_customer_told(api: Any) -> None:
    show = make_showtime()
    order = paid_online("alice", show.showtime_id, ["C01", "C02"])
    staff = staff_api(api)
    result = refund(staff, order["order_id"])
    assert result.status == 200, result.json
    assert result.json["refunded"] == 9000 and result.json["refund_id"]
    assert result.json["order"]["status"] == "refunded"
    assert refunded_amount(order["payment_intent_id"]) == 9000
    assert {t.status for t in Ticket.query(order["order_id"])} == {"void"}
    assert Seat.get(show.showtime_id, "C01").status == "available"
    record = RefundRecord.get(order["order_id"], "order")
    assert record.reason == "projector broke" and record.amount == 9000
    mails = queued_emails("staff_refund")
    assert [m["to"] for m in mails] == ["alice@example.com"]
    assert "projector broke" in mails[0]["text"]
    assert counters.tally(show.showtime_id) == truth(show.showtime_id)

    again = refund(staff, order["order_id"])
    assert again.status == 409 and again.json["type"].endswith("not-refundable")
    assert refunded_amount(order["payment_intent_id"]) == 9000


def test_single_tickets_are_refunded_at_their_price_and_the_rest_stays_valid(api: Any) -> None:
    show = make_showtime()
    order = paid_online("alice", show.showtime_id, ["E01", "E02", "E03", "E04"])  # vip, 6000
    staff = staff_api(api)
    one = refund(staff, order["order_id"], ticket_ids=[f"{order['order_id']}-E02"])
    assert one.status == 200, one.json
    assert one.json["refunded"] == 6000
    assert one.json["order"]["status"] == "paid" and one.json["order"]["refunded_amount"] == 6000
    assert refunded_amount(order["payment_intent_id"]) == 6000
    statuses = {t.seat_id: t.status for t in Ticket.query(order["order_id"])}
    assert statuses == {"E01": "valid", "E02": "void", "E03": "valid", "E04": "valid"}
    assert Seat.get(show.showtime_id, "E02").status == "available"
    # the same ticket again: refused, nothing more paid back
    assert refund(staff, order["order_id"], ticket_ids=[f"{order['order_id']}-E02"]).status == 409
    # the whole order now pays back the rest only
    rest = refund(staff, order["order_id"])
    assert rest.status == 200 and rest.json["refunded"] == 18000
    assert refunded_amount(order["payment_intent_id"]) == 24000
    tally = counters.tally(show.showtime_id)
    assert (tally.sold, tally.refunds, tally.refunded_seats, tally.net) == (0, 24000, 4, 0)
    assert tally == truth(show.showtime_id)


def test_discounted_orders_and_foreign_tickets_cannot_be_refunded_singly(api: Any) -> None:
    show = make_showtime()
    coupon = issue_coupon(["bob"], amount_off=1000)
    order = paid_online("bob", show.showtime_id, ["C01", "C02"], coupon)
    staff = staff_api(api)
    discounted = refund(staff, order["order_id"], ticket_ids=[f"{order['order_id']}-C01"])
    assert discounted.status == 409 and "discount" in discounted.json["detail"]
    foreign = refund(staff, order["order_id"], ticket_ids=["other-C01"])
    assert foreign.status == 404 and foreign.json["type"].endswith("unknown-reference")
    assert refund(staff, order["order_id"], reason="").status == 422
    assert Order.get(order["order_id"]).status == "paid"


def test_staff_of_another_cinema_cannot_refund(api: Any) -> None:
    show = make_showtime(cinema_id="cinema-2")
    order = paid_online("alice", show.showtime_id, ["C01"])
    assert refund(staff_api(api), order["order_id"]).status == 403
    assert refund(staff_api(api), "no-such-order").status == 404
    assert Order.get(order["order_id"]).status == "paid"


def test_a_counter_sale_is_refunded_at_the_counter_without_stripe(api: Any) -> None:
    show = make_showtime()
    staff = staff_api(api)
    sold = staff.post(
        f"/showtimes/{show.showtime_id}/counter-sales",
        json={"seat_ids": ["D01"], "paid_by": "cash"},
        headers={"Idempotency-Key": "walk-in-1"},
    ).json
    result = refund(staff, sold["order"]["order_id"])
    assert result.status == 200 and result.json["refund_id"] is None
    assert RefundRecord.get(sold["order"]["order_id"], "order").method == "cash"
    assert queued_emails("staff_refund") == []  # a walk-in left no address


def test_two_staff_refunding_at_once_pay_back_once() -> None:
    show = make_showtime()
    order = paid_online("alice", show.showtime_id, ["C01", "C02"])
    staff_id, _ = user_token(staff=True)
    clerk = Principal(staff_id, frozenset({"user", "staff"}))
    results = race(
        [lambda: refunds.refund(order["order_id"], "double click", None, clerk) for _ in range(4)]
    )
    assert [r for r in results if not isinstance(r, RefundOut | Conflict)] == []
    assert any(isinstance(r, RefundOut) for r in results)
    assert refunded_amount(order["payment_intent_id"]) == 9000
    assert Order.get(order["order_id"]).status == "refunded"
    assert counters.tally(show.showtime_id) == truth(show.showtime_id)
