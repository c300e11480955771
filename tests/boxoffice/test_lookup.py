"""Staff find orders by number, e-mail or ticket code, and read their history."""

from __future__ import annotations

from typing import Any

from chalicelib.accounts.models import UniqueKey
from chalicelib.accounts.rules import LoginKind, unique_key
from chalicelib.booking import tickets
from chalicelib.booking.models import Ticket
from tests.booking.support import make_showtime
from tests.boxoffice.support import paid_online, staff_api


def test_an_order_is_found_by_number_email_or_ticket_code(api: Any) -> None:
    show = make_showtime()
    order = paid_online("alice", show.showtime_id, ["A01", "A02"])
    UniqueKey(unique_key(LoginKind.EMAIL, "alice@example.com"), user_id="alice").save()
    staff = staff_api(api)
    by_number = staff.get(f"/staff/orders?number={order['number']}")
    assert by_number.status == 200, by_number.json
    assert [o["order_id"] for o in by_number.json["items"]] == [order["order_id"]]
    assert by_number.json["items"][0]["cinema_id"] == "cinema-1"
    by_email = staff.get("/staff/orders?email=ALICE@example.com")
    assert [o["order_id"] for o in by_email.json["items"]] == [order["order_id"]]
    ticket = next(iter(Ticket.query(order["order_id"])))
    code = tickets.ticket_code(ticket.order_id, ticket.seat_id, ticket.showtime_id)
    by_code = staff.get(f"/staff/orders?ticket_code={code}")
    assert [o["order_id"] for o in by_code.json["items"]] == [order["order_id"]]
    assert staff.get("/staff/orders?number=20990101000000000000").json["items"] == []
    assert staff.get("/staff/orders?email=nobody@example.com").json["items"] == []


def test_a_lookup_needs_exactly_one_key_and_shows_only_the_callers_cinemas(api: Any) -> None:
    show = make_showtime(cinema_id="cinema-2")
    order = paid_online("alice", show.showtime_id, ["A01"])
    staff = staff_api(api)
    assert staff.get("/staff/orders").status == 422
    assert staff.get(f"/staff/orders?number={order['number']}&email=a@b.c").status == 422
    assert staff.get("/staff/orders?ticket_code=forged").status == 400
    assert staff.get(f"/staff/orders?number={order['number']}").json["items"] == []
    assert staff.get(f"/staff/orders/{order['order_id']}").status == 403


def test_the_detail_has_the_payment_refunds_and_check_ins(api: Any) -> None:
    show = make_showtime()
    order = paid_online("alice", show.showtime_id, ["A01", "A02"])
    staff = staff_api(api)
    code = tickets.ticket_code(order["order_id"], "A01", show.showtime_id)
    staff.post("/checkin", json={"code": code})
    staff.post(
        f"/orders/{order['order_id']}/refund",
        json={"reason": "wrong seat", "ticket_ids": [f"{order['order_id']}-A02"]},
    )
    detail = staff.get(f"/staff/orders/{order['order_id']}")
    assert detail.status == 200, detail.json
    kinds = [(e["kind"], e["amount"]) for e in detail.json["history"]]
    assert ("created", 9000) in kinds and ("paid", 9000) in kinds and ("refund", 4500) in kinds
    refund = next(e for e in detail.json["history"] if e["kind"] == "refund")
    assert refund["reference"].startswith("re_") and "wrong seat" in refund["detail"]
    assert any(e["kind"] == "checked_in" for e in detail.json["history"])
    assert {t["seat_id"]: t["status"] for t in detail.json["tickets"]} == {
        "A01": "used",
        "A02": "void",
    }
