"""Voucher codes through the API: creating one or a batch (CSV), checking a code, quotes,
orders, one discount per order, per-user limits, and redemptions given back."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta
from typing import Any

from chalicelib.booking import orders
from chalicelib.booking.expiry import expire_pending_orders
from chalicelib.core import clock
from chalicelib.selling.models import Voucher, VoucherUse
from tests.booking.support import issue_coupon, make_showtime, user_token
from tests.selling.support import make_voucher


def _window() -> dict[str, str]:
    now = clock.now()
    return {
        "valid_from": (now - timedelta(hours=1)).isoformat(),
        "valid_until": (now + timedelta(days=3)).isoformat(),
    }


def place(api: Any, token: str, showtime_id: str, seats: list[str], **extra: Any) -> Any:
    return api.as_user(token).post(
        "/orders",
        json={"showtime_id": showtime_id, "seat_ids": seats, **extra},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def test_staff_create_a_voucher_with_a_chosen_code_once(api: Any) -> None:
    _, staff = user_token(staff=True)
    body = {"code": "spring26", "max_usages": 5, "price_mode": "percent_off", "value": 20}
    created = api.as_user(staff).post("/vouchers", json={**body, **_window()})
    assert created.status == 201, created.text
    voucher = created.json["vouchers"][0]
    assert (voucher["code"], voucher["used"], voucher["scope"]) == ("SPRING26", 0, "all")
    assert created.json["batch_id"] is None
    again = api.as_user(staff).post("/vouchers", json={**body, **_window()})
    assert again.status == 409
    _, user = user_token()
    assert api.as_user(user).post("/vouchers", json={**body, **_window()}).status == 403


def test_voucher_input_is_checked(api: Any) -> None:
    _, staff = user_token(staff=True)
    base = {"max_usages": 5, "price_mode": "amount_off", "value": 500, **_window()}
    for bad in [
        {"code": "X", "count": 3},
        {"price_mode": "percent_off", "value": 0},
        {"price_mode": "percent_off", "value": 101},
        {"value": 0},
        {"scope": "movie"},
        {"scope_id": "m1"},
        {"valid_until": base["valid_from"]},
        {"max_usages": 0},
        {"count": 501},
        {"code": "no spaces"},
        {"price_mode": "free"},
    ]:
        result = api.as_user(staff).post("/vouchers", json={**base, **bad})
        assert result.status == 422, bad
    unknown = api.as_user(staff).post(
        "/vouchers", json={**base, "scope": "movie", "scope_id": "nope"}
    )
    assert unknown.status == 404 and unknown.json["errors"][0]["field"] == "scope_id"
    assert list(Voucher.scan()) == []


def test_a_batch_of_random_codes_is_exported_as_csv(api: Any) -> None:
    _, staff = user_token(staff=True)
    body = {"count": 25, "max_usages": 1, "price_mode": "set_price", "value": 2000}
    created = api.as_user(staff).post("/vouchers", json={**body, **_window()})
    assert created.status == 201, created.text
    codes = [v["code"] for v in created.json["vouchers"]]
    assert len(set(codes)) == 25
    location = created.header("Location")
    assert location == f"/vouchers/batches/{created.json['batch_id']}"
    exported = api.as_user(staff).get(location)
    assert exported.status == 200
    assert exported.header(
        "Content-Type",
    ).startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert sorted(r["code"] for r in rows) == sorted(codes)
    assert {r["max_usages"] for r in rows} == {"1"}
    assert api.as_user(staff).get("/vouchers/batches/nope").status == 404
    _, user = user_token()
    assert api.as_user(user).get(location).status == 403


def test_a_user_checks_what_a_code_gives_and_whether_it_is_still_usable(api: Any) -> None:
    show = make_showtime()
    _, token = user_token()
    make_voucher("ONCE", max_usages=5, max_usages_per_user=1)
    checked = api.as_user(token).get("/vouchers/once")
    assert checked.status == 200, checked.text
    assert checked.json["usable"] and checked.json["value"] == 1000
    assert "max_usages" not in checked.json  # how many exist is the seller's business
    assert place(api, token, show.showtime_id, ["A01"], voucher_code="once").status == 201
    used = api.as_user(token).get("/vouchers/ONCE").json
    assert not used["usable"] and "as often as it allows" in used["problem"]
    _, other = user_token()
    assert api.as_user(other).get("/vouchers/ONCE").json["usable"]
    assert api.as_user(token).get("/vouchers/NOPE").status == 404
    assert api.get("/vouchers/ONCE").status == 401


def test_quotes_show_the_voucher_and_why_it_would_not_apply(api: Any) -> None:
    show = make_showtime()
    _, token = user_token()
    make_voucher("TENOFF", value=1000)
    make_voucher("HALF", price_mode="percent_off", value=50)
    make_voucher("FLAT", price_mode="set_price", value=3000)
    make_voucher("ELSEWHERE", scope="showtime", scope_id=make_showtime().showtime_id)
    body = {"showtime_id": show.showtime_id, "seat_ids": ["A01", "E01"]}  # 4500 + 6000
    for code, discount, problem in [
        ("TENOFF", 2000, None),
        ("half", 5250, None),
        ("FLAT", 1500 + 3000, None),
        ("ELSEWHERE", 0, "the voucher is for another showtime"),
        ("NOPE", 0, "no such voucher code"),
    ]:
        quoted = api.as_user(token).post("/orders/quote", json={**body, "voucher_code": code})
        assert quoted.status == 200, quoted.text
        q = quoted.json
        assert (q["discount"], q["total"], q["voucher_problem"]) == (
            discount,
            10500 - discount,
            problem,
        ), code
        assert q["voucher_code"] == code.upper()


def test_an_order_redeems_the_voucher_and_refuses_a_coupon_besides(api: Any) -> None:
    show = make_showtime()
    user_id, token = user_token()
    make_voucher("TENOFF", value=1000, max_usages_per_user=2)
    placed = place(api, token, show.showtime_id, ["A01", "A02"], voucher_code="tenoff")
    assert placed.status == 201, placed.text
    order = placed.json["order"]
    assert (order["voucher_code"], order["discount"], order["total"]) == ("TENOFF", 2000, 7000)
    assert Voucher.get("TENOFF").used == 1 and VoucherUse.get("TENOFF", user_id).uses == 1
    coupon_id = issue_coupon([user_id])
    both = place(api, token, show.showtime_id, ["B01"], voucher_code="TENOFF", coupon_id=coupon_id)
    assert both.status == 422 and both.json["errors"][0]["field"] == "voucher_code"
    expired = make_voucher(
        "OLD",
        valid_until=clock.now() - timedelta(minutes=1),
        valid_from=clock.now() - timedelta(days=2),
    )
    refused = place(api, token, show.showtime_id, ["B01"], voucher_code=expired)
    assert refused.status == 409 and "expired" in refused.json["detail"]
    out_of_scope = make_voucher("MOVIE", scope="movie", scope_id=make_showtime().movie_id)
    assert place(api, token, show.showtime_id, ["B01"], voucher_code=out_of_scope).status == 409
    unknown = place(api, token, show.showtime_id, ["B01"], voucher_code="NOPE")
    assert unknown.status == 404 and unknown.json["errors"][0]["field"] == "voucher_code"
    assert Voucher.get("TENOFF").used == 1


def test_a_user_redeems_a_code_at_most_as_often_as_it_allows(api: Any) -> None:
    show = make_showtime()
    _, token = user_token()
    make_voucher("TWICE", max_usages=10, max_usages_per_user=2)
    for seat in ("A01", "B01"):
        assert place(api, token, show.showtime_id, [seat], voucher_code="TWICE").status == 201
    third = place(api, token, show.showtime_id, ["C01"], voucher_code="TWICE")
    assert third.status == 409
    _, other = user_token()
    assert place(api, other, show.showtime_id, ["D01"], voucher_code="TWICE").status == 201
    assert Voucher.get("TWICE").used == 3


def test_cancelled_and_expired_orders_give_their_redemption_back(
    api: Any, frozen_clock: Any
) -> None:
    show = make_showtime()
    user_id, token = user_token()
    make_voucher("ONE", max_usages=1, max_usages_per_user=1)
    first = place(api, token, show.showtime_id, ["A01"], voucher_code="ONE").json["order"]
    _, other = user_token()
    assert place(api, other, show.showtime_id, ["B01"], voucher_code="ONE").status == 409
    cancelled = api.as_user(token).post(f"/orders/{first['order_id']}/cancel")
    assert cancelled.status == 200, cancelled.text
    assert Voucher.get("ONE").used == 0 and VoucherUse.get("ONE", user_id).uses == 0
    second = place(api, other, show.showtime_id, ["B01"], voucher_code="ONE")
    assert second.status == 201, second.text
    frozen_clock.advance(minutes=11)  # the hold lapses; the sweeper ends the order
    assert expire_pending_orders(clock.now()) == 1
    assert orders.load(second.json["order"]["order_id"]).status == "expired"
    assert Voucher.get("ONE").used == 0
    assert place(api, token, show.showtime_id, ["C01"], voucher_code="ONE").status == 201
