"""The box office's pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.boxoffice.rules import (
    CheckinRefusal,
    checkin_refusal,
    day_range_problem,
    lines_total,
    may_undo_checkin,
    seats_of_tickets,
    ticket_refund_problem,
)

NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


def test_check_in_closes_thirty_minutes_after_the_show_ends() -> None:
    ended = NOW - timedelta(minutes=30)
    assert checkin_refusal(ended, NOW, 30) is None
    assert checkin_refusal(ended - timedelta(seconds=1), NOW, 30) is CheckinRefusal.SHOW_OVER
    assert checkin_refusal(NOW + timedelta(hours=2), NOW, 30) is None


def test_a_check_in_can_be_undone_for_ten_minutes() -> None:
    assert may_undo_checkin(NOW - timedelta(minutes=10), NOW, 10)
    assert not may_undo_checkin(NOW - timedelta(minutes=10, seconds=1), NOW, 10)


def test_ticket_ids_name_seats_of_their_own_order_only() -> None:
    seats, foreign = seats_of_tickets("o1", ["o1-A01", "o1-A02", "o2-A03", "o1-", "o1-A01"])
    assert seats == ["A01", "A02"]
    assert foreign == ["o2-A03", "o1-"]


def test_single_tickets_are_refundable_without_a_discount_and_while_valid() -> None:
    assert ticket_refund_problem(0, ["A01", "A02"], ["A01"]) is None
    problem = ticket_refund_problem(500, ["A01", "A02"], ["A01"])
    assert problem is not None and "discount" in problem
    problem = ticket_refund_problem(0, ["A02"], ["A01"])
    assert problem is not None and "A01" in problem


def test_a_refund_of_tickets_costs_their_lines() -> None:
    assert lines_total([("A01", 4500), ("A02", 6000), ("A03", 4500)], ["A02", "A03"]) == 10500


def test_report_ranges_are_ordered_and_bounded() -> None:
    assert day_range_problem("2026-12-01", "2026-12-01", 31) is None
    assert day_range_problem("2026-12-02", "2026-12-01", 31) == "'to' is before 'from'"
    assert day_range_problem("2026-12-01", "2027-01-01", 31) == "at most 31 days at once"
