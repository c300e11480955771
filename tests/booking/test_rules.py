"""The booking rules, without I/O: milliseconds each."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.booking.rules import (
    TRANSITIONS,
    CouponTerms,
    IllegalTransition,
    IntentFacts,
    OrderStatus,
    PriceLine,
    SeatState,
    SeatStatus,
    Settle,
    can_transition,
    check_transition,
    coupon_problem,
    decisive_seats,
    discount_for,
    effective_status,
    hold_expiry,
    may_cancel_paid,
    nearby_seats,
    order_number,
    payment_problem,
    quote,
    sales_are_open,
    seat_count_problem,
    settlement_for,
    signature_time_problem,
    stranded_seats,
)

pytestmark = pytest.mark.pure

NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
EPOCH = int(NOW.timestamp())


def row(pattern: str, label: str = "A") -> list[SeatState]:
    """``pattern``: one char per col: ``.`` free, ``x`` sold, ``h`` held (live), ``e`` held
    (expired), ``_`` aisle (no seat). Seat ids are ``A0``, ``A1``... by col."""
    seats = []
    for col, char in enumerate(pattern):
        if char == "_":
            continue
        status = {".": SeatStatus.AVAILABLE, "x": SeatStatus.SOLD}.get(char, SeatStatus.HELD)
        expires = EPOCH + 60 if char == "h" else EPOCH - 60 if char == "e" else None
        seats.append(SeatState(f"{label}{col}", label, col, status, None, expires))
    return seats


# --- stranded single seat ---------------------------------------------------------------


def test_choice_leaving_one_seat_before_a_taken_seat_is_refused() -> None:
    assert stranded_seats(row("x.....x"), ["A2", "A3"], EPOCH) == ["A1"]


def test_choice_leaving_one_seat_at_the_row_end_is_refused() -> None:
    assert stranded_seats(row("......"), ["A1", "A2"], EPOCH) == ["A0"]


def test_choice_next_to_a_taken_seat_or_the_row_end_is_fine() -> None:
    assert stranded_seats(row("x.....x"), ["A1", "A2"], EPOCH) == []
    assert stranded_seats(row("......"), ["A0", "A1"], EPOCH) == []
    assert stranded_seats(row("......"), ["A2", "A3"], EPOCH) == []


def test_a_single_gap_between_chosen_seats_is_refused() -> None:
    assert stranded_seats(row("x....."), ["A1", "A3"], EPOCH) == ["A2"]


def test_an_aisle_breaks_adjacency_like_a_row_end() -> None:
    # cols 0-2 | aisle at 3 | cols 4-6: cols 0-1 leave col 2 alone before the aisle
    assert stranded_seats(row("..._..."), ["A0", "A1"], EPOCH) == ["A2"]
    # col 4 is not a neighbour of col 2 across the aisle, so it is not blamed on the choice
    assert stranded_seats(row("..._.x"), ["A0", "A1", "A2"], EPOCH) == []


def test_an_expired_hold_counts_as_a_free_seat() -> None:
    assert stranded_seats(row("e....."), ["A1", "A2"], EPOCH) == ["A0"]
    assert stranded_seats(row("h....."), ["A1", "A2"], EPOCH) == []


def test_other_rows_are_not_judged() -> None:
    seats = row("......", "A") + row("x.x...", "B")
    assert stranded_seats(seats, ["A0", "A1"], EPOCH) == []


def test_a_single_seat_stranded_before_the_choice_is_not_blamed_on_it() -> None:
    assert stranded_seats(row("x.x..."), ["A3", "A4", "A5"], EPOCH) == []


def test_the_seats_that_matter_are_two_either_side_up_to_an_aisle_or_the_row_end() -> None:
    seats = row("......_...")  # cols 0-5 | aisle | cols 7-9
    assert nearby_seats(seats, {"A2", "A3"}) == ["A0", "A1", "A4", "A5"]
    assert nearby_seats(seats, {"A5"}) == ["A3", "A4"]  # the aisle ends the row's block
    assert nearby_seats(seats, {"A0", "A8"}) == ["A1", "A2", "A7", "A9"]


def test_the_stranded_seat_rule_on_the_nearby_seats_alone_agrees_with_the_whole_row() -> None:
    rng = random.Random(11)
    for _ in range(500):
        pattern = "".join(rng.choice("..xhe_") for _ in range(12))
        seats = [s for s in row(pattern) if s.status == SeatStatus.AVAILABLE]
        if not seats:
            continue
        start = rng.randrange(len(seats))
        chosen = [s.seat_id for s in seats[start : start + rng.randint(1, 3)]]
        whole = row(pattern)
        near = set(nearby_seats(whole, set(chosen))) | set(chosen)
        window = [s for s in whole if s.seat_id in near]
        assert stranded_seats(window, chosen, EPOCH) == stranded_seats(whole, chosen, EPOCH)


def test_a_hold_rests_on_the_seat_beyond_a_free_neighbour_or_on_a_taken_neighbour() -> None:
    # free on both sides: a seat taken beyond either free neighbour would strand it
    assert decisive_seats(row("........"), {"A3", "A4"}, EPOCH) == ["A1", "A6"]
    # taken on the left: freeing it would strand it; the right as before
    assert decisive_seats(row("..x....."), {"A3", "A4"}, EPOCH) == ["A2", "A6"]
    # at the row's end and at an aisle there is nothing beyond to watch
    assert decisive_seats(row("....._.."), {"A3", "A4"}, EPOCH) == ["A1"]
    # an expired hold is a free neighbour
    assert decisive_seats(row("..e....."), {"A3", "A4"}, EPOCH) == ["A1", "A6"]


# --- counts, windows, holds --------------------------------------------------------------


def test_one_to_six_distinct_seats() -> None:
    assert seat_count_problem([], 6) == "choose at least one seat"
    assert seat_count_problem(["A1"] * 2, 6) == "a seat is listed twice"
    assert seat_count_problem([f"A{i}" for i in range(7)], 6) == "at most 6 seats per order"
    assert seat_count_problem([f"A{i}" for i in range(6)], 6) is None


def test_sales_close_fifteen_minutes_before_start() -> None:
    starts = NOW + timedelta(minutes=15)
    assert not sales_are_open(starts, True, NOW, 15)
    assert sales_are_open(starts, True, NOW - timedelta(seconds=1), 15)
    assert not sales_are_open(starts + timedelta(days=1), False, NOW, 15)


def test_a_hold_lasts_ten_minutes_and_then_the_seat_is_free() -> None:
    until = hold_expiry(NOW, 10)
    assert until == EPOCH + 600
    assert effective_status(SeatStatus.HELD, until, EPOCH + 600) == SeatStatus.HELD
    assert effective_status(SeatStatus.HELD, until, EPOCH + 601) == SeatStatus.AVAILABLE
    assert effective_status(SeatStatus.SOLD, None, EPOCH) == SeatStatus.SOLD
    assert effective_status(SeatStatus.BLOCKED, None, EPOCH) == SeatStatus.BLOCKED


def test_paid_orders_cancel_until_two_hours_before_start() -> None:
    starts = NOW + timedelta(hours=2)
    assert may_cancel_paid(starts, NOW, 120)
    assert not may_cancel_paid(starts, NOW + timedelta(seconds=1), 120)


def test_order_number_is_the_time_and_six_random_digits() -> None:
    assert order_number(NOW, "004217") == "20260501120000004217"
    generated = order_number(NOW)
    assert len(generated) == 20 and generated.isdigit() and generated.startswith("20260501")


# --- status machine ----------------------------------------------------------------------


def test_the_status_machine_allows_exactly_the_documented_transitions() -> None:
    allowed = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert allowed == {
        (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID),
        (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED),
        (OrderStatus.PENDING_PAYMENT, OrderStatus.EXPIRED),
        (OrderStatus.PAID, OrderStatus.REFUNDED),
        (OrderStatus.PAID, OrderStatus.USED),
        (OrderStatus.USED, OrderStatus.PAID),  # a check-in undone
        (OrderStatus.USED, OrderStatus.REFUNDED),  # its showtime cancelled
    }


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (OrderStatus.PAID, OrderStatus.CANCELLED),
        (OrderStatus.EXPIRED, OrderStatus.PAID),
        (OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT),
        (OrderStatus.USED, OrderStatus.CANCELLED),
        (OrderStatus.PENDING_PAYMENT, OrderStatus.REFUNDED),
        (OrderStatus.REFUNDED, OrderStatus.PAID),
    ],
)
def test_illegal_transitions_are_refused(current: str, wanted: str) -> None:
    assert not can_transition(current, wanted)
    with pytest.raises(IllegalTransition):
        check_transition(current, wanted)


# --- pricing and coupons -----------------------------------------------------------------


def terms(**kw: object) -> CouponTerms:
    base: dict[str, object] = {
        "coupon_id": "c1",
        "kind": "fixed",
        "valid_from": NOW - timedelta(days=1),
        "valid_until": NOW + timedelta(days=1),
        "amount_off": 1000,
    }
    base.update(kw)
    return CouponTerms(**base)  # type: ignore[arg-type]


LINES = [PriceLine("A1", "standard", 4500), PriceLine("E1", "vip", 6000)]


def test_price_is_the_sum_of_the_seat_type_prices() -> None:
    priced = quote(LINES, "cny", "m1", NOW)
    assert (priced.subtotal, priced.discount, priced.total) == (10500, 0, 10500)


def test_fixed_coupon_takes_its_amount_off() -> None:
    priced = quote(LINES, "cny", "m1", NOW, (terms(), "unused"))
    assert (priced.discount, priced.total, priced.coupon_problem) == (1000, 9500, None)


def test_threshold_coupon_needs_the_minimum_subtotal() -> None:
    coupon = terms(kind="threshold", amount_off=2000, min_subtotal=10500)
    assert quote(LINES, "cny", "m1", NOW, (coupon, "unused")).total == 8500
    short = quote(LINES[:1], "cny", "m1", NOW, (coupon, "unused"))
    assert short.discount == 0 and "at least 10500" in (short.coupon_problem or "")


def test_percent_coupon_takes_a_percentage_rounded_down() -> None:
    assert discount_for(terms(kind="percent", percent_off=15), 10500) == 1575
    assert discount_for(terms(kind="percent", percent_off=99), 999) == 989


def test_the_total_never_goes_below_zero() -> None:
    priced = quote(LINES, "cny", "m1", NOW, (terms(amount_off=50_000), "unused"))
    assert (priced.discount, priced.total) == (10500, 0)


def test_coupon_validity_window_scope_currency_and_record_status() -> None:
    assert coupon_problem(terms(), "unused", 100, "m1", "cny", NOW) is None
    early = terms(valid_from=NOW + timedelta(seconds=1))
    assert coupon_problem(early, "unused", 100, "m1", "cny", NOW) == "the coupon is not valid yet"
    late = terms(valid_until=NOW)
    assert coupon_problem(late, "unused", 100, "m1", "cny", NOW) == "the coupon has expired"
    scoped = terms(movie_id="m2")
    assert coupon_problem(scoped, "unused", 100, "m1", "cny", NOW) == (
        "the coupon is for another movie"
    )
    assert coupon_problem(scoped, "unused", 100, "m2", "cny", NOW) is None
    assert coupon_problem(terms(), "unused", 100, "m1", "usd", NOW) == (
        "the coupon is in another currency"
    )
    assert coupon_problem(terms(), "used", 100, "m1", "cny", NOW) == "the coupon is used"


# --- payments ----------------------------------------------------------------------------


def test_a_signature_is_accepted_within_stripes_tolerance_either_way() -> None:
    now = 1_800_000_000
    for skew in (-300, -1, 0, 1, 300):
        assert signature_time_problem(now + skew, now, 300) is None
    assert "too long ago" in (signature_time_problem(now - 301, now, 300) or "")
    assert "future" in (signature_time_problem(now + 301, now, 300) or "")


INTENT = IntentFacts("pi_1", "succeeded", 4500, "cny", "order-1")


def test_a_payment_pays_an_order_only_with_its_own_intent_amount_and_currency() -> None:
    assert payment_problem("pi_1", 4500, "cny", INTENT) is None
    assert payment_problem("pi_1", 4500, "CNY", INTENT) is None
    assert "another payment" in (payment_problem("pi_2", 4500, "cny", INTENT) or "")
    assert "another payment" in (payment_problem(None, 4500, "cny", INTENT) or "")
    assert "costs 4501" in (payment_problem("pi_1", 4501, "cny", INTENT) or "")
    assert "in usd" in (payment_problem("pi_1", 4500, "usd", INTENT) or "")


@pytest.mark.parametrize(
    ("order_status", "intent_status", "problem", "refunded", "wanted"),
    [
        (OrderStatus.PENDING_PAYMENT, "requires_payment_method", None, False, Settle.WAIT),
        (OrderStatus.PENDING_PAYMENT, "processing", None, False, Settle.WAIT),
        (OrderStatus.PENDING_PAYMENT, "succeeded", None, False, Settle.SELL),
        (OrderStatus.PENDING_PAYMENT, "succeeded", "amount", False, Settle.REFUND_STRAY),
        (OrderStatus.PAID, "succeeded", None, False, Settle.CONFIRM),
        (OrderStatus.PAID, "succeeded", "another payment", False, Settle.REFUND_STRAY),
        (OrderStatus.EXPIRED, "succeeded", None, False, Settle.REFUND),
        (OrderStatus.CANCELLED, "succeeded", None, False, Settle.REFUND),
        (OrderStatus.EXPIRED, "succeeded", None, True, Settle.NOTHING),
        (OrderStatus.REFUNDED, "succeeded", None, False, Settle.NOTHING),
        (OrderStatus.USED, "succeeded", None, False, Settle.NOTHING),
        (OrderStatus.EXPIRED, "canceled", None, False, Settle.WAIT),
    ],
)
def test_settlement_decisions(
    order_status: str, intent_status: str, problem: str | None, refunded: bool, wanted: str
) -> None:
    assert settlement_for(order_status, intent_status, problem, refunded) == wanted
