"""Sales reports, read from the counters the selling transactions keep (never a scan):
one showtime (one Query of its shards), or a cinema per local day over a range (one
Query of the counters' cinema-day index)."""

from __future__ import annotations

from datetime import date

from chalicelib.accounts.tokens import Principal
from chalicelib.boxoffice import counters, staff
from chalicelib.boxoffice.blocking import showtime_at_cinema
from chalicelib.boxoffice.counters import Tally
from chalicelib.boxoffice.rules import day_range_problem
from chalicelib.boxoffice.schemas import CinemaReport, DayReport, ShowtimeReport, figures
from chalicelib.core.errors import ValidationFailed

#: the longest range one report covers
MAX_REPORT_DAYS = 366


def showtime_report(showtime_id: str, principal: Principal) -> ShowtimeReport:
    showtime = showtime_at_cinema(showtime_id, principal)
    return ShowtimeReport(
        showtime_id=showtime_id,
        cinema_id=showtime.cinema_id,
        starts_at=showtime.starts_at,
        currency=showtime.currency,
        cancelled=showtime.cancelled_at is not None,
        figures=figures(counters.tally(showtime_id)),
    )


def check_range(first: date, last: date, max_days: int) -> tuple[str, str]:
    problem = day_range_problem(first.isoformat(), last.isoformat(), max_days)
    if problem:
        raise ValidationFailed.single("to", problem)
    return first.isoformat(), last.isoformat()


def cinema_report(cinema_id: str, first: date, last: date, principal: Principal) -> CinemaReport:
    """Per local day of the showtimes (the day they start, where the cinemas are)."""
    staff.at_cinema(principal, cinema_id)
    first_day, last_day = check_range(first, last, MAX_REPORT_DAYS)
    days = counters.cinema_days(cinema_id, first_day, last_day)
    total = Tally()
    for tally in days.values():
        total = total + tally
    return CinemaReport(
        cinema_id=cinema_id,
        first_day=first,
        last_day=last,
        total=figures(total),
        days=[
            DayReport(day=date.fromisoformat(day), figures=figures(tally))
            for day, tally in days.items()
        ],
    )
