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
from chalicelib.boxoffice import counters
from chalicelib.boxoffice.models import ShowtimeCounter
from chalicelib.catalog.models import Showtime
from chalicelib.catalog.rules import SeatSpec
from chalicelib.catalog.schemas import ShowtimePatch
from chalicelib.catalog.showtimes import update_showtime
from chalicelib.catalog.support import withdraw_future_showtimes
from chalicelib.core.errors import Conflict
from chalicelib.selling.ticket_types import set_ticket_prices
from tests.booking.support import PRICES, Show, make_showtime


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
    # free on both sides: what could strand a seat is the seat beyond each free neighbour
    assert sorted(k["seat_id"]["S"] for k in checks) == ["R21-08", "R21-13"]
    # the cached terms are checked on the counter shard the hold counts on, not on the
    # showtime item every hold of the showtime would share
    (counted,) = [i["Update"] for i in items if i.get("Update", {}).get("Key", {}).get("shard")]
    assert counted["ConditionExpression"] == "#terms_stamp = :terms_stamp"
    assert counted["ExpressionAttributeValues"][":terms_stamp"]["S"] == terms_stamp(show)
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
    # the choice, and the neighbours this container never saw (R20-10 it held itself)
    assert keys_read(requests_sent[0]) == ["R20-09", "R20-11", "R20-12", "R20-13", "R20-14"]


def keys_read(request: tuple[str, dict[str, Any]]) -> list[str]:
    (keys,) = [r["Keys"] for r in request[1]["RequestItems"].values()]
    return sorted(k["seat_id"]["S"] for k in keys)


def test_in_a_rush_a_refusal_reads_only_the_chosen_seats_once_their_neighbours_were_seen(
    requests_sent: list[tuple[str, dict[str, Any]]],
) -> None:
    show = make_showtime(seats=big_hall())
    service.hold_order("ann", show.showtime_id, ["R20-10", "R20-11"], None)
    with pytest.raises(SeatsUnavailable):  # reads the neighbours, once
        service.hold_order("bob", show.showtime_id, ["R20-11", "R20-12"], None)
    requests_sent.clear()

    with pytest.raises(SeatsUnavailable) as refused:
        service.hold_order("cid", show.showtime_id, ["R20-11", "R20-12"], None)

    assert refused.value.extra == {"unavailable_seats": ["R20-11"]}
    assert [name for name, _ in requests_sent] == ["BatchGetItem"]
    assert keys_read(requests_sent[0]) == ["R20-11", "R20-12"]


def test_a_neighbour_last_seen_free_and_sold_since_costs_a_cancelled_hold_then_a_read(
    requests_sent: list[tuple[str, dict[str, Any]]],
) -> None:
    show = make_showtime(seats=big_hall())
    service.hold_order("ann", show.showtime_id, ["R05-10", "R05-11"], None)  # fills the caches
    hints.saw_taken(show.showtime_id, ["R22-10"])  # stale: the choice is read first
    hints.saw_free(show.showtime_id, ["R22-08", "R22-09", "R22-12", "R22-13"])
    # sold by "another container" since: holding R22-10 would leave R22-09 alone
    Seat(show.showtime_id, "R22-08").update(actions=[Seat.status.set(SeatStatus.SOLD)])
    requests_sent.clear()

    with pytest.raises(StrandedSeats) as refused:
        service.hold_order("bob", show.showtime_id, ["R22-10", "R22-11"], None)

    assert refused.value.extra == {"stranded_seats": ["R22-09"]}
    names = [name for name, _ in requests_sent]
    assert names == ["BatchGetItem", "TransactWriteItems", "BatchGetItem"]
    assert keys_read(requests_sent[0]) == ["R22-10", "R22-11"]
    assert keys_read(requests_sent[2]) == [f"R22-{c:02d}" for c in (8, 9, 10, 11, 12, 13)]
    assert Seat.get(show.showtime_id, "R22-10").status == SeatStatus.AVAILABLE


def test_a_neighbour_wrongly_remembered_taken_costs_a_read_never_a_refusal(
    requests_sent: list[tuple[str, dict[str, Any]]],
) -> None:
    show = make_showtime(seats=big_hall())
    service.hold_order("ann", show.showtime_id, ["R05-10", "R05-11"], None)  # fills the caches
    hints.saw_taken(show.showtime_id, ["R24-10", "R24-08"])  # stale: nobody holds them
    hints.saw_free(show.showtime_id, ["R24-09", "R24-12", "R24-13"])
    requests_sent.clear()

    order = service.hold_order("bob", show.showtime_id, ["R24-10", "R24-11"], None)

    # the hints alone would strand R24-09: its neighbours are read before deciding
    names = [name for name, _ in requests_sent]
    assert names == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]
    assert keys_read(requests_sent[1]) == ["R24-08", "R24-09", "R24-12", "R24-13"]
    assert Seat.get(show.showtime_id, "R24-10").order_id == order.order_id


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


