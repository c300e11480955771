"""Showtimes: scheduling without overlaps. (The seats each one sells are booking's:
``chalicelib.booking.inventory`` opens them when a showtime is scheduled.)

Race-free overlap check: the hall's intervals live in one hall-schedule item per UTC day,
read strongly consistent, checked in memory, then written back *on their version* in the
same transaction as the showtime. Of two concurrent overlapping creates, the second
transaction fails its version condition; its retry reads the winner's interval and
answers 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pynamodb.expressions.condition import Condition

from chalicelib.boxoffice import counters
from chalicelib.catalog.cinemas import get_hall, hall_seats, live_cinema
from chalicelib.catalog.models import LISTED, HallSchedule, Movie, Showtime
from chalicelib.catalog.rules import (
    SeatSpec,
    find_overlap,
    schedule_days,
    seat_types,
    showtime_end,
)
from chalicelib.catalog.schemas import (
    HallBusy,
    ShowtimeIn,
    ShowtimeOut,
    ShowtimePatch,
    showtime_out,
)
from chalicelib.catalog.support import new_id, write_terms
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.dynamo import get_or_404, get_or_none
from chalicelib.core.errors import AppError, Conflict, NotFound, UnknownReference, ValidationFailed
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended

#: how often a create retries after losing a race on a schedule item's version
SCHEDULE_ATTEMPTS = 5


#: what scheduling a showtime (or moving one) can answer besides its own 404
SCHEDULING_PROBLEMS: tuple[type[AppError], ...] = (HallBusy, Conflict, UnknownReference)


@dataclass(frozen=True)
class Scheduled:
    """A new showtime and the seats its hall had when it was scheduled (to be opened)."""

    showtime: ShowtimeOut
    seats: list[SeatSpec]


def get_showtime(showtime_id: str) -> Showtime:
    return get_or_404(Showtime, showtime_id, what="showtime")


def showtime_detail(showtime_id: str) -> ShowtimeOut:
    return _out(get_showtime(showtime_id))


def _out(showtime: Showtime) -> ShowtimeOut:
    """The showtime with its seats left, read from its counters (strongly consistent)."""
    return showtime_out(showtime, counters.seats_left(showtime.showtime_id))


def local_day(at: datetime) -> str:
    return at.astimezone(ZoneInfo(get_settings().cinema_timezone)).date().isoformat()


def local_time(at: datetime) -> str:
    """ "HH:MM" where the cinemas are: what the time-of-day filter compares."""
    return at.astimezone(ZoneInfo(get_settings().cinema_timezone)).strftime("%H:%M")


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
        found = get_or_none(HallSchedule, showtime.hall_id, day, consistent_read=True)
        if found is None:
            item = HallSchedule(showtime.hall_id, day, slots={}, version=0)
            condition: Condition = HallSchedule.hall_id.does_not_exist()
        else:
            item, condition = found, HallSchedule.version == found.version
        slots: dict[str, list[int]] = dict(item.slots or {})
        slots.pop(showtime.showtime_id, None)
        if day in new_days:
            clash = find_overlap(slots, start, end)
            if clash is not None:
                raise HallBusy(clash)
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
        # the whole item is written: with a fresh terms stamp, on its counter shards too
        showtime.terms_stamp = counters.add_terms_stamp(tx, showtime.showtime_id)
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


def _check_format(movie: Movie, wanted: str) -> None:
    if movie.formats and wanted not in movie.formats:
        raise Conflict(f"The movie is shown in {', '.join(movie.formats)}, not {wanted}.")


def _sellable_movie(body: ShowtimeIn) -> Movie:
    movie = get_or_none(Movie, body.movie_id)
    if movie is None or movie.deleted:
        raise UnknownReference("movie_id", f"no movie {body.movie_id!r}")
    _check_format(movie, body.format)
    return movie


def create_showtime(body: ShowtimeIn) -> Scheduled:
    """Schedule a movie in a hall (409 on overlap). The hall's seat types and the prices
    must match one to one (409: the hall is what it is)."""
    movie = _sellable_movie(body)
    try:
        hall = get_hall(body.hall_id)
        cinema = live_cinema(hall.cinema_id)
    except NotFound as exc:
        raise UnknownReference("hall_id", f"no hall {body.hall_id!r}") from exc
    seats = hall_seats(hall)
    missing = seat_types(seats) - set(body.prices)
    if missing:
        raise Conflict(f"The hall has {', '.join(sorted(missing))} seats: price them too.")
    extra = set(body.prices) - seat_types(seats)
    if extra:
        raise Conflict(f"The hall has no {', '.join(sorted(extra))} seats.")
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
        local_time=local_time(starts_at),
        listed=LISTED,
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
    return Scheduled(showtime_out(showtime, len(seats)), seats)


def _save_fields(showtime: Showtime) -> None:
    """Only the editable fields, on a live showtime: a concurrent withdrawal wins."""
    saved = write_terms(
        showtime,
        [
            Showtime.format.set(showtime.format),
            Showtime.language.set(showtime.language),
            Showtime.sales_open.set(showtime.sales_open),
            Showtime.updated_at.set(showtime.updated_at),
        ],
        condition=Showtime.withdrawn == False,  # noqa: E712
    )
    if not saved:
        raise Conflict("This showtime was withdrawn with its movie or cinema.")


def moves(showtime_id: str, body: ShowtimePatch) -> bool:
    """Does this change move the showtime's start?"""
    changes = body.changes()
    return "starts_at" in changes and changes["starts_at"] != get_showtime(showtime_id).starts_at


def update_showtime(showtime_id: str, body: ShowtimePatch) -> ShowtimeOut:
    """Format, language and sales can change any time; moving the start re-checks the
    hall (409 on overlap). (Booking refuses a move once seats are held or sold.)"""
    showtime = get_showtime(showtime_id)
    if showtime.withdrawn:
        raise Conflict("This showtime was withdrawn with its movie or cinema.")
    if showtime.cancelled_at is not None:
        raise Conflict("This showtime was cancelled; it cannot change any more.")
    changes = body.changes()
    if "format" in changes:
        _check_format(get_or_404(Movie, showtime.movie_id, what="movie"), changes["format"])
        showtime.format = changes["format"]
    if "language" in changes:
        showtime.language = changes["language"]
    if "sales_open" in changes:
        showtime.sales_open = changes["sales_open"]
    showtime.updated_at = clock.now()
    starts_at = changes.get("starts_at", showtime.starts_at)
    if starts_at == showtime.starts_at:
        _save_fields(showtime)
        return _out(showtime)
    if starts_at <= clock.now():
        raise ValidationFailed.single("starts_at", "must be in the future")
    previous = _Slot(
        showtime_id, int(showtime.starts_at.timestamp()), int(showtime.ends_at.timestamp())
    )
    length = showtime.ends_at - showtime.starts_at
    showtime.starts_at = starts_at.astimezone(showtime.starts_at.tzinfo).replace(microsecond=0)
    showtime.ends_at = showtime.starts_at + length
    showtime.day = local_day(showtime.starts_at)
    showtime.local_time = local_time(showtime.starts_at)
    _schedule(showtime, previous=previous, is_new=False)
    return _out(showtime)


def schedule_of(hall_id: str, day: str) -> dict[str, list[int]]:
    """The intervals booked in a hall on a UTC day (for checks and diagnostics)."""
    item = get_or_none(HallSchedule, hall_id, day, consistent_read=True)
    return dict(item.slots or {}) if item is not None else {}
