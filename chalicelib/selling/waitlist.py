"""Waiting lists of sold-out showtimes (the rules: ``waitlist_rules``).

- **Join / leave**: one entry per (showtime, user), asking for 1-6 seats; only while the
  showtime is sold out and on sale. Leaving with a live offer gives its seats back.
- **Offers**: ``seats_freed`` runs after every transaction that frees seats (an order
  cancelled, expired or refunded, tickets refunded, seats unblocked, an offer lapsed or
  given up). It reads the list and the free seats and makes the offers the rules choose,
  each in ONE transaction: the seats held by ``offer:<id>`` for 15 minutes (conditional on
  being free, as any hold), the entry ``waiting -> offered`` (conditional on its status),
  the counters. Two allocations racing for a seat or an entry: one commits, the other
  reads again. The user is then e-mailed through the e-mail queue (SQS) with a link whose
  token is signed by ``chalicelib.core.signing`` (ring ``ticket``, salt ``waitlist-offer``);
  the message id is the offer's, so the mailer sends it once.
- **Accepting**: ``POST /orders`` with ``waitlist_offer`` and exactly the offered seats;
  the order's hold transaction takes the seats over from the offer and closes the entry
  (``offered -> accepted``, conditional on the offer still being open).
- **Lapsing**: a sweeper task ends offers past their 15 minutes (seats back, entry
  ``lapsed``) and serves the next entries; it also sends offers whose e-mail was not
  queued and serves lists whose showtimes have seats free (a trigger lost to a crash).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.accounts.models import User
from chalicelib.booking import holds
from chalicelib.booking.models import Seat
from chalicelib.booking.rules import SeatStatus, sales_are_open
from chalicelib.boxoffice import counters, gate
from chalicelib.catalog.models import Showtime
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.dynamo import conditionally, get_or_404, get_or_none
from chalicelib.core.email import EmailMessage, enqueue
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.observability import logger
from chalicelib.core.signing import InvalidSignature, sign, unsign
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended
from chalicelib.selling.models import WaitlistEntry
from chalicelib.selling.waitlist_rules import (
    EntryStatus,
    FreeSeat,
    Waiting,
    allocate,
    claim_problem,
    may_rejoin,
    offer_expiry,
    offer_hold_id,
)

#: the signing salt: an offer token is no other token
OFFER_SALT = "waitlist-offer"
#: the entry's label in a transaction
ENTRY = "waitlist-entry"
#: allocations read again after losing a race for a seat or an entry
ALLOCATE_ATTEMPTS = 5
#: entries outlive their show this long
KEPT_AFTER_SHOW = timedelta(days=7)
_SEAT_ATTRIBUTES = ["seat_id", "row", "col", "status"]


class NotSoldOut(Conflict):
    """Seats are still on sale: buy them instead of waiting."""

    slug, title = "not-sold-out", "Not Sold Out"


class AlreadyWaiting(Conflict):
    """The user is on this showtime's list already (one entry per user)."""

    slug, title = "already-waiting", "Already Waiting"


class OfferClosed(Conflict):
    """The offer was taken, lapsed or given up."""

    slug, title = "offer-closed", "Offer Closed"


def _on_sale(showtime: Showtime, now: datetime) -> bool:
    close = get_settings().sales_close_minutes
    return (
        not showtime.withdrawn
        and showtime.cancelled_at is None
        and sales_are_open(showtime.starts_at, bool(showtime.sales_open), now, close)
    )


# --- joining and leaving -----------------------------------------------------------------


