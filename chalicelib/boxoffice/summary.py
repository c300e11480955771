"""The daily summary e-mail: each cinema's staff get the figures of the day before
(its showtimes' counters, one Query per cinema), once per cinema, day and person."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.boxoffice import counters, staff
from chalicelib.boxoffice.counters import Tally
from chalicelib.catalog.models import Cinema
from chalicelib.core.config import get_settings
from chalicelib.core.email import EmailMessage, enqueue


def previous_day(now: datetime) -> str:
    """The local day before ``now`` where the cinemas are."""
    local = now.astimezone(ZoneInfo(get_settings().cinema_timezone))
    return (local.date() - timedelta(days=1)).isoformat()


def summary_text(cinema_name: str, day: str, showtimes: int, tally: Tally) -> str:
    return "\n".join(
        [
            f"{cinema_name}, {day}: {showtimes} showtimes.",
            f"Seats: {tally.sold} sold of {tally.capacity}, {tally.checked_in} checked in, "
            f"{tally.blocked} blocked, {tally.refunded_seats} refunded.",
            f"Money (minor units): gross {tally.gross}, discounts {tally.discounts}, "
            f"refunds {tally.refunds}, net {tally.net}; at the counter: cash "
            f"{tally.counter_cash}, terminal {tally.counter_terminal}.",
        ]
    )


def send_daily_summaries(day: str) -> int:
    """Queue the summary of ``day`` to the staff of every cinema; returns how many
    e-mails. Message ids make a rerun (a retried schedule) send nothing twice."""
    sent = 0
    for cinema_id in staff.cinema_ids_listed():
        recipients = staff.staff_of(cinema_id)
        if not recipients:
            continue
        per_showtime = counters.cinema_showtimes(cinema_id, day, day)
        total = Tally()
        for tally in per_showtime.values():
            total = total + tally
        name = Cinema.get(cinema_id).name
        text = summary_text(name, day, len(per_showtime), total)
        for user in recipients:
            enqueue(
                EmailMessage(
                    message_id=f"daily-summary-{cinema_id}-{day}-{user.user_id}",
                    kind="daily_summary",
                    to=user.email,
                    subject=f"Marquee daily summary: {name}, {day}",
                    text=text,
                )
            )
            sent += 1
    return sent
