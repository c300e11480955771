"""Catalogue rules, without I/O."""

from datetime import UTC, date, datetime

import pytest

from chalicelib.catalog.rules import (
    Cell,
    RuleViolation,
    creates_cycle,
    derive_status,
    descendants,
    find_overlap,
    local_day_bounds,
    overlaps,
    rating_average,
    schedule_days,
    showtime_end,
    validate_layout,
)

pytestmark = pytest.mark.pure

TODAY = date(2026, 5, 10)


@pytest.mark.parametrize(
    ("release", "until", "pinned", "expected"),
    [
        ("2026-05-11", None, None, "coming"),
        ("2026-05-10", None, None, "showing"),
        ("2026-03-12", None, None, "showing"),  # day 60 of a 60-day run
        ("2026-03-11", None, None, "ended"),
        ("2026-05-01", "2026-05-09", None, "ended"),
        ("2026-05-01", "2026-05-10", None, "showing"),
        ("2026-05-11", None, "showing", "showing"),
        ("2020-01-01", None, "coming", "coming"),
    ],
)
def test_status_follows_the_dates_unless_pinned(
    release: str, until: str | None, pinned: str | None, expected: str
) -> None:
    assert derive_status(release, until, pinned, TODAY, showing_days=60) == expected


def test_rating_average_is_one_decimal_and_none_without_ratings() -> None:
    assert rating_average(0, 0) is None
    assert rating_average(17, 2) == 8.5
    assert rating_average(10, 3) == 3.3
    assert rating_average(25, 4) == 6.3  # half up: 6.25 -> 6.3


def test_descendants_include_the_root_and_every_level_below() -> None:
    tree = {"drama": None, "crime": "drama", "heist": "crime", "comedy": None}
    assert descendants(tree, "drama") == {"drama", "crime", "heist"}
    assert descendants(tree, "comedy") == {"comedy"}


def test_a_node_cannot_move_under_its_own_subtree() -> None:
    tree = {"drama": None, "crime": "drama", "heist": "crime"}
    assert creates_cycle(tree, "drama", "heist")
    assert creates_cycle(tree, "drama", "drama")
    assert not creates_cycle(tree, "heist", "drama")
    assert not creates_cycle(tree, "crime", None)


def seat(seat_id: str, kind: str = "standard") -> Cell:
    return Cell(seat_id, kind)


def test_layout_gives_seats_with_positions_counting_aisles() -> None:
    seats = validate_layout(
        [("A", [seat("A01"), None, seat("A02", "vip")]), ("B", [None, seat("B01", "wheelchair")])]
    )
    assert [(s.seat_id, s.row, s.row_index, s.col, s.seat_type) for s in seats] == [
        ("A01", "A", 0, 0, "standard"),
        ("A02", "A", 0, 2, "vip"),
        ("B01", "B", 1, 1, "wheelchair"),
    ]


def test_layout_rejects_duplicate_seat_ids() -> None:
    with pytest.raises(RuleViolation) as caught:
        validate_layout([("A", [seat("A01")]), ("B", [seat("A01")])])
    assert caught.value.field == "layout.rows.1.cells.0"


def test_layout_rejects_duplicate_row_labels() -> None:
    with pytest.raises(RuleViolation, match="twice"):
        validate_layout([("A", [seat("A01")]), ("A", [seat("A02")])])


def test_layout_needs_a_seat() -> None:
    with pytest.raises(RuleViolation, match="at least one seat"):
        validate_layout([("A", [None, None])])


def test_couple_seats_come_in_adjacent_left_right_pairs() -> None:
    pair = [seat("A01", "couple-left"), seat("A02", "couple-right")]
    assert len(validate_layout([("A", pair)])) == 2
    for cells in (
        [seat("A01", "couple-left")],
        [seat("A01", "couple-left"), None, seat("A02", "couple-right")],
        [seat("A01", "couple-right"), seat("A02", "couple-left")],
        [seat("A01", "couple-left"), seat("A02", "standard")],
        [seat("A01", "standard"), seat("A02", "couple-right")],
    ):
        with pytest.raises(RuleViolation, match="couple"):
            validate_layout([("A", cells)])


def test_a_show_occupies_the_hall_for_the_film_plus_cleaning() -> None:
    start = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
    assert showtime_end(start, 120, 15) == datetime(2026, 5, 10, 14, 15, tzinfo=UTC)


def test_intervals_that_only_touch_do_not_overlap() -> None:
    assert overlaps(0, 10, 5, 15)
    assert overlaps(0, 10, 2, 3)
    assert not overlaps(0, 10, 10, 20)
    assert not overlaps(10, 20, 0, 10)
    assert find_overlap({"a": [0, 10], "b": [20, 30]}, 10, 20) is None
    assert find_overlap({"a": [0, 10], "b": [20, 30]}, 15, 25) == "b"
    assert find_overlap({"a": [0, 10]}, 5, 8, ignore="a") is None


def test_a_show_past_midnight_is_booked_on_both_days() -> None:
    late = datetime(2026, 5, 10, 23, 0, tzinfo=UTC)
    assert schedule_days(late, datetime(2026, 5, 11, 1, 0, tzinfo=UTC)) == [
        "2026-05-10",
        "2026-05-11",
    ]
    assert schedule_days(late, datetime(2026, 5, 11, 0, 0, tzinfo=UTC)) == ["2026-05-10"]


def test_a_local_day_is_a_utc_range_in_the_cinemas_time_zone() -> None:
    start, end = local_day_bounds(date(2026, 5, 10), "Asia/Shanghai")
    assert start == datetime(2026, 5, 9, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 5, 10, 16, 0, tzinfo=UTC)