def join(showtime_id: str, user_id: str, seats: int) -> WaitlistEntry:
    """Put the user on a sold-out showtime's list for ``seats`` seats (409 when seats are
    left, sales are over, or the user waits already)."""
    now = clock.now()
    showtime = get_or_404(Showtime, showtime_id, what="showtime")
    if not _on_sale(showtime, now):
        raise Conflict("This showtime is not on sale.")
    if seats > get_settings().max_seats_per_order:
        raise ValidationFailed.single("seats", "more seats than one order may have")
    if counters.seats_left(showtime_id) > 0:
        raise NotSoldOut("Seats are still on sale for this showtime.")
    before = get_or_none(WaitlistEntry, showtime_id, user_id, consistent_read=True)
    if not may_rejoin(before.status if before else None):
        raise AlreadyWaiting("You are on this showtime's waiting list already.")
    entry = WaitlistEntry(
        showtime_id,
        user_id,
        seats=seats,
        position=time.time_ns() // 1_000_000,
        status=EntryStatus.WAITING,
        open_state=EntryStatus.WAITING,
        offered_before=list(before.offered_before or []) if before else None,
        joined_at=now,
        updated_at=now,
        expires_at=showtime.ends_at + KEPT_AFTER_SHOW,
    )
    unchanged = (
        WaitlistEntry.user_id.does_not_exist()
        if before is None
        else WaitlistEntry.status == before.status
    )
    if not conditionally(lambda: entry.save(condition=unchanged)):
        raise AlreadyWaiting("You are on this showtime's waiting list already.")
    # seats freed between the sold-out read and the save found nobody waiting: serve now
    seats_freed(showtime_id)
    return get_or_404(WaitlistEntry, showtime_id, user_id, what="entry", consistent_read=True)


def leave(showtime_id: str, user_id: str) -> None:
    """Take the user off the list; a live offer's seats go to the next entries."""
    for _ in range(ALLOCATE_ATTEMPTS):
        entry = get_or_404(
            WaitlistEntry, showtime_id, user_id, what="waiting-list entry", consistent_read=True
        )
        if entry.status == EntryStatus.OFFERED:
            if _end_offer(entry, delete=True):
                seats_freed(showtime_id)
                return
        elif _delete_unchanged(entry):
            return
        # an offer was made or ended meanwhile: read the entry again
    raise Conflict("Your entry keeps changing; try again.")


def _delete_unchanged(entry: WaitlistEntry) -> bool:
    return conditionally(lambda: entry.delete(condition=WaitlistEntry.status == entry.status))


def mine(user_id: str) -> list[WaitlistEntry]:
    """The user's entries, newest first."""
    return list(WaitlistEntry.by_user.query(user_id, scan_index_forward=False, limit=100))


# --- offers --------------------------------------------------------------------------------


def offer_token(entry: WaitlistEntry) -> str | None:
    if entry.status != EntryStatus.OFFERED or not entry.offer_id:
        return None
    return sign("ticket", OFFER_SALT, {"o": entry.offer_id, "t": entry.showtime_id})


def seats_freed(showtime_id: str) -> int:
    """Serve the list after seats were freed; never fails its caller, whose transaction
    has committed (the sweeper serves lists with free seats again)."""
    try:
        return serve(showtime_id, clock.now())
    except Exception:
        logger.exception("waiting list not served", extra={"showtime_id": showtime_id})
        return 0


def serve(showtime_id: str, now: datetime) -> int:
    """Make the offers the rules choose for the seats free now; returns how many."""
    made = 0
    for _ in range(ALLOCATE_ATTEMPTS):
        entries = {
            e.user_id: e
            for e in WaitlistEntry.query(showtime_id, consistent_read=True)
            if e.status == EntryStatus.WAITING
        }
        if not entries:
            return made
        showtime = get_or_none(Showtime, showtime_id)
        if showtime is None or not _on_sale(showtime, now):
            return made
        free = [
            FreeSeat(s.seat_id, s.row, int(s.col))
            for s in Seat.query(
                showtime_id, consistent_read=True, attributes_to_get=_SEAT_ATTRIBUTES
            )
            if s.status == SeatStatus.AVAILABLE
        ]
        waiting = [
            Waiting(e.user_id, int(e.seats), int(e.position), frozenset(e.offered_before or ()))
            for e in entries.values()
        ]
        offers = allocate(waiting, free)
        if not offers:
            return made
        for offer in offers:
            entry = entries[offer.user_id]
            try:
                _make_offer(entry, list(offer.seat_ids), now)
            except (ConditionFailed, TransactionContended):
                break  # a seat or the entry changed meanwhile: read everything again
            made += 1
            _notify(entry.showtime_id, entry.user_id)
        else:
            return made
    return made


