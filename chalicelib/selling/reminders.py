"""Reminder e-mails, sent by a scheduled run (a sweeper task, every minute):

- **on sale**: a user who wants to see a movie, lives in a city and opted in
  (``remind_on_sale``) gets one e-mail when the movie's first showtime there is on sale;
  one per movie, whatever the cities and showtimes that follow.
- **before the showtime**: the holder of a paid order who opted in
  (``remind_before_showtime``) gets one e-mail with the ticket codes from 2 hours before
  the start (``REMINDER_LEAD``) until it starts.

Idempotent: a reminder is queued with a message id derived from its key (the mailer sends
a message id once), then recorded by a conditional put of that key in ``reminders-sent``,
which later runs check first: runs that repeat, overlap or crash in between send nothing
twice, and a failed queueing is retried by the next run.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from chalicelib.accounts.models import User
from chalicelib.booking import orders, tickets
from chalicelib.booking.models import Seat, SeatStatus
from chalicelib.booking.rules import OrderStatus
from chalicelib.catalog.models import LISTED, Area, Movie, Showtime
from chalicelib.community.models import Want
from chalicelib.core import clock
from chalicelib.core.dynamo import conditionally, get_or_404, get_or_none
from chalicelib.core.email import EmailMessage, enqueue
from chalicelib.core.observability import logger
from chalicelib.selling.models import ReminderSent

#: how long before a showtime its ticket holders are reminded
REMINDER_LEAD = timedelta(hours=2)
#: how long a record of a sent reminder is kept (past any chance of sending it again)
KEPT = {"before": timedelta(days=30), "on-sale": timedelta(days=400)}


def _claim(key: str, kind: str, now: datetime) -> bool:
    """Record that ``key`` is sent; ``False`` when it was already."""
    record = ReminderSent(key, sent_at=now, expires_at=now + KEPT[kind])
    return conditionally(lambda: record.save(condition=ReminderSent.key.does_not_exist()))


def _was_sent(key: str) -> bool:
    return ReminderSent.count(key, limit=1) > 0


def _users(user_ids: Iterable[str]) -> list[User]:
    wanted = sorted(set(user_ids))
    return list(User.batch_get(wanted)) if wanted else []


def remind_before_showtimes(now: datetime) -> int:
    """One e-mail per paid order of each showtime starting within ``REMINDER_LEAD``."""
    sent = 0
    starting = Showtime.by_listed.query(
        LISTED, Showtime.starts_at.between(now, now + REMINDER_LEAD)
    )
    for showtime in starting:
        order_ids = {
            s.order_id
            for s in Seat.query(showtime.showtime_id)
            if s.status == SeatStatus.SOLD and s.order_id
        }
        for order_id in sorted(order_ids):
            order = orders.find(order_id)
            if order is None or order.status != OrderStatus.PAID:
                continue
            key = f"before:{order_id}"
            if _was_sent(key):
                continue
            users = _users([order.user_id])
            if not users or not users[0].remind_before_showtime:
                continue
            codes = [f"{t.seat_id} ({t.ticket_type}): {t.code}" for t in tickets.tickets_of(order)]
            movie = get_or_404(Movie, showtime.movie_id, what="movie")
            enqueue(
                EmailMessage(
                    message_id=f"reminder-{key}",
                    kind="showtime_reminder",
                    to=users[0].email,
                    subject=f"{movie.title} starts at {clock.isoformat(showtime.starts_at)}",
                    text=f"Your order {order.number} for {movie.title} starts at "
                    f"{clock.isoformat(showtime.starts_at)}. Your tickets:\n" + "\n".join(codes),
                )
            )
            sent += _claim(key, "before", now)
    return sent


def _city_matches(user: User, city_id: str, city_name: str) -> bool:
    """A profile's city is free text: the area's id or its name."""
    return user.city is not None and user.city.strip() in (city_id, city_name)


def announce_on_sale(now: datetime) -> int:
    """One e-mail per (user, movie) when the movie first goes on sale in the user's city."""
    sent = 0
    on_sale: dict[tuple[str, str], Showtime] = {}
    for showtime in Showtime.by_listed.query(LISTED, Showtime.starts_at >= now):
        if showtime.sales_open:
            on_sale.setdefault((showtime.movie_id, showtime.city_id), showtime)
    for (movie_id, city_id), showtime in sorted(on_sale.items()):
        city_key = f"on-sale-city:{movie_id}:{city_id}"
        if _was_sent(city_key):
            continue
        area, movie = get_or_none(Area, city_id), get_or_none(Movie, movie_id)
        if area is None or movie is None:
            continue
        city_name = area.name
        fans = _users(w.user_id for w in Want.by_movie.query(movie_id))
        for user in fans:
            if not (
                user.remind_on_sale and user.is_active and _city_matches(user, city_id, city_name)
            ):
                continue
            key = f"on-sale:{movie_id}:{user.user_id}"
            if _was_sent(key):
                continue  # one per movie: another city told them already
            enqueue(
                EmailMessage(
                    message_id=f"reminder-{key}",
                    kind="on_sale_reminder",
                    to=user.email,
                    subject=f"{movie.title} is on sale in {city_name}",
                    text=f"{movie.title}, which you want to see, is on sale in {city_name}: "
                    f"the first showtime starts at {clock.isoformat(showtime.starts_at)}.",
                )
            )
            sent += _claim(key, "on-sale", now)
        _claim(city_key, "on-sale", now)
    return sent


def send_reminders(now: datetime) -> int:
    """The sweeper task: both kinds; one failing does not stop the other."""
    total = 0
    for task in (announce_on_sale, remind_before_showtimes):
        try:
            total += task(now)
        except Exception:
            logger.exception("reminders failed", extra={"task": task.__name__})
    return total
