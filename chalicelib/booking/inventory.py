"""The seats a showtime sells and its box-office counters: opened when the catalogue
schedules the showtime, kept in step when it moves. The catalogue knows halls and
schedules; booking owns the seat items (their state is what holds and sales change), so
the two meet here, on booking's side.
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib.booking import catalogue
from chalicelib.booking.catalogue import ShowtimeIn, ShowtimeOut, ShowtimePatch
from chalicelib.booking.models import Seat, create_seat_items
from chalicelib.booking.rules import SeatStatus
from chalicelib.boxoffice import counters
from chalicelib.core.errors import Conflict

#: seat items outlive their show this long (tickets and check-in still read them)
SEATS_KEPT_AFTER_SHOW = timedelta(days=30)


def schedule_showtime(body: ShowtimeIn) -> ShowtimeOut:
    """Schedule a showtime (the catalogue's rules, 409 on overlap), then write its seats."""
    scheduled = catalogue.schedule(body)
    showtime = scheduled.showtime
    create_seat_items(
        showtime.showtime_id,
        scheduled.seats,
        {str(k): v for k, v in showtime.prices.items()},
        showtime.ends_at + SEATS_KEPT_AFTER_SHOW,
    )
    counters.open_showtime(
        showtime.showtime_id,
        showtime.cinema_id,
        catalogue.local_day(showtime.starts_at),
        len(scheduled.seats),
    )
    return showtime


def change_showtime(showtime_id: str, body: ShowtimePatch) -> ShowtimeOut:
    """Edit a showtime; moving its start is refused once a seat is held or sold (409), and
    its seats then live as long after the new end."""
    moving = catalogue.moves(showtime_id, body)
    seats = list(Seat.query(showtime_id, consistent_read=True)) if moving else []
    if any(s.status in (SeatStatus.HELD, SeatStatus.SOLD) for s in seats):
        raise Conflict("Seats of this showtime are held or sold; it cannot be moved.")
    showtime = catalogue.change(showtime_id, body)
    if moving:  # the box office's reports find the counters by the local day
        counters.move_showtime(showtime_id, catalogue.local_day(showtime.starts_at))
    for seat in seats:
        seat.update(actions=[Seat.expires_at.set(showtime.ends_at + SEATS_KEPT_AFTER_SHOW)])
    return showtime