def test_in_a_rush_holds_read_first_until_choices_are_found_free_again(
    requests_sent: list[tuple[str, dict[str, Any]]],
) -> None:
    """Other containers sell seats this one never saw: after a few cancelled guesses a
    taken choice costs one read; once holds succeed again, guessing resumes."""
    show = make_showtime(seats=big_hall())
    service.hold_order("ann", show.showtime_id, ["R20-10", "R20-11"], None)
    for row in range(30, 34):  # sold elsewhere
        for col in (10, 11):
            Seat(show.showtime_id, f"R{row}-{col}").update(
                actions=[Seat.status.set(SeatStatus.SOLD)]
            )

    sent = []
    for row in range(30, 34):
        requests_sent.clear()
        with pytest.raises(SeatsUnavailable):
            service.hold_order("bob", show.showtime_id, [f"R{row}-10", f"R{row}-11"], None)
        sent.append([name for name, _ in requests_sent])
    assert sent == [["TransactWriteItems"]] * 3 + [["BatchGetItem"]]

    sent = []
    for row in range(0, 10):
        requests_sent.clear()
        service.hold_order("cid", show.showtime_id, [f"R{row:02d}-10", f"R{row:02d}-11"], None)
        sent.append([name for name, _ in requests_sent])
    assert sent[0] == ["BatchGetItem", "TransactWriteItems"]
    assert sent[-1] == ["TransactWriteItems"]


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


def test_new_ticket_prices_and_a_withdrawal_are_never_missed_by_a_cached_container() -> None:
    show = make_showtime()
    service.hold_order("ann", show.showtime_id, ["A01", "A02"], None)  # terms cached here

    # "another container": staff start selling child tickets
    child = {seat_type: 1500 for seat_type in PRICES}
    set_ticket_prices(Showtime.get(show.showtime_id), {"child": child})
    order = service.hold_order(
        "bob", show.showtime_id, ["B01", "B02"], None, ticket_types={"B01": "child"}
    )
    assert [(line.ticket_type, int(line.price)) for line in order.lines] == [
        ("child", 1500),
        ("adult", PRICES["standard"]),
    ]

    withdraw_future_showtimes(Showtime.by_movie, show.movie_id)  # the movie was deleted
    with pytest.raises(Conflict, match="closed"):
        service.hold_order("cid", show.showtime_id, ["C01", "C02"], None)


def terms_stamp(show: Show) -> str:
    stamp = Showtime.get(show.showtime_id).terms_stamp
    assert stamp
    return stamp


def shards_of(show: Show) -> list[ShowtimeCounter]:
    return list(ShowtimeCounter.query(show.showtime_id, consistent_read=True))


def test_every_write_of_a_showtime_restamps_its_terms_on_every_counter_shard() -> None:
    show = make_showtime()
    first = terms_stamp(show)
    assert {s.terms_stamp for s in shards_of(show)} == {first}
    assert len(shards_of(show)) == counters.SHARDS

    update_showtime(show.showtime_id, ShowtimePatch(language="zh"))

    second = terms_stamp(show)
    assert second != first
    assert {s.terms_stamp for s in shards_of(show)} == {second}


def test_a_counter_shard_that_lost_the_stamp_costs_an_attempt_never_a_refusal(
    requests_sent: list[tuple[str, dict[str, Any]]],
) -> None:
    show = make_showtime()
    service.hold_order("ann", show.showtime_id, ["A01", "A02"], None)  # terms cached here
    for shard in shards_of(show):
        shard.update(actions=[ShowtimeCounter.terms_stamp.remove()])
    requests_sent.clear()

    order = service.hold_order("bob", show.showtime_id, ["B01", "B02"], None)

    names = [name for name, _ in requests_sent]
    assert names == ["TransactWriteItems", "GetItem", "TransactWriteItems"]
    checks = [
        i["ConditionCheck"]["Key"]
        for i in requests_sent[2][1]["TransactItems"]
        if "ConditionCheck" in i
    ]
    assert {"showtime_id": {"S": show.showtime_id}} in checks  # the version decided
    assert Seat.get(show.showtime_id, "B01").order_id == order.order_id
    assert counters.tally(show.showtime_id).held == 4


def test_a_showtime_from_before_terms_stamps_is_checked_on_its_version() -> None:
    show = make_showtime()
    Showtime(show.showtime_id).update(actions=[Showtime.terms_stamp.remove()])
    service.hold_order("ann", show.showtime_id, ["A01", "A02"], None)  # terms cached here
    Showtime(show.showtime_id).update(  # "another container", from before stamps
        actions=[Showtime.sales_open.set(False), Showtime.version.add(1)]
    )

    with pytest.raises(Conflict, match="closed"):
        service.hold_order("bob", show.showtime_id, ["B01", "B02"], None)


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
