"""What a hold reads and trusts: at most the chosen seats and their neighbours (never the
whole hall; nothing when this container's hints promise a yes, which the transaction then
checks), the seat plan and the showtime's terms from the container's cache, and a
transaction that notices when the cached terms went out of date."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.booking import hints, service
from chalicelib.booking.models import Seat, SeatPlan
from chalicelib.booking.rules import SeatStatus
from chalicelib.booking.schemas import SeatsUnavailable, StrandedSeats
from chalicelib.catalog.rules import SeatSpec
from chalicelib.catalog.schemas import ShowtimePatch
from chalicelib.catalog.showtimes import update_showtime
from chalicelib.core.errors import Conflict
from tests.booking.support import make_showtime


def big_hall(rows: int = 40, per_row: int = 50) -> list[SeatSpec]:
    return [
        SeatSpec(f"R{r:02d}-{c:02d}", f"R{r:02d}", r, c, "standard")
        for r in range(rows)
        for c in range(per_row)
    ]


def test_a_hold_in_a_big_hall_is_one_transaction_that_checks_what_the_rule_rested_on(
    requests_sent: list[tuple[str, dict[str, Any]]],
) -> None:
    show = make_showtime(seats=big_hall())
    service.hold_order("ann", show.showtime_id, ["R20-10", "R20-11"], None)  # fills the caches
    requests_sent.clear()

    order = service.hold_order("bob", show.showtime_id, ["R21-10", "R21-11"], None)

    # nothing seen taken near the choice: no read, the transaction checks the guess
    assert [name for name, _ in requests_sent] == ["TransactWriteItems"]
    items = requests_sent[0][1]["TransactItems"]
    checks = [i["ConditionCheck"]["Key"] for i in items if "ConditionCheck" in i]
    checked = sorted(k.get("seat_id", k["showtime_id"])["S"] for k in checks)
    # free on both sides: what could strand a seat is the seat beyond each free neighbour
    assert checked == sorted(["R21-08", "R21-13", show.showtime_id])
    assert Seat.get(show.showtime_id, "R21-10").order_id == order.order_id


def test_a_choice_seen_taken_is_read_first_and_refused_by_the_read(
    requests_sent: list[tuple[str, dict[str, Any]]],
) -> None:
    show = make_showtime(seats=big_hall())
    service.hold_order("ann", show.showtime_id, ["R20-10", "R20-11"], None)
    requests_sent.clear()

    with pytest.raises(SeatsUnavailable) as refused:
        service.hold_order("bob", show.showtime_id, ["R20-11", "R20-12"], None)

    assert refused.value.extra == {"unavailable_seats": ["R20-11"]}
    assert [name for name, _ in requests_sent] == ["BatchGetItem"]
    (keys,) = [r["Keys"] for r in requests_sent[0][1]["RequestItems"].values()]
    assert sorted(k["seat_id"]["S"] for k in keys) == [
        "R20-09",
        "R20-10",
        "R20-11",
        "R20-12",
        "R20-13",
        "R20-14",
    ]


def test_a_wrong_guess_costs_one_cancelled_transaction_then_the_read_decides(
    requests_sent: list[tuple[str, dict[str, Any]]],
) -> None:
    show = make_showtime(seats=big_hall())
    service.hold_order("ann", show.showtime_id, ["R20-10", "R20-11"], None)
    # sold by "another container": this one has never seen it taken
    Seat(show.showtime_id, "R22-08").update(actions=[Seat.status.set(SeatStatus.SOLD)])
    requests_sent.clear()

    with pytest.raises(StrandedSeats) as refused:
        service.hold_order("bob", show.showtime_id, ["R22-10", "R22-11"], None)

    assert refused.value.extra == {"stranded_seats": ["R22-09"]}
    assert [name for name, _ in requests_sent] == ["TransactWriteItems", "BatchGetItem"]
    assert Seat.get(show.showtime_id, "R22-10").status == SeatStatus.AVAILABLE


def test_a_guess_never_refuses_a_choice_the_seats_allow() -> None:
    """Hints that wrongly say a chosen seat is taken cost a read, not a refusal."""
    show = make_showtime(seats=big_hall())
    hints.saw_taken(show.showtime_id, ["R23-10"])  # stale: nobody holds it

    order = service.hold_order("bob", show.showtime_id, ["R23-10", "R23-11"], None)

    assert Seat.get(show.showtime_id, "R23-10").order_id == order.order_id


def test_a_change_to_the_showtime_is_never_missed_by_a_container_that_cached_it() -> None:
    show = make_showtime()
    service.hold_order("ann", show.showtime_id, ["A01", "A02"], None)  # terms cached here

    update_showtime(show.showtime_id, ShowtimePatch(sales_open=False))  # "another container"
    with pytest.raises(Conflict, match="closed"):
        service.hold_order("bob", show.showtime_id, ["B01", "B02"], None)

    update_showtime(show.showtime_id, ShowtimePatch(sales_open=True))
    assert service.hold_order("bob", show.showtime_id, ["B01", "B02"], None).seat_ids == [
        "B01",
        "B02",
    ]


def test_a_showtime_from_before_seat_plans_gets_its_plan_on_first_hold() -> None:
    show = make_showtime()
    SeatPlan(show.showtime_id).delete()

    service.hold_order("ann", show.showtime_id, ["A01", "A02"], None)

    rows = SeatPlan.get(show.showtime_id).rows
    assert [row[0] for row in rows] == list("ABCDE")
    assert rows[0][2][:5] == [
        ["A01", 0, "standard"],
        ["A02", 1, "standard"],
        ["A03", 2, "standard"],
        ["A04", 3, "standard"],
        ["A05", 5, "standard"],  # after the aisle
    ]
