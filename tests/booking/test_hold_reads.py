"""What a hold reads and trusts: the chosen seats and their neighbours only (never the
whole hall), the seat plan and the showtime's terms from the container's cache, and a
transaction that notices when the cached terms went out of date."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.booking import service
from chalicelib.booking.models import Seat, SeatPlan
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


def test_a_hold_in_a_big_hall_reads_only_the_chosen_seats_and_their_neighbours(
    requests_sent: list[tuple[str, dict[str, Any]]],
) -> None:
    show = make_showtime(seats=big_hall())
    service.hold_order("ann", show.showtime_id, ["R20-10", "R20-11"], None)  # fills the caches
    requests_sent.clear()

    order = service.hold_order("bob", show.showtime_id, ["R21-10", "R21-11"], None)

    assert [name for name, _ in requests_sent] == ["BatchGetItem", "TransactWriteItems"]
    (keys,) = [r["Keys"] for r in requests_sent[0][1]["RequestItems"].values()]
    assert sorted(k["seat_id"]["S"] for k in keys) == [
        "R21-08",
        "R21-09",
        "R21-10",
        "R21-11",
        "R21-12",
        "R21-13",
    ]
    items = requests_sent[1][1]["TransactItems"]
    checks = [i["ConditionCheck"]["Key"] for i in items if "ConditionCheck" in i]
    checked = sorted(k.get("seat_id", k["showtime_id"])["S"] for k in checks)
    # free on both sides: what could strand a seat is the seat beyond each free neighbour
    assert checked == sorted(["R21-08", "R21-13", show.showtime_id])
    assert Seat.get(show.showtime_id, "R21-10").order_id == order.order_id


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
