"""Catalogue rules: plain functions, no I/O (derived status, layouts, schedules, trees)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

COUPLE_LEFT, COUPLE_RIGHT = "couple-left", "couple-right"


class MovieStatus:
    COMING = "coming"
    SHOWING = "showing"
    ENDED = "ended"
    ALL = (COMING, SHOWING, ENDED)


class AreaLevel:
    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"
    PARENT = {CITY: PROVINCE, DISTRICT: CITY}


FORMATS = ("2D", "3D", "IMAX")
SEAT_TYPES = ("standard", "vip", COUPLE_LEFT, COUPLE_RIGHT, "wheelchair")
CAST_ROLES = ("director", "actor", "writer")


class RuleViolation(ValueError):
    """A rule broken by the input; ``field`` names where (for a 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --- movies ---------------------------------------------------------------------------


def derive_status(
    release_date: str,
    showing_until: str | None,
    pinned: str | None,
    today: date,
    showing_days: int,
) -> str:
    """coming before release, showing until ``showing_until`` (or release + the configured
    run), ended after; a pinned status overrides the dates."""
    if pinned:
        return pinned
    released = date.fromisoformat(release_date)
    if today < released:
        return MovieStatus.COMING
    last = (
        date.fromisoformat(showing_until)
        if showing_until
        else released + timedelta(days=showing_days - 1)
    )
    return MovieStatus.SHOWING if today <= last else MovieStatus.ENDED


def rating_average(rating_sum: int, rating_count: int) -> float | None:
    """Shown to one decimal; no ratings means no average (not a division by zero)."""
    if rating_count <= 0:
        return None
    # Half up, as people round (round() would show 6.25 as 6.2); exact with integers.
    exact = Decimal(rating_sum) / Decimal(rating_count)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# --- areas and genres -----------------------------------------------------------------


def descendants(parent_of: Mapping[str, str | None], root: str) -> set[str]:
    """``root`` and every node below it in a tree given as child -> parent."""
    children: dict[str | None, list[str]] = {}
    for node, parent in parent_of.items():
        children.setdefault(parent, []).append(node)
    found, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node not in found:
            found.add(node)
            stack.extend(children.get(node, []))
    return found


def creates_cycle(parent_of: Mapping[str, str | None], node: str, new_parent: str | None) -> bool:
    """Would making ``new_parent`` the parent of ``node`` put ``node`` under itself?"""
    return new_parent is not None and new_parent in descendants(parent_of, node)


# --- halls ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SeatSpec:
    """A seat cell of a hall layout: where it is and what it is. Booking sells seats
    shaped like this (``chalicelib.booking`` reads them through its catalogue port)."""

    seat_id: str
    row: str
    row_index: int
    col: int
    seat_type: str


@dataclass(frozen=True)
class Cell:
    seat_id: str
    seat_type: str


Row = tuple[str, list[Cell | None]]  # (label, cells; None is an aisle gap)


def validate_layout(rows: list[Row]) -> list[SeatSpec]:
    """The seats of a layout, in row order; raises ``RuleViolation`` when the layout is
    not one a cinema could have: no seats, duplicate row labels or seat ids, or a couple
    seat without its partner right next to it (left then right, nothing between)."""
    seats: list[SeatSpec] = []
    seen_ids: set[str] = set()
    seen_labels: set[str] = set()
    for row_index, (label, cells) in enumerate(rows):
        where = f"layout.rows.{row_index}"
        if label in seen_labels:
            raise RuleViolation(f"{where}.label", f"row {label!r} appears twice")
        seen_labels.add(label)
        for col, cell in enumerate(cells):
            if cell is None:
                continue
            if cell.seat_id in seen_ids:
                raise RuleViolation(
                    f"{where}.cells.{col}", f"seat id {cell.seat_id!r} appears twice"
                )
            seen_ids.add(cell.seat_id)
            _check_couple(cells, col, f"{where}.cells.{col}")
            seats.append(SeatSpec(cell.seat_id, label, row_index, col, cell.seat_type))
    if not seats:
        raise RuleViolation("layout.rows", "a hall needs at least one seat")
    return seats


def _check_couple(cells: list[Cell | None], col: int, where: str) -> None:
    cell = cells[col]
    assert cell is not None
    if cell.seat_type == COUPLE_LEFT:
        right = cells[col + 1] if col + 1 < len(cells) else None
        if right is None or right.seat_type != COUPLE_RIGHT:
            raise RuleViolation(where, "a couple-left seat needs a couple-right seat on its right")
    elif cell.seat_type == COUPLE_RIGHT:
        left = cells[col - 1] if col > 0 else None
        if left is None or left.seat_type != COUPLE_LEFT:
            raise RuleViolation(where, "a couple-right seat needs a couple-left seat on its left")


def seat_types(seats: Iterable[SeatSpec]) -> set[str]:
    return {s.seat_type for s in seats}


# --- showtimes ------------------------------------------------------------------------


def showtime_end(starts_at: datetime, duration_minutes: int, cleaning_minutes: int) -> datetime:
    """The hall is busy for the film plus the cleaning after it."""
    return starts_at + timedelta(minutes=duration_minutes + cleaning_minutes)


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Half-open intervals: a show may start the second the previous one's cleaning ends."""
    return a_start < b_end and b_start < a_end


def schedule_days(starts_at: datetime, ends_at: datetime) -> list[str]:
    """The UTC days an interval touches (the hall-schedule items it must be written to)."""
    first = starts_at.astimezone(UTC).date()
    last = (ends_at.astimezone(UTC) - timedelta(microseconds=1)).date()
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def find_overlap(
    slots: Mapping[str, list[int]], start: int, end: int, ignore: str | None = None
) -> str | None:
    """The id of a booked interval overlapping [start, end), if any."""
    for showtime_id, (other_start, other_end) in sorted(slots.items()):
        if showtime_id != ignore and overlaps(start, end, other_start, other_end):
            return showtime_id
    return None


def local_day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """A calendar day where the cinemas are, as a UTC half-open range."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def time_of_day_ranges(from_time: str | None, to_time: str | None) -> list[tuple[str, str]] | None:
    """The "HH:MM" ranges (both ends included) a start must fall in for a time-of-day
    filter, ``None`` when there is no filter. ``from_time`` after ``to_time`` spans
    midnight (22:00-02:00 is two ranges)."""
    if from_time is None and to_time is None:
        return None
    low, high = from_time or "00:00", to_time or "23:59"
    if low <= high:
        return [(low, high)]
    return [(low, "23:59"), ("00:00", high)]
