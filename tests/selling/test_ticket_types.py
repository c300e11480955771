"""Ticket types: the per-showtime price table, typed order lines, tickets and check-in."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.booking import orders
from chalicelib.booking.rules import PriceLine
from chalicelib.core import clock
from chalicelib.selling.ticket_rules import chosen_types, full_table, table_problem, typed_lines
from tests.booking.support import make_showtime, user_token
from tests.selling.support import make_voucher

TABLE = {
    "child": {"standard": 2500, "vip": 3500, "couple-left": 3000, "couple-right": 3000},
    "student": {"standard": 3000, "vip": 4500, "couple-left": 4000, "couple-right": 4000},
}


def test_the_table_prices_every_seat_type_for_each_type_never_below_zero() -> None:
    seat_types = ["standard", "vip"]
    assert table_problem({"child": {"standard": 0, "vip": 100}}, seat_types) is None
    assert table_problem({"adult": {"standard": 1, "vip": 1}}, seat_types) == (
        "adult prices are the showtime's seat prices"
    )
    assert table_problem({"pensioner": {"standard": 1, "vip": 1}}, seat_types) == (
        "no ticket type 'pensioner'"
    )
    assert "needs a price for vip" in (table_problem({"child": {"standard": 1}}, seat_types) or "")
    extra = {"child": {"standard": 1, "vip": 1, "wheelchair": 1}}
    assert table_problem(extra, seat_types) == "the showtime has no wheelchair seats"
    negative = {"senior": {"standard": -1, "vip": 1}}
    assert table_problem(negative, seat_types) == "senior prices are 0 or more"


def test_each_seat_is_adult_unless_named_and_priced_by_its_type() -> None:
    table = full_table({"standard": 4500}, {"child": {"standard": 2500}})
    assert table == {"adult": {"standard": 4500}, "child": {"standard": 2500}}
    types, problem = chosen_types(["A1", "A2"], {"A2": "child"}, table)
    assert problem is None and types == {"A1": "adult", "A2": "child"}
    assert chosen_types(["A1"], {"B9": "child"}, table)[1] == "not among the seats: B9"
    assert chosen_types(["A1"], {"A1": "senior"}, table)[1] == (
        "A1: this showtime sells no senior tickets"
    )
    lines = typed_lines([("A1", "standard", "adult"), ("A2", "standard", "child")], table)
    assert lines == [
        PriceLine("A1", "standard", 4500, "adult"),
        PriceLine("A2", "standard", 2500, "child"),
    ]


def test_staff_set_the_table_and_the_showtime_shows_it(api: Any) -> None:
    show = make_showtime()
    _, staff = user_token(staff=True)
    path = f"/showtimes/{show.showtime_id}/prices"
    put = api.as_user(staff).put(path, json={"prices": TABLE})
    assert put.status == 200, put.text
    assert put.json["ticket_types"] == ["adult", "child", "student"]
    assert put.json["prices"]["child"]["vip"] == 3500
    assert put.json["prices"]["adult"]["standard"] == 4500
    shown = api.get(f"/showtimes/{show.showtime_id}").json
    assert shown["ticket_prices"]["student"]["standard"] == 3000
    for bad in (
        {"prices": {"adult": TABLE["child"]}},
        {"prices": {"child": {"standard": 1}}},
        {"prices": {"child": {**TABLE["child"], "vip": -5}}},
        {"prices": {"child": {**TABLE["child"], "wheelchair": 5}}},
        {},
    ):
        assert api.as_user(staff).put(path, json=bad).status == 422, bad
    assert api.as_user(staff).put("/showtimes/nope/prices", json={"prices": TABLE}).status == 404
    _, user = user_token()
    assert api.as_user(user).put(path, json={"prices": TABLE}).status == 403
    # leaving a type out stops selling it
    only_child = api.as_user(staff).put(path, json={"prices": {"child": TABLE["child"]}})
    assert only_child.json["ticket_types"] == ["adult", "child"]


def test_order_lines_tickets_and_check_in_carry_the_ticket_type(api: Any) -> None:
    show = make_showtime()
    _, staff = user_token(staff=True)
    api.as_user(staff).put(f"/showtimes/{show.showtime_id}/prices", json={"prices": TABLE})
    _, token = user_token()
    body = {
        "showtime_id": show.showtime_id,
        "seat_ids": ["E05", "E06", "E07"],
        "ticket_types": {"E06": "child", "E07": "student"},
    }
    quoted = api.as_user(token).post("/orders/quote", json=body).json
    assert [(x["ticket_type"], x["price"]) for x in quoted["lines"]] == [
        ("adult", 6000),
        ("child", 3500),
        ("student", 4500),
    ]
    assert quoted["total"] == 14000
    refused = api.as_user(token).post(
        "/orders/quote", json={**body, "ticket_types": {"E05": "senior"}}
    )
    assert refused.status == 422 and refused.json["errors"][0]["field"] == "ticket_types"
    bad_type = api.as_user(token).post(
        "/orders/quote", json={**body, "ticket_types": {"E05": "vip"}}
    )
    assert bad_type.status == 422
    placed = api.as_user(token).post(
        "/orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert placed.status == 201, placed.text
    order = placed.json["order"]
    assert [x["ticket_type"] for x in order["lines"]] == ["adult", "child", "student"]
    orders.pay(orders.load(order["order_id"]), clock.now())
    tickets = api.as_user(token).get(f"/orders/{order['order_id']}/tickets").json
    assert {t["seat_id"]: t["ticket_type"] for t in tickets} == {
        "E05": "adult",
        "E06": "child",
        "E07": "student",
    }
    student = next(t for t in tickets if t["seat_id"] == "E07")
    checked = api.as_user(staff).post("/checkin", json={"code": student["code"]})
    assert checked.status == 200 and checked.json["ticket_type"] == "student"


def test_a_retry_with_other_ticket_types_is_another_body(api: Any) -> None:
    show = make_showtime()
    _, staff = user_token(staff=True)
    api.as_user(staff).put(f"/showtimes/{show.showtime_id}/prices", json={"prices": TABLE})
    _, token = user_token()
    key = uuid.uuid4().hex
    body = {"showtime_id": show.showtime_id, "seat_ids": ["A01"]}
    first = api.as_user(token).post("/orders", json=body, headers={"Idempotency-Key": key})
    assert first.status == 201
    again = api.as_user(token).post(
        "/orders",
        json={**body, "ticket_types": {"A01": "child"}},
        headers={"Idempotency-Key": key},
    )
    assert again.status == 422


def test_a_voucher_prices_the_typed_lines(api: Any) -> None:
    show = make_showtime()
    _, staff = user_token(staff=True)
    api.as_user(staff).put(f"/showtimes/{show.showtime_id}/prices", json={"prices": TABLE})
    make_voucher("FLAT", price_mode="set_price", value=3000)
    _, token = user_token()
    quoted = (
        api.as_user(token)
        .post(
            "/orders/quote",
            json={
                "showtime_id": show.showtime_id,
                "seat_ids": ["A01", "A02"],
                "ticket_types": {"A02": "child"},
                "voucher_code": "FLAT",
            },
        )
        .json
    )
    # adult 4500 -> 3000; child 2500 stays 2500
    assert (quoted["subtotal"], quoted["discount"], quoted["total"]) == (7000, 1500, 5500)


def test_a_counter_sale_names_ticket_types_too_and_only_staff_of_the_cinema_set_prices(
    api: Any,
) -> None:
    show = make_showtime()
    _, other_staff = user_token(staff=True, cinema_ids={"cinema-elsewhere"})
    elsewhere = api.as_user(other_staff).put(
        f"/showtimes/{show.showtime_id}/prices", json={"prices": TABLE}
    )
    assert elsewhere.status == 403 and elsewhere.json["type"].endswith("other-cinema")
    _, staff = user_token(staff=True)
    assert (
        api.as_user(staff)
        .put(f"/showtimes/{show.showtime_id}/prices", json={"prices": TABLE})
        .status
        == 200
    )
    key = uuid.uuid4().hex
    body = {"seat_ids": ["A01", "A02"], "paid_by": "cash", "ticket_types": {"A02": "child"}}
    sold = api.as_user(staff).post(
        f"/showtimes/{show.showtime_id}/counter-sales", json=body, headers={"Idempotency-Key": key}
    )
    assert sold.status == 201, sold.text
    assert [(x["ticket_type"], x["price"]) for x in sold.json["order"]["lines"]] == [
        ("adult", 4500),
        ("child", 2500),
    ]
    assert {t["seat_id"]: t["ticket_type"] for t in sold.json["tickets"]} == {
        "A01": "adult",
        "A02": "child",
    }
    retried = api.as_user(staff).post(
        f"/showtimes/{show.showtime_id}/counter-sales",
        json={**body, "ticket_types": {}},
        headers={"Idempotency-Key": key},
    )
    assert retried.status == 422  # the same key with other ticket types is another body
