"""Cancelling a showtime: sales stop at once, every order is settled through the
box-office queue, resumably and once, also while customers are still buying."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from chalicelib.accounts.tokens import Principal
from chalicelib.booking import service, settlement
from chalicelib.booking.models import Order, Seat
from chalicelib.booking.payments import refunded_amount
from chalicelib.boxoffice import cancellation, counters, notices
from chalicelib.boxoffice.models import CancelledOrder
from chalicelib.core.errors import AppError, Conflict
from chalicelib.core.stripe_api import stripe_client
from tests.booking.support import make_showtime, make_users, pay_by_card, user_token
from tests.boxoffice.support import paid_online, queued_emails, run_jobs, staff_api, truth


def cancel(api: Any, showtime_id: str) -> Any:
    return api.post(f"/showtimes/{showtime_id}/cancel", json={"reason": "projector fire"})


def test_cancelling_stops_sales_and_settles_every_order(api: Any) -> None:
    show = make_showtime()
    make_users(["carol"])
    paid = paid_online("alice", show.showtime_id, ["A01", "A02"])
    pending = service.place_order("carol", show.showtime_id, ["B01"], None)
    staff = staff_api(api)
    walk_in = staff.post(
        f"/showtimes/{show.showtime_id}/counter-sales",
        json={"seat_ids": ["C01"], "paid_by": "cash"},
        headers={"Idempotency-Key": "w1"},
    ).json["order"]

    answer = cancel(staff, show.showtime_id)
    assert answer.status == 202, answer.json
    assert answer.json["status"] == "running"
    # sales stop at once
    with pytest.raises(Conflict):
        service.place_order("dave", show.showtime_id, ["D01"], None)
    refused = staff.post(
        f"/showtimes/{show.showtime_id}/counter-sales",
        json={"seat_ids": ["D02"], "paid_by": "cash"},
        headers={"Idempotency-Key": "w2"},
    )
    assert refused.status == 409
    assert api.get(f"/showtimes/{show.showtime_id}").json["sales_open"] is False

    assert run_jobs() == 4  # the scan, then one job per order
    progress = staff.get(f"/showtimes/{show.showtime_id}/cancellation").json
    assert progress["status"] == "done"
    assert (progress["orders_total"], progress["orders_done"]) == (3, 3)
    assert (progress["refunded"], progress["cancelled_pending"]) == (2, 1)
    assert Order.get(paid["order_id"]).status == "refunded"
    assert refunded_amount(paid["payment_intent_id"]) == 9000
    assert Order.get(walk_in["order_id"]).status == "refunded"
    assert Order.get(pending.order.order_id).status == "cancelled"
    intent = stripe_client().v1.payment_intents.retrieve(pending.payment.payment_intent_id)
    assert intent.status == "canceled"
    told = sorted(m["to"] for m in queued_emails("showtime_cancelled"))
    assert told == ["alice@example.com", "carol@example.com"]
    assert all(s.status == "available" for s in Seat.query(show.showtime_id))
    tally = counters.tally(show.showtime_id)
    assert (tally.held, tally.sold, tally.net) == (0, 0, 0)
    assert tally == truth(show.showtime_id)

    # asking again answers the same cancellation and changes nothing
    again = cancel(staff, show.showtime_id)
    assert again.status == 202 and again.json["orders_done"] == 3
    run_jobs()
    assert refunded_amount(paid["payment_intent_id"]) == 9000


def test_a_payment_arriving_after_the_cancellation_is_refunded(api: Any) -> None:
    show = make_showtime()
    make_users(["carol"])
    pending = service.place_order("carol", show.showtime_id, ["B01"], None)
    intent_id = pending.payment.payment_intent_id
    assert cancel(staff_api(api), show.showtime_id).status == 202
    # the customer pays before the fan-out reaches the order
    assert pay_by_card(intent_id) == "succeeded"
    settlement.settle_payment(intent_id)
    order = Order.get(pending.order.order_id)
    assert order.status == "cancelled" and "cancelled" in order.status_reason
    assert refunded_amount(intent_id) == 4500
    run_jobs()
    assert refunded_amount(intent_id) == 4500
    assert counters.tally(show.showtime_id) == truth(show.showtime_id)


def test_a_crash_mid_way_is_finished_by_the_redelivered_job_and_refunds_once(
    api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    show = make_showtime()
    paid = paid_online("alice", show.showtime_id, ["A01"])
    assert cancel(staff_api(api), show.showtime_id).status == 202
    cancellation.scan(show.showtime_id)
    cancellation.scan(show.showtime_id)  # a redelivered scan queues the orders again

    def crash(*args: Any) -> bool:
        raise RuntimeError("the Lambda died here")

    monkeypatch.setattr(notices, "showtime_cancelled", crash)
    with pytest.raises(RuntimeError):
        cancellation.settle_order(show.showtime_id, paid["order_id"])
    assert Order.get(paid["order_id"]).status == "refunded"  # refunded, not yet counted
    monkeypatch.undo()
    assert cancellation.settle_order(show.showtime_id, paid["order_id"]) == "refunded"
    run_jobs()  # every queued copy: nothing more happens
    assert refunded_amount(paid["payment_intent_id"]) == 4500
    assert len(list(CancelledOrder.query(show.showtime_id))) == 1
    progress = cancellation.progress(show.showtime_id)
    assert progress is not None
    assert (progress.orders_total, progress.orders_done, progress.refunded) == (1, 1, 1)


def test_cancelling_races_customers_ordering_and_paying(api: Any) -> None:
    """Customers hold and pay while staff cancel: whatever order things commit in, no
    order of the showtime stays paid and every payment is refunded in full, once."""
    show = make_showtime()
    staff_id, _ = user_token(staff=True)
    clerk = Principal(staff_id, frozenset({"user", "staff"}))
    customers = [f"racer-{i}" for i in range(12)]
    make_users(customers)
    early = [
        paid_online(c, show.showtime_id, [f"{row}01"])
        for row, c in zip("ABD", customers[:3], strict=True)
    ]
    barrier = threading.Barrier(len(customers) - 3 + 1)
    intents: list[str] = []

    def buy(i: int, customer: str) -> None:
        barrier.wait()
        try:
            placed = service.place_order(customer, show.showtime_id, [f"C{i + 1:02d}"], None)
            intents.append(placed.payment.payment_intent_id)
            if pay_by_card(placed.payment.payment_intent_id) == "succeeded":
                settlement.settle_payment(placed.payment.payment_intent_id)
        except AppError:
            pass  # sales closed, or the showtime moved under the hold: refused cleanly

    def cancel_now() -> None:
        barrier.wait()
        cancellation.cancel_showtime(show.showtime_id, "storm", clerk)

    threads = [threading.Thread(target=buy, args=(i, c)) for i, c in enumerate(customers[3:])]
    threads.append(threading.Thread(target=cancel_now))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run_jobs()
    # what the fan-out could not see (a hold committed around the cancellation) ends by
    # the sweeper and the payment settlement: expire what is left, settle every intent
    from chalicelib.booking import expiry
    from chalicelib.core import clock

    for intent in intents:
        settlement.settle_payment(intent)
    expiry.expire_pending_orders(clock.now().replace(year=clock.now().year + 1))
    showtime_orders = [o for o in Order.scan() if o.showtime_id == show.showtime_id]
    assert showtime_orders
    assert not [
        o.order_id for o in showtime_orders if o.status in ("paid", "used", "pending_payment")
    ]
    for order in showtime_orders:
        if order.payment_intent_id:
            intent = stripe_client().v1.payment_intents.retrieve(order.payment_intent_id)
            taken = int(intent.amount) if intent.status == "succeeded" else 0
            assert refunded_amount(order.payment_intent_id) == taken, order.order_id
    assert all(o.status == "refunded" for o in Order.batch_get([e["order_id"] for e in early]))
    tally = counters.tally(show.showtime_id)
    assert (tally.sold, tally.net) == (0, 0)
