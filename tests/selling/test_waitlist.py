"""Waiting lists end to end: joining a sold-out showtime, offers when seats free up (held
for 15 minutes, e-mailed once through the e-mail queue), ordering with an offer, lapses
passing the seats on, leaving."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.booking import orders, service
from chalicelib.booking.rules import OrderStatus
from chalicelib.boxoffice import counters
from chalicelib.core import clock
from chalicelib.selling.waitlist import sweep_waitlists
from chalicelib.selling.waitlist_rules import EntryStatus
from tests.booking.support import hall_layout, make_showtime, user_token
from tests.booking.test_contention import no_stranded_rule
from tests.selling.waitlist_support import assert_consistent, entries, offer_mails

__all__ = ["no_stranded_rule"]  # the fixture, used by name


def _row(seats: int) -> Any:
    return make_showtime(seats=hall_layout(rows="A", cols=seats, aisle_after=None))


def _sell_out(showtime_id: str, blocks: list[list[str]]) -> list[str]:
    """Hold every seat, in blocks, each by another fan; their order ids."""
    return [
        service.place_order(f"fan-{uuid.uuid4().hex[:6]}", showtime_id, seats, None).order.order_id
        for seats in blocks
    ]


def _token(user_id: str) -> str:
    """A fresh access token (tests move the clock past a token's 15 minutes)."""
    return user_token(user_id)[1]


def _join(api: Any, token: str, showtime_id: str, seats: int) -> Any:
    return api.as_user(token).post(f"/showtimes/{showtime_id}/waitlist", json={"seats": seats})


def _my_offer(api: Any, token: str) -> dict[str, Any]:
    mine = api.as_user(token).get("/me/waitlist").json
    assert mine and mine[0]["offer"] is not None, mine
    return dict(mine[0]["offer"])


def _order_with(api: Any, token: str, showtime_id: str, offer: dict[str, Any]) -> Any:
    return api.as_user(token).post(
        "/orders",
        json={
            "showtime_id": showtime_id,
            "seat_ids": offer["seat_ids"],
            "waitlist_offer": offer["token"],
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def test_a_sold_out_showtime_has_a_list_with_one_entry_per_user(
    api: Any, no_stranded_rule: None
) -> None:
    show = _row(4)
    _, ann = user_token("ann")
    refused = _join(api, ann, show.showtime_id, 2)
    assert refused.status == 409 and refused.json["type"].endswith("not-sold-out")
    _sell_out(show.showtime_id, [["A01", "A02", "A03", "A04"]])
    joined = _join(api, ann, show.showtime_id, 2)
    assert joined.status == 201, joined.text
    assert (joined.json["status"], joined.json["seats"], joined.json["offer"]) == (
        "waiting",
        2,
        None,
    )
    again = _join(api, ann, show.showtime_id, 1)
    assert again.status == 409 and again.json["type"].endswith("already-waiting")
    assert _join(api, ann, show.showtime_id, 7).status == 422
    assert _join(api, ann, "no-such-showtime", 1).status == 404
    assert api.post(f"/showtimes/{show.showtime_id}/waitlist", json={"seats": 1}).status == 401
    mine = api.as_user(ann).get("/me/waitlist").json
    assert [(e["showtime_id"], e["status"]) for e in mine] == [(show.showtime_id, "waiting")]
    assert api.as_user(ann).delete(f"/showtimes/{show.showtime_id}/waitlist").status == 204
    assert api.as_user(ann).get("/me/waitlist").json == []
    assert api.as_user(ann).delete(f"/showtimes/{show.showtime_id}/waitlist").status == 404


def test_freed_seats_are_offered_in_turn_held_for_one_user_and_ordered_with_the_offer(
    api: Any, no_stranded_rule: None
) -> None:
    show = _row(6)
    first, second = _sell_out(show.showtime_id, [["A01", "A02"], ["A03", "A04", "A05", "A06"]])
    tokens = {name: user_token(name)[1] for name in ("ann", "bob", "cai")}
    for name, seats in (("ann", 3), ("bob", 2), ("cai", 1)):
        assert _join(api, tokens[name], show.showtime_id, seats).status == 201
    assert offer_mails() == []

    # two seats free: ann (3) does not fit and keeps her place, bob (2) is next and fits
    orders.end_pending(first, OrderStatus.CANCELLED, "changed my mind")
    mails = offer_mails()
    assert [m["to"] for m in mails] == ["bob@example.com"]
    offer = _my_offer(api, tokens["bob"])
    assert offer["seat_ids"] == ["A01", "A02"] and offer["token"] in mails[0]["text"]
    assert {e.user_id: e.status for e in entries(show.showtime_id).values()} == {
        "ann": EntryStatus.WAITING,
        "bob": EntryStatus.OFFERED,
        "cai": EntryStatus.WAITING,
    }
    assert counters.seats_left(show.showtime_id) == 0  # held for bob alone
    assert_consistent(show.showtime_id)
    taken = api.as_user(tokens["cai"]).post(
        "/orders",
        json={"showtime_id": show.showtime_id, "seat_ids": ["A01"]},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert taken.status == 409 and taken.json["unavailable_seats"] == ["A01"]
    not_yours = _order_with(api, tokens["cai"], show.showtime_id, offer)
    assert not_yours.status == 422
    wrong_seats = _order_with(api, tokens["bob"], show.showtime_id, {**offer, "seat_ids": ["A01"]})
    assert wrong_seats.status == 422

    placed = _order_with(api, tokens["bob"], show.showtime_id, offer)
    assert placed.status == 201, placed.text
    assert placed.json["order"]["seat_ids"] == ["A01", "A02"]
    assert entries(show.showtime_id)["bob"].status == EntryStatus.ACCEPTED
    assert_consistent(show.showtime_id)
    replayed = _order_with(api, tokens["bob"], show.showtime_id, offer)
    assert replayed.status == 409 and replayed.json["type"].endswith("offer-closed")

    # four seats free: ann (3) first, then cai (1); each e-mailed once
    orders.end_pending(second, OrderStatus.CANCELLED, "changed my mind")
    mails = offer_mails()
    assert sorted(m["to"] for m in mails) == ["ann@example.com", "cai@example.com"]
    assert len(_my_offer(api, tokens["ann"])["seat_ids"]) == 3
    assert len(_my_offer(api, tokens["cai"])["seat_ids"]) == 1
    assert_consistent(show.showtime_id)

    # cai leaves: her seat is free again (nobody else waits)
    assert (
        api.as_user(tokens["cai"]).delete(f"/showtimes/{show.showtime_id}/waitlist").status == 204
    )
    assert counters.seats_left(show.showtime_id) == 1
    assert "cai" not in entries(show.showtime_id)
    assert offer_mails() == []
    assert_consistent(show.showtime_id)


def test_a_lapsed_offer_passes_the_seats_on_and_nobody_is_offered_the_same_seats_twice(
    api: Any, no_stranded_rule: None, frozen_clock: Any
) -> None:
    show = _row(2)
    _sell_out(show.showtime_id, [["A01", "A02"]])
    for name in ("ann", "bob"):
        assert _join(api, _token(name), show.showtime_id, 2).status == 201
    frozen_clock.advance(minutes=11)  # the fan's hold lapses; the sweeper ends the order
    from chalicelib.booking.expiry import expire_pending_orders

    assert expire_pending_orders(clock.now()) == 1
    assert [m["to"] for m in offer_mails()] == ["ann@example.com"]
    ann_offer = _my_offer(api, _token("ann"))
    frozen_clock.advance(minutes=10)
    assert sweep_waitlists(clock.now()) == 0  # still within its 15 minutes
    assert offer_mails() == []

    frozen_clock.advance(minutes=6)
    assert sweep_waitlists(clock.now()) == 2  # ann's offer lapsed, bob's made
    assert [m["to"] for m in offer_mails()] == ["bob@example.com"]
    assert entries(show.showtime_id)["ann"].status == EntryStatus.LAPSED
    late = _order_with(api, _token("ann"), show.showtime_id, ann_offer)
    assert late.status == 409
    assert_consistent(show.showtime_id)

    # ann joins again (bob's offer holds the seats: still sold out); when bob's offer
    # lapses the same two seats are free, and ann has had them once: nobody is offered them
    assert _join(api, _token("ann"), show.showtime_id, 2).status == 201
    frozen_clock.advance(minutes=16)
    assert sweep_waitlists(clock.now()) == 1  # bob's lapse only
    assert offer_mails() == []
    assert entries(show.showtime_id)["ann"].status == EntryStatus.WAITING
    assert counters.seats_left(show.showtime_id) == 2
    assert_consistent(show.showtime_id)


def test_seats_unblocked_or_refunded_by_the_box_office_are_offered_too(
    api: Any, no_stranded_rule: None
) -> None:
    from tests.boxoffice.support import paid_online, staff_api

    show = _row(3)
    staff = staff_api(api)
    paid = paid_online("fan-paid", show.showtime_id, ["A01"])
    _sell_out(show.showtime_id, [["A02"]])
    blocked = staff.put(
        f"/showtimes/{show.showtime_id}/blocked-seats", json={"seat_ids": ["A03"], "reason": "x"}
    )
    assert blocked.status == 200, blocked.text
    for name in ("ann", "bob"):
        assert _join(api, _token(name), show.showtime_id, 1).status == 201
    unblocked = staff.delete(
        f"/showtimes/{show.showtime_id}/blocked-seats", json={"seat_ids": ["A03"]}
    )
    assert unblocked.status == 200, unblocked.text
    assert [m["to"] for m in offer_mails()] == ["ann@example.com"]
    assert _my_offer(api, _token("ann"))["seat_ids"] == ["A03"]
    refunded = staff.post(f"/orders/{paid['order_id']}/refund", json={"reason": "ill"})
    assert refunded.status == 200, refunded.text
    assert [m["to"] for m in offer_mails()] == ["bob@example.com"]
    assert _my_offer(api, _token("bob"))["seat_ids"] == ["A01"]
    assert_consistent(show.showtime_id)
