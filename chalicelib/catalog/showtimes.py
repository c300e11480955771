"""Showtimes: scheduling without overlaps, and the seat items each one sells.

Race-free overlap check: the hall's intervals live in one hall-schedule item per UTC day,
read strongly consistent, checked in memory, then written back *on their version* in the
same transaction as the showtime. Of two concurrent overlapping creates, the second
transaction fails its version condition; its retry reads the winner's interval and
answers 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition

from chalicelib.booking.models import Seat, SeatStatus, create_seat_items
from chalicelib.boxoffice import counters
from chalicelib.catalog.cinemas import get_hall, hall_seats, live_cinema
from chalicelib.catalog.models import HallSchedule, Movie, Showtime
from chalicelib.catalog.rules import find_overlap, schedule_days, seat_types, showtime_end
from chalicelib.catalog.schemas import ShowtimeIn, ShowtimeOut, ShowtimePatch
from chalicelib.catalog.support import condition_failed, new_id
from chalicelib.core import clock
from chalicelib.core.clock import isoformat
from chalicelib.core.config import get_settings
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended

#: how often a create retries after losing a race on a schedule item's version
SCHEDULE_ATTEMPTS = 5
#: seat items outlive their show this long (tickets and check-in still read them)
SEATS_KEPT_AFTER_SHOW = timedelta(days=30)


def showtime_out(showtime: Showtime) -> ShowtimeOut:
    return ShowtimeOut(
        showtime_id=showtime.showtime_id,
        movie_id=showtime.movie_id,
        cinema_id=showtime.cinema_id,
        hall_id=showtime.hall_id,
        city_id=showtime.city_id,
        starts_at=isoformat(showtime.starts_at),
        ends_at=isoformat(showtime.ends_at),
        format=showtime.format,
        language=showtime.language,
        prices={k: int(v) for k, v in showtime.prices.as_dict().items()},
        currency=showtime.currency,
        sales_open=bool(showtime.sales_open),
        seat_count=int(showtime.seat_count),
        cancelled_at=isoformat(showtime.cancelled_at) if showtime.cancelled_at else None,
        cancel_reason=showtime.cancel_reason,
    )


def get_showtime(showtime_id: str) -> Showtime:
    try:
        return Showtime.get(showtime_id)
    except Showtime.DoesNotExist as exc:
        raise NotFound("No such showtime.") from exc


def local_day(at: datetime) -> str:
    return at.astimezone(ZoneInfo(get_settings().cinema_timezone)).date().isoformat()


@dataclass
class _Slot:
    showtime_id: str
    start: int
    end: int


def _book_interval(showtime: Showtime, previous: _Slot | None, tx: Transaction) -> None:
    """Add the showtime's interval to its days' schedules (removing ``previous``), or 409."""
    start, end = int(showtime.starts_at.timestamp()), int(showtime.ends_at.timestamp())
    days = set(schedule_days(showtime.starts_at, showtime.ends_at))
    if previous is not None:
        days |= set(
            schedule_days(
                datetime.fromtimestamp(previous.start, UTC),
                datetime.fromtimestamp(previous.end, UTC),
            )
        )
    new_days = set(schedule_days(showtime.starts_at, showtime.ends_at))
    for day in sorted(days):
        try:
            item = HallSchedule.get(showtime.hall_id, day, consistent_read=True)
            condition: Condition = HallSchedule.version == item.version
        except HallSchedule.DoesNotExist:
            item = HallSchedule(showtime.hall_id, day, slots={}, version=0)
            condition = HallSchedule.hall_id.does_not_exist()
        slots: dict[str, list[int]] = dict(item.slots or {})
        slots.pop(showtime.showtime_id, None)
        if day in new_days:
            clash = find_overlap(slots, start, end)
            if clash is not None:
                raise Conflict(
                    "The hall is busy then: another showtime overlaps this one.",
                    extra={"conflicting_showtime_id": clash},
                )
            slots[showtime.showtime_id] = [start, end]
        item.slots = slots
        item.version = int(item.version) + 1
        tx.put(f"schedule:{day}", item, condition)


def _schedule(showtime: Showtime, previous: _Slot | None, is_new: bool) -> None:
    read_version = showtime.version
    # the whole item is written: only over the version it was read at (booking caches it)
    unchanged = (
        Showtime.version.does_not_exist()
        if read_version is None
        else Showtime.version == read_version
    )
    showtime.version = int(read_version or 0) + 1
    for _ in range(SCHEDULE_ATTEMPTS):
        tx = Transaction()
        _book_interval(showtime, previous, tx)
        if is_new:
            tx.put("showtime", showtime, Showtime.showtime_id.does_not_exist())
        else:
            tx.put("showtime", showtime, (Showtime.withdrawn == False) & unchanged)  # noqa: E712
        try:
            tx.commit()
            return
        except (ConditionFailed, TransactionContended):
            continue  # a schedule moved (or is moving) under us: read it again
    raise Conflict("The hall's schedule is changing right now; try again.")


def _check_sellable_movie(body: ShowtimeIn) -> Movie:
    try:
        movie = Movie.get(body.movie_id)
    except Movie.DoesNotExist:
        movie = None
    if movie is None or movie.deleted:
        raise ValidationFailed.single("movie_id", f"no movie {body.movie_id!r}")
    if movie.formats and body.format not in movie.formats:
        raise ValidationFailed.single("format", f"the movie is shown in {list(movie.formats)}")
    return movie


def create_showtime(body: ShowtimeIn) -> ShowtimeOut:
    movie = _check_sellable_movie(body)
    try:
        hall = get_hall(body.hall_id)
        cinema = live_cinema(hall.cinema_id)
    except NotFound as exc:
        raise ValidationFailed.single("hall_id", f"no hall {body.hall_id!r}") from exc
    seats = hall_seats(hall)
    missing = seat_types(seats) - set(body.prices)
    if missing:
        raise ValidationFailed.single("prices", f"no price for seat types {sorted(missing)}")
    extra = set(body.prices) - seat_types(seats)
    if extra:
        raise ValidationFailed.single("prices", f"the hall has no {sorted(extra)} seats")
    now = clock.now()
    if body.starts_at <= now:
        raise ValidationFailed.single("starts_at", "must be in the future")
    starts_at = body.starts_at.astimezone(now.tzinfo).replace(microsecond=0)
    ends_at = showtime_end(starts_at, int(movie.duration), get_settings().showtime_cleaning_minutes)
    showtime = Showtime(
        new_id(),
        movie_id=movie.movie_id,
        cinema_id=cinema.cinema_id,
        hall_id=hall.hall_id,
        city_id=cinema.city_id,
        starts_at=starts_at,
        ends_at=ends_at,
        day=local_day(starts_at),
        format=body.format,
        language=body.language,
        prices=dict(body.prices),
        currency=body.currency,
        sales_open=body.sales_open,
        seat_count=len(seats),
        created_at=now,
        updated_at=now,
    )
    _schedule(showtime, previous=None, is_new=True)
    create_seat_items(
        showtime.showtime_id,
        seats,
        {str(k): v for k, v in body.prices.items()},
        ends_at + SEATS_KEPT_AFTER_SHOW,
    )
    counters.open_showtime(showtime.showtime_id, cinema.cinema_id, showtime.day, len(seats))
    return showtime_out(showtime)


def _save_fields(showtime: Showtime) -> None:
    """Only the editable fields, on a live showtime: a concurrent withdrawal wins."""
    try:
        showtime.update(
            actions=[
                Showtime.format.set(showtime.format),
                Showtime.language.set(showtime.language),
                Showtime.sales_open.set(showtime.sales_open),
                Showtime.updated_at.set(showtime.updated_at),
                Showtime.version.add(1),
            ],
            condition=Showtime.withdrawn == False,  # noqa: E712
        )
    except PynamoDBException as exc:
        if condition_failed(exc):
            raise Conflict("This showtime was withdrawn with its movie or cinema.") from exc
        raise


def update_showtime(showtime_id: str, body: ShowtimePatch) -> ShowtimeOut:
    """Format, language and sales can change any time; moving the start re-checks the
    hall (409 on overlap) and is refused once seats are held or sold."""
    showtime = get_showtime(showtime_id)
    if showtime.withdrawn:
        raise Conflict("This showtime was withdrawn with its movie or cinema.")
    if showtime.cancelled_at is not None:
        raise Conflict("This showtime was cancelled; it cannot change any more.")
    sent = body.model_fields_set
    for name in ("starts_at", "format", "language", "sales_open"):
        if name in sent and getattr(body, name) is None:
            raise ValidationFailed.single(name, "may not be null")
    if body.format is not None:
        movie = Movie.get(showtime.movie_id)
        if movie.formats and body.format not in movie.formats:
            raise ValidationFailed.single("format", f"the movie is shown in {list(movie.formats)}")
        showtime.format = body.format
    if body.language is not None:
        showtime.language = body.language
    if body.sales_open is not None:
        showtime.sales_open = body.sales_open
    showtime.updated_at = clock.now()
    if body.starts_at is None or body.starts_at == showtime.starts_at:
        _save_fields(showtime)
        return showtime_out(showtime)
    if body.starts_at <= clock.now():
        raise ValidationFailed.single("starts_at", "must be in the future")
    seats = list(Seat.query(showtime_id, consistent_read=True))
    if any(s.status in (SeatStatus.HELD, SeatStatus.SOLD) for s in seats):
        raise Conflict("Seats of this showtime are held or sold; it cannot be moved.")
    previous = _Slot(
        showtime_id, int(showtime.starts_at.timestamp()), int(showtime.ends_at.timestamp())
    )
    length = showtime.ends_at - showtime.starts_at
    showtime.starts_at = body.starts_at.astimezone(showtime.starts_at.tzinfo).replace(microsecond=0)
    showtime.ends_at = showtime.starts_at + length
    showtime.day = local_day(showtime.starts_at)
    _schedule(showtime, previous=previous, is_new=False)
    counters.move_showtime(showtime_id, showtime.day)
    for seat in seats:
        seat.update(actions=[Seat.expires_at.set(showtime.ends_at + SEATS_KEPT_AFTER_SHOW)])
    return showtime_out(showtime)


def schedule_of(hall_id: str, day: str) -> dict[str, list[int]]:
    """The intervals booked in a hall on a UTC day (for checks and diagnostics)."""
    try:
        item = HallSchedule.get(hall_id, day, consistent_read=True)
    except HallSchedule.DoesNotExist:
        return {}
    return dict(item.slots or {})
