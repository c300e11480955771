"""Waiting-list rules, without I/O: who is served first, which seats an offer holds, and
when an order may take an offer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.selling.waitlist_rules import (
    EntryStatus,
    FreeSeat,
    Waiting,
    allocate,
    claim_problem,
    may_move,
    may_rejoin,
    offer_hold_id,
    pick_seats,
)

pytestmark = pytest.mark.pure


def row(label: str, *cols: int) -> list[FreeSeat]:
    return [FreeSeat(f"{label}{c:02d}", label, c) for c in cols]


def test_entries_are_served_in_the_order_they_joined() -> None:
    free = row("A", 1, 2, 3, 4)
    entries = [Waiting("late", 2, position=30), Waiting("early", 2, position=10)]
    offers = allocate(entries, free)
    assert [(o.user_id, o.seat_ids) for o in offers] == [
        ("early", ("A01", "A02")),
        ("late", ("A03", "A04")),
    ]


def test_an_entry_that_does_not_fit_keeps_its_place_and_a_smaller_one_behind_is_served() -> None:
    free = row("A", 1, 2)
    entries = [Waiting("four", 4, position=1), Waiting("two", 2, position=2)]
    assert [o.user_id for o in allocate(entries, free)] == ["two"]
    assert [o.user_id for o in allocate(entries, row("A", 1, 2, 3, 4, 5, 6))] == ["four", "two"]


def test_nobody_is_offered_seats_they_were_offered_before() -> None:
    free = row("A", 1, 2, 3)
    entry = Waiting("ann", 2, position=1, offered_before=frozenset({"A01", "A02"}))
    assert allocate([entry], free) == []
    assert pick_seats(free, 1, {"A01", "A02"}) == ["A03"]


def test_seats_side_by_side_are_preferred_then_the_fewest_rows() -> None:
    free = [*row("A", 1, 3, 5), *row("B", 4, 5)]
    assert pick_seats(free, 2, ()) == ["B04", "B05"]
    assert pick_seats(free, 3, ()) == ["A01", "A03", "A05"]
    assert sorted(pick_seats(free, 4, ()) or []) == ["A01", "A03", "A05", "B04"]
    assert pick_seats(free, 6, ()) is None


@given(
    st.lists(st.integers(min_value=1, max_value=6), min_size=0, max_size=12),
    st.sets(st.integers(min_value=1, max_value=20), max_size=20),
)
def test_no_seat_is_in_two_offers_and_each_offer_is_what_was_asked(
    wishes: list[int], cols: set[int]
) -> None:
    free = row("A", *sorted(cols))
    entries = [Waiting(f"u{i}", n, position=i) for i, n in enumerate(wishes)]
    offers = allocate(entries, free)
    offered = [s for o in offers for s in o.seat_ids]
    assert len(offered) == len(set(offered))
    assert set(offered) <= {s.seat_id for s in free}
    wanted = {f"u{i}": n for i, n in enumerate(wishes)}
    assert all(len(o.seat_ids) == wanted[o.user_id] for o in offers)
    # an entry passed over could not have fitted in what was left when its turn came
    served = {o.user_id for o in offers}
    left = len(free)
    for i, n in enumerate(wishes):
        if f"u{i}" in served:
            left -= n
        else:
            assert n > left


def test_an_entry_moves_only_forward_and_rejoins_once_closed() -> None:
    assert may_move(EntryStatus.WAITING, EntryStatus.OFFERED)
    assert may_move(EntryStatus.OFFERED, EntryStatus.ACCEPTED)
    assert may_move(EntryStatus.OFFERED, EntryStatus.LAPSED)
    assert not may_move(EntryStatus.LAPSED, EntryStatus.OFFERED)
    assert not may_move(EntryStatus.WAITING, EntryStatus.ACCEPTED)
    assert not may_move(EntryStatus.ACCEPTED, EntryStatus.WAITING)
    assert may_rejoin(None) and may_rejoin(EntryStatus.LAPSED) and may_rejoin(EntryStatus.ACCEPTED)
    assert not may_rejoin(EntryStatus.WAITING) and not may_rejoin(EntryStatus.OFFERED)


def test_an_order_takes_only_an_open_offer_within_its_time() -> None:
    assert claim_problem(EntryStatus.OFFERED, "o1", "o1", expires_at=200, now=100) is None
    assert claim_problem(EntryStatus.OFFERED, "o1", "o1", 100, 100) == "this offer has expired"
    assert claim_problem(EntryStatus.OFFERED, "o2", "o1", 200, 100) == (
        "this offer is no longer open"
    )
    assert claim_problem(EntryStatus.ACCEPTED, "o1", "o1", 200, 100) is not None
    assert offer_hold_id("o1") == "offer:o1"
