"""Properties of the booking rules over many generated cases (hypothesis), without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.booking.rules import (
    TRANSITIONS,
    CouponKind,
    CouponRecordStatus,
    CouponTerms,
    IllegalTransition,
    OrderStatus,
    PriceLine,
    SeatState,
    SeatStatus,
    can_transition,
    check_transition,
    quote,
    stranded_seats,
)

pytestmark = pytest.mark.pure

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
NOW_EPOCH = int(NOW.timestamp())

prices = st.lists(st.integers(min_value=0, max_value=50_000), min_size=1, max_size=6)
coupons = st.builds(
    CouponTerms,
    coupon_id=st.just("c1"),
    kind=st.sampled_from([CouponKind.FIXED, CouponKind.THRESHOLD, CouponKind.PERCENT]),
    valid_from=st.just(NOW - timedelta(days=1)),
    valid_until=st.just(NOW + timedelta(days=1)),
    amount_off=st.integers(min_value=0, max_value=100_000),
    min_subtotal=st.integers(min_value=0, max_value=100_000),
    percent_off=st.integers(min_value=1, max_value=99),
)


@given(prices, coupons, st.sampled_from([CouponRecordStatus.UNUSED, CouponRecordStatus.USED]))
def test_a_total_is_never_below_zero_nor_above_the_subtotal(
    amounts: list[int], terms: CouponTerms, record: str
) -> None:
    lines = [PriceLine(f"A{i}", "standard", amount) for i, amount in enumerate(amounts)]
    result = quote(lines, "cny", "m1", NOW, (terms, record))
    assert result.subtotal == sum(amounts)
    assert 0 <= result.discount <= result.subtotal
    assert 0 <= result.total <= result.subtotal
    assert result.total == result.subtotal - result.discount
    if result.coupon_problem is not None:
        assert result.discount == 0


statuses = st.sampled_from(list(TRANSITIONS))


@given(st.lists(statuses, max_size=8))
def test_the_status_machine_only_moves_forward_and_terminal_states_stay(
    wanted: list[str],
) -> None:
    current, seen = OrderStatus.PENDING_PAYMENT, [OrderStatus.PENDING_PAYMENT]
    for status in wanted:
        try:
            check_transition(current, status)
        except IllegalTransition:
            assert status not in TRANSITIONS[current]
            continue
        assert status in TRANSITIONS[current]
        previous, current = current, status
        if (previous, current) == (OrderStatus.USED, OrderStatus.PAID):
            # the one way back: a check-in undone at the box office; it may be checked in again
            seen.remove(OrderStatus.USED)
            continue
        assert current not in seen  # no status is ever reached twice otherwise: no cycles
        seen.append(current)
    if not TRANSITIONS[current]:  # terminal: nothing moves it again
        assert not any(can_transition(current, status) for status in TRANSITIONS)


seat_status = st.sampled_from([SeatStatus.AVAILABLE, SeatStatus.SOLD, SeatStatus.HELD])


@st.composite
def rows_and_choices(draw: st.DrawFn) -> tuple[list[SeatState], list[str]]:
    """One row of up to 12 places, some of them aisles; some seats held (lapsed or not) or
    sold; a choice among the free ones."""
    seats = []
    for col in range(draw(st.integers(min_value=1, max_value=12))):
        if draw(st.integers(0, 5)) == 0:
            continue  # an aisle
        status = draw(seat_status)
        expires = (
            NOW_EPOCH + draw(st.sampled_from([-60, 60])) if status == SeatStatus.HELD else None
        )
        seats.append(SeatState(f"A{col}", "A", col, status, hold_expires_at=expires))
    free = [s.seat_id for s in seats if s.effective(NOW_EPOCH) == SeatStatus.AVAILABLE]
    chosen = draw(st.lists(st.sampled_from(free), unique=True)) if free else []
    return seats, chosen


def lone_free_seats_beside(seats: list[SeatState], chosen: list[str]) -> set[str]:
    """The oracle, stated the other way round: after the choice, the free runs of exactly
    one seat (between taken seats, aisles or ends) with a chosen seat next to them."""
    by_col = {s.col: s for s in seats}

    def free(col: int) -> bool:
        seat = by_col.get(col)
        return (
            seat is not None
            and seat.seat_id not in chosen
            and seat.effective(NOW_EPOCH) == SeatStatus.AVAILABLE
        )

    def chosen_at(col: int) -> bool:
        return col in by_col and by_col[col].seat_id in chosen

    return {
        by_col[col].seat_id
        for col in by_col
        if free(col)
        and not free(col - 1)
        and not free(col + 1)
        and (chosen_at(col - 1) or chosen_at(col + 1))
    }


@given(rows_and_choices())
def test_stranded_seats_are_exactly_the_lone_free_seats_beside_the_choice(
    case: tuple[list[SeatState], list[str]],
) -> None:
    seats, chosen = case
    found = stranded_seats(seats, chosen, NOW_EPOCH)
    assert len(found) == len(set(found))
    assert set(found) == lone_free_seats_beside(seats, chosen)
