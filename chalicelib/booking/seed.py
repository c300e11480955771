"""Demo data for ``make dev``: a week of showtimes in every demo hall (with their seats),
and a welcome coupon in the demo user's account."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.accounts.rules import LoginKind
from chalicelib.accounts.service import find_user
from chalicelib.booking import catalogue, inventory
from chalicelib.booking.catalogue import HallOut, Movie, ShowtimeIn, local_today
from chalicelib.booking.coupons import create_coupon
from chalicelib.booking.models import Coupon, Seat
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.dynamo import get_or_none

DEMO_COUPON_ID = "demo-welcome"
DEMO_USERNAME = "alice"
PRICES = {"standard": 4500, "vip": 6500, "couple-left": 5500, "couple-right": 5500,
          "wheelchair": 3500}  # fmt: skip
SHOW_TIMES = (time(11, 0), time(15, 0), time(19, 30))
DAYS = 7


def seed_demo_showtimes() -> str:
    """A week of showtimes in every hall, three a day, of the movies showing; once (halls
    that already sell seats are left alone)."""
    halls = catalogue.listed_halls()
    showing = catalogue.showing_movies()
    if not halls or not showing:
        return "skipped (needs the demo catalogue)"
    if next(iter(Seat.scan(limit=1)), None) is not None:
        return "showtimes already scheduled"
    # Halls are independent schedules, so their weeks are written in parallel.
    with ThreadPoolExecutor(max_workers=len(halls)) as pool:
        counts = list(
            pool.map(lambda pair: _hall_week(pair[1], showing, pair[0]), enumerate(halls))
        )
    return f"{sum(counts)} showtimes in {len(halls)} halls"


def _hall_week(hall: HallOut, showing: list[Movie], turn: int) -> int:
    zone = ZoneInfo(get_settings().cinema_timezone)
    today, now, count = local_today(), clock.now(), 0
    imax = "IMAX" in hall.name
    prices = {t: PRICES[t] for t in hall.seat_types}
    for day in range(DAYS):
        for slot, at in enumerate(SHOW_TIMES):
            starts_at = datetime.combine(today + timedelta(days=day), at, tzinfo=zone)
            if starts_at <= now + timedelta(minutes=5):
                continue
            movie = showing[(turn + day * 3 + slot) % len(showing)]
            formats = list(movie.formats) or ["2D"]
            body = {
                "movie_id": movie.movie_id,
                "hall_id": hall.hall_id,
                "starts_at": starts_at,
                "format": "IMAX" if imax and "IMAX" in formats else formats[0],
                "language": (list(movie.languages) or ["汉语普通话"])[0],
                "prices": prices,
            }
            inventory.schedule_showtime(ShowtimeIn.model_validate(body))
            count += 1
    return count


def seed_demo_coupons() -> str:
    """Issue 10.00 off to the demo user once (a second start finds the coupon and skips)."""
    if get_settings().stage != "local":
        return "skipped (demo data exists only in the local stack)"
    if get_or_none(Coupon, DEMO_COUPON_ID) is not None:
        return "demo coupon already there"
    user = find_user(LoginKind.USERNAME, DEMO_USERNAME)
    if user is None:
        return f"skipped (no demo user {DEMO_USERNAME!r})"
    now = clock.now()
    create_coupon(
        coupon_id=DEMO_COUPON_ID,
        name="Welcome: 10.00 off",
        kind="fixed",
        amount_off=1000,
        valid_from=now,
        valid_until=now + timedelta(days=90),
        created_by="seed",
        user_ids=[user.user_id],
    )
    return f"coupon {DEMO_COUPON_ID!r} issued to {DEMO_USERNAME}"