def _make_offer(entry: WaitlistEntry, seat_ids: list[str], now: datetime) -> None:
    offer_id = uuid.uuid4().hex
    until = int(offer_expiry(now).timestamp())
    now_epoch = int(now.timestamp())
    tx = Transaction()
    gate.add_sales_open(tx, entry.showtime_id)
    for seat_id in seat_ids:
        holds.add_hold(tx, entry.showtime_id, seat_id, offer_hold_id(offer_id), until, now_epoch)
    counters.add(tx, entry.showtime_id, held=len(seat_ids))
    tx.update(
        ENTRY,
        WaitlistEntry(entry.showtime_id, entry.user_id),
        [
            WaitlistEntry.status.set(EntryStatus.OFFERED),
            WaitlistEntry.open_state.set(EntryStatus.OFFERED),
            WaitlistEntry.offer_id.set(offer_id),
            WaitlistEntry.offer_seat_ids.set(seat_ids),
            WaitlistEntry.offer_expires_at.set(until),
            WaitlistEntry.offered_before.set([*(entry.offered_before or []), *seat_ids]),
            WaitlistEntry.notified_at.remove(),
            WaitlistEntry.updated_at.set(now),
        ],
        condition=(WaitlistEntry.status == EntryStatus.WAITING)
        & (WaitlistEntry.position == entry.position),
    )
    tx.commit()


def _notify(showtime_id: str, user_id: str) -> None:
    """E-mail the live offer (message id = the offer's: the mailer sends it once), then
    mark the entry notified; a failure is left to the sweeper, which sends it again."""
    entry = get_or_none(WaitlistEntry, showtime_id, user_id, consistent_read=True)
    token = offer_token(entry) if entry else None
    user = get_or_none(User, user_id)
    if entry is None or token is None or user is None:
        return
    link = f"{get_settings().cors_allowed_origins[0]}/waitlist/offer?token={token}"
    seats = ", ".join(entry.offer_seat_ids or [])
    minutes = (int(entry.offer_expires_at) - clock.epoch_seconds()) // 60
    try:
        enqueue(
            EmailMessage(
                message_id=f"waitlist-offer-{entry.offer_id}",
                kind="waitlist_offer",
                to=user.email,
                subject="Seats are free for you",
                text=f"Seats {seats} are held for you for {minutes} minutes. "
                f"Book them here: {link}",
            )
        )
    except Exception:
        logger.exception("waiting-list offer not queued", extra={"offer_id": entry.offer_id})
        return
    conditionally(
        lambda: entry.update(
            actions=[WaitlistEntry.notified_at.set(clock.now())],
            condition=WaitlistEntry.offer_id == entry.offer_id,
        )
    )


def _end_offer(entry: WaitlistEntry, *, delete: bool) -> bool:
    """Give an offer's seats back (those it still holds) and close the entry (``lapsed``)
    or delete it, in one transaction; ``False`` when the offer changed meanwhile."""
    assert entry.offer_id is not None
    hold = offer_hold_id(entry.offer_id)
    seat_ids = [str(s) for s in entry.offer_seat_ids or []]
    states = holds.read_seats(entry.showtime_id, seat_ids)
    tx = Transaction()
    for seat_id in seat_ids:
        state = states.get(seat_id)
        if state and state.status == SeatStatus.HELD and state.order_id == hold:
            holds.add_release(tx, entry.showtime_id, seat_id, hold, SeatStatus.HELD)
    # its hold counted all its seats, also those a lapsed hold lost to an order
    counters.add(tx, entry.showtime_id, held=-len(seat_ids))
    still_open = (WaitlistEntry.status == EntryStatus.OFFERED) & (
        WaitlistEntry.offer_id == entry.offer_id
    )
    key = WaitlistEntry(entry.showtime_id, entry.user_id)
    if delete:
        tx.delete(ENTRY, key, condition=still_open)
    else:
        tx.update(
            ENTRY,
            key,
            [
                WaitlistEntry.status.set(EntryStatus.LAPSED),
                WaitlistEntry.open_state.remove(),
                WaitlistEntry.updated_at.set(clock.now()),
            ],
            condition=still_open,
        )
    try:
        tx.commit()
    except (ConditionFailed, TransactionContended):
        return False
    return True


# --- an order taking an offer --------------------------------------------------------------


@dataclass(frozen=True)
class OfferClaim:
    """An open offer an order takes: its seats, held by ``hold_id``."""

    showtime_id: str
    user_id: str
    offer_id: str
    hold_id: str
    seat_ids: tuple[str, ...]


def claim(token: str, user_id: str, showtime_id: str, seat_ids: Iterable[str]) -> OfferClaim:
    """The open offer behind ``token`` for this user, showtime and exactly these seats:
    422 for a token that is not genuine or not theirs, 409 once the offer is closed."""
    try:
        payload = unsign("ticket", OFFER_SALT, token)
        offer_id, offered_showtime = str(payload["o"]), str(payload["t"])
    except (InvalidSignature, KeyError, TypeError) as exc:
        raise ValidationFailed.single("waitlist_offer", "is not a genuine offer") from exc
    if offered_showtime != showtime_id:
        raise ValidationFailed.single("waitlist_offer", "is an offer for another showtime")
    entry = get_or_none(WaitlistEntry, showtime_id, user_id, consistent_read=True)
    if entry is None or entry.offer_id != offer_id:
        raise ValidationFailed.single("waitlist_offer", "is not an offer of yours")
    problem = claim_problem(
        entry.status,
        entry.offer_id,
        offer_id,
        None if entry.offer_expires_at is None else int(entry.offer_expires_at),
        clock.epoch_seconds(),
    )
    if problem:
        raise OfferClosed(problem[0].upper() + problem[1:] + ".")
    offered = tuple(str(s) for s in entry.offer_seat_ids or [])
    if sorted(offered) != sorted(seat_ids):
        raise ValidationFailed.single(
            "seat_ids", f"an offer's order takes exactly its seats: {', '.join(offered)}"
        )
    return OfferClaim(showtime_id, user_id, offer_id, offer_hold_id(offer_id), offered)


def add_accept(tx: Transaction, offer: OfferClaim, order_id: str, now_epoch: int) -> None:
    """Close the entry with the order's hold, only while the offer is open."""
    tx.update(
        ENTRY,
        WaitlistEntry(offer.showtime_id, offer.user_id),
        [
            WaitlistEntry.status.set(EntryStatus.ACCEPTED),
            WaitlistEntry.open_state.remove(),
            WaitlistEntry.order_id.set(order_id),
            WaitlistEntry.updated_at.set(clock.now()),
        ],
        condition=(WaitlistEntry.status == EntryStatus.OFFERED)
        & (WaitlistEntry.offer_id == offer.offer_id)
        & (WaitlistEntry.offer_expires_at > now_epoch),
    )


# --- the sweeper's task ----------------------------------------------------------------------


def sweep_waitlists(now: datetime) -> int:
    """End lapsed offers and serve their lists; queue offers whose e-mail was not queued;
    serve lists of showtimes with seats free (a trigger lost to a crash). Returns the
    offers ended and made."""
    now_epoch = int(now.timestamp())
    handled = 0
    to_serve: set[str] = set()
    for entry in WaitlistEntry.by_state.query(EntryStatus.OFFERED):
        if entry.offer_expires_at is not None and int(entry.offer_expires_at) <= now_epoch:
            if _end_offer(entry, delete=False):
                handled += 1
                to_serve.add(entry.showtime_id)
        elif entry.notified_at is None:
            _notify(entry.showtime_id, entry.user_id)
    waiting = {e.showtime_id for e in WaitlistEntry.by_state.query(EntryStatus.WAITING)}
    left = counters.seats_left_many(waiting - to_serve)
    to_serve |= {showtime_id for showtime_id, free in left.items() if free > 0}
    for showtime_id in sorted(to_serve):
        handled += serve(showtime_id, now)
    return handled
