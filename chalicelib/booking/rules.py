"""The booking rules as plain functions: no I/O, ``now`` always passed in.

Services read the state, ask these functions what is allowed and what things cost, and
write the outcome with conditional writes (the conditions repeat the checks that can race).
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


class SeatStatus:
    AVAILABLE = "available"
    BLOCKED = "blocked"  # never sellable (broken seat, staff hold)
    HELD = "held"  # by a pending order until hold_expires_at
    SOLD = "sold"


class TicketStatus:
    VALID = "valid"
    USED = "used"
    VOID = "void"  # refunded (its order, or the ticket alone)


class OrderStatus:
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    REFUNDED = "refunded"
    USED = "used"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


#: The whole order status machine (DOMAIN.md); anything not listed is impossible.
TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING_PAYMENT: frozenset(
        {OrderStatus.PAID, OrderStatus.CANCELLED, OrderStatus.EXPIRED}
    ),
    OrderStatus.PAID: frozenset({OrderStatus.REFUNDED, OrderStatus.USED}),
    OrderStatus.REFUNDED: frozenset(),
    # box office only: a check-in undone in time (back to paid), a cancelled showtime's
    # orders are refunded even when someone was let in already
    OrderStatus.USED: frozenset({OrderStatus.PAID, OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.EXPIRED: frozenset(),
}


class IllegalTransition(Exception):
    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"an order cannot go from {current} to {wanted}")
        self.current, self.wanted = current, wanted


def can_transition(current: str, wanted: str) -> bool:
    return wanted in TRANSITIONS.get(current, frozenset())


def check_transition(current: str, wanted: str) -> None:
    if not can_transition(current, wanted):
        raise IllegalTransition(current, wanted)


# --- seats -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeatState:
    """What the rules need to know about one seat."""

    seat_id: str
    row: str
    col: int
    status: str
    order_id: str | None = None
    hold_expires_at: int | None = None
    version: int = 0

    def effective(self, now_epoch: int) -> str:
        return effective_status(self.status, self.hold_expires_at, now_epoch)


def effective_status(status: str, hold_expires_at: int | None, now_epoch: int) -> str:
    """A hold whose time has passed is a free seat, whether or not anything tidied it up."""
    if status == SeatStatus.HELD and (hold_expires_at is None or hold_expires_at < now_epoch):
        return SeatStatus.AVAILABLE
    return status


def is_free(seat: SeatState, now_epoch: int) -> bool:
    return effective_status(seat.status, seat.hold_expires_at, now_epoch) == SeatStatus.AVAILABLE


def seat_count_problem(seat_ids: Sequence[str], max_seats: int) -> str | None:
    if not seat_ids:
        return "choose at least one seat"
    if len(set(seat_ids)) != len(seat_ids):
        return "a seat is listed twice"
    if len(seat_ids) > max_seats:
        return f"at most {max_seats} seats per order"
    return None


class Placed(Protocol):
    """A seat's place in its hall: row label and column (aisles are missing columns)."""

    @property
    def seat_id(self) -> str: ...
    @property
    def row(self) -> str: ...
    @property
    def col(self) -> int: ...


#: How far from a chosen seat the stranded-seat rule looks: the free neighbour, and the
#: seat beyond it that decides whether that neighbour is alone.
STRANDED_REACH = 2


def nearby_seats(
    seats: Iterable[Placed], chosen: Collection[str], reach: int = STRANDED_REACH
) -> list[str]:
    """The seats, not chosen, at most ``reach`` places from a chosen seat in the same row
    with no aisle or row end between: all ``stranded_seats`` (and ``decisive_seats``)
    need to know besides the choice. Hall order."""
    by_place = {(s.row, s.col): s.seat_id for s in seats}
    places = {seat_id: place for place, seat_id in by_place.items()}
    found: set[str] = set()
    for seat_id in chosen:
        row, col = places[seat_id]
        for step in (-1, 1):
            for distance in range(1, reach + 1):
                other = by_place.get((row, col + step * distance))
                if other is None:
                    break  # an aisle or the row's end: nothing beyond it matters
                if other not in chosen:
                    found.add(other)
    return [seat_id for place, seat_id in sorted(by_place.items()) if seat_id in found]


def decisive_seats(
    seats: Iterable[SeatState], chosen: Collection[str], now_epoch: int
) -> list[str]:
    """Of the seats near a choice that ``stranded_seats`` let through, those a concurrent
    change of which could still make it strand one: on each free side of a run of chosen
    seats, the seat beyond the free neighbour (taken, it would leave the neighbour alone);
    on each taken side, the neighbour itself (freed, it would be alone). A hold checks
    these are unchanged when it commits; any other change next to it strands nothing."""
    by_place = {(s.row, s.col): s for s in seats}
    places = {s.seat_id: place for place, s in by_place.items()}
    found: set[str] = set()
    for seat_id in chosen:
        row, col = places[seat_id]
        for step in (-1, 1):
            beside = by_place.get((row, col + step))
            if beside is None or beside.seat_id in chosen:
                continue  # an aisle, the row's end or the choice itself: nothing to strand
            if not is_free(beside, now_epoch):
                found.add(beside.seat_id)
                continue
            beyond = by_place.get((row, col + 2 * step))
            if beyond is not None and beyond.seat_id not in chosen:
                found.add(beyond.seat_id)
    return [s.seat_id for place, s in sorted(by_place.items()) if s.seat_id in found]


def stranded_seats(seats: Iterable[SeatState], chosen: Iterable[str], now_epoch: int) -> list[str]:
    """Free seats that the choice would leave alone between taken seats / a row's end.

    Seats are adjacent when they are in the same row and their ``col`` differs by one; a
    missing col is an aisle, which ends a block like the row's end does. A single free seat
    next to a chosen seat is stranded: its other side is taken or an end (otherwise the free
    run would be longer than one).

    ``seats`` may be the whole hall or only the chosen seats and their ``nearby_seats``:
    a seat further away cannot change the answer.
    """
    chosen_ids = set(chosen)
    rows: dict[str, list[SeatState]] = {}
    for seat in seats:
        rows.setdefault(seat.row, []).append(seat)
    touched_rows = {s.row for r in rows.values() for s in r if s.seat_id in chosen_ids}
    stranded: list[str] = []
    for row in sorted(touched_rows):
        ordered = sorted(rows[row], key=lambda s: s.col)
        for block in _blocks(ordered):
            free = [s.seat_id not in chosen_ids and is_free(s, now_epoch) for s in block]
            for i, seat in enumerate(block):
                if not free[i]:
                    continue
                left_free = i > 0 and free[i - 1]
                right_free = i + 1 < len(block) and free[i + 1]
                if left_free or right_free:
                    continue
                neighbours = [block[j].seat_id for j in (i - 1, i + 1) if 0 <= j < len(block)]
                if any(n in chosen_ids for n in neighbours):
                    stranded.append(seat.seat_id)
    return stranded


def _blocks(ordered: list[SeatState]) -> list[list[SeatState]]:
    """Runs of seats with consecutive cols (an aisle gap starts a new run)."""
    blocks: list[list[SeatState]] = []
    for seat in ordered:
        if blocks and seat.col == blocks[-1][-1].col + 1:
            blocks[-1].append(seat)
        else:
            blocks.append([seat])
    return blocks


# --- time windows ------------------------------------------------------------------------


def sales_close_at(starts_at: datetime, close_minutes: int) -> datetime:
    return starts_at - timedelta(minutes=close_minutes)


def sales_are_open(
    starts_at: datetime, sales_open: bool, now: datetime, close_minutes: int
) -> bool:
    return sales_open and now < sales_close_at(starts_at, close_minutes)


def hold_expiry(now: datetime, hold_minutes: int) -> int:
    """Epoch seconds at which a hold taken ``now`` stops protecting the seat."""
    return int((now + timedelta(minutes=hold_minutes)).timestamp())


def paid_cancel_deadline(starts_at: datetime, cancel_minutes: int) -> datetime:
    return starts_at - timedelta(minutes=cancel_minutes)


def may_cancel_paid(starts_at: datetime, now: datetime, cancel_minutes: int) -> bool:
    return now <= paid_cancel_deadline(starts_at, cancel_minutes)


# --- order numbers -----------------------------------------------------------------------


def order_number(now: datetime, random_digits: str | None = None) -> str:
    """``YYYYMMDDHHMMSS`` + 6 random digits; uniqueness is enforced by a conditional write."""
    digits = random_digits if random_digits is not None else f"{secrets.randbelow(10**6):06d}"
    return now.strftime("%Y%m%d%H%M%S") + digits


# --- pricing -----------------------------------------------------------------------------


class CouponKind:
    FIXED = "fixed"
    THRESHOLD = "threshold"
    PERCENT = "percent"


class CouponRecordStatus:
    UNUSED = "unused"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class CouponTerms:
    coupon_id: str
    kind: str
    valid_from: datetime
    valid_until: datetime
    amount_off: int = 0  # fixed / threshold, minor units
    min_subtotal: int = 0  # threshold
    percent_off: int = 0  # percent, 1..99
    movie_id: str | None = None  # None: any movie
    currency: str = "cny"


@dataclass(frozen=True)
class PriceLine:
    seat_id: str
    seat_type: str
    price: int
    ticket_type: str = "adult"  # chalicelib.selling.ticket_rules prices the others


@dataclass(frozen=True)
class Quote:
    lines: list[PriceLine]
    subtotal: int
    discount: int
    total: int
    currency: str
    coupon_id: str | None = None
    coupon_problem: str | None = None
    voucher_code: str | None = None  # chalicelib.selling.vouchers prices it
    voucher_problem: str | None = None


def coupon_problem(
    terms: CouponTerms,
    record_status: str,
    subtotal: int,
    movie_id: str,
    currency: str,
    now: datetime,
) -> str | None:
    """Why this coupon cannot be used on this order, or ``None`` when it can."""
    if record_status != CouponRecordStatus.UNUSED:
        return f"the coupon is {record_status}"
    if now < terms.valid_from:
        return "the coupon is not valid yet"
    if now >= terms.valid_until:
        return "the coupon has expired"
    if terms.movie_id is not None and terms.movie_id != movie_id:
        return "the coupon is for another movie"
    if terms.kind != CouponKind.PERCENT and terms.currency != currency:
        return "the coupon is in another currency"
    if terms.kind == CouponKind.THRESHOLD and subtotal < terms.min_subtotal:
        return f"the coupon needs a subtotal of at least {terms.min_subtotal}"
    return None


def discount_for(terms: CouponTerms, subtotal: int) -> int:
    """The amount off; never more than the subtotal, so a total is never below 0."""
    if terms.kind == CouponKind.PERCENT:
        off = subtotal * terms.percent_off // 100
    else:
        off = terms.amount_off
    return max(0, min(off, subtotal))


def quote(
    lines: list[PriceLine],
    currency: str,
    movie_id: str,
    now: datetime,
    coupon: tuple[CouponTerms, str] | None = None,
) -> Quote:
    """Subtotal, discount and total. ``coupon`` is the terms and the caller's record status;
    an unusable coupon is reported in ``coupon_problem`` and gives no discount."""
    subtotal = sum(line.price for line in lines)
    if coupon is None:
        return Quote(lines, subtotal, 0, subtotal, currency)
    terms, record_status = coupon
    problem = coupon_problem(terms, record_status, subtotal, movie_id, currency, now)
    discount = 0 if problem else discount_for(terms, subtotal)
    return Quote(
        lines,
        subtotal,
        discount,
        subtotal - discount,
        currency,
        coupon_id=terms.coupon_id,
        coupon_problem=problem,
    )


# --- payments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IntentFacts:
    """A PaymentIntent as Stripe itself reports it (never as an event body claims it)."""

    intent_id: str
    status: str
    amount: int
    currency: str
    order_id: str | None  # our metadata, written when we created the intent


def signature_time_problem(signed_at: int, now_epoch: int, tolerance_seconds: int) -> str | None:
    """Why a webhook signed at ``signed_at`` is refused: a replay from the past or a stamp
    from the future, beyond Stripe's tolerance either way."""
    if signed_at < now_epoch - tolerance_seconds:
        return "the event was signed too long ago"
    if signed_at > now_epoch + tolerance_seconds:
        return "the event is signed with a time in the future"
    return None


def payment_problem(
    order_payment_intent_id: str | None, total: int, currency: str, intent: IntentFacts
) -> str | None:
    """Why this PaymentIntent does not pay this order, or ``None`` when it does."""
    if intent.intent_id != order_payment_intent_id:
        return f"the order is paid through another payment ({order_payment_intent_id})"
    if intent.amount != total:
        return f"the payment is {intent.amount}, the order costs {total}"
    if intent.currency.lower() != currency.lower():
        return f"the payment is in {intent.currency}, the order in {currency}"
    return None


class Settle:
    """What settling a payment does to its order (``settlement_for``)."""

    WAIT = "wait"  # Stripe has not taken the money (yet): nothing to do
    SELL = "sell"  # sell the order's seats (or, if taken, expire it and refund)
    CONFIRM = "confirm"  # already paid here: make sure the confirmation went out
    REFUND = "refund"  # the order ended without it: give the money back
    REFUND_STRAY = "refund_stray"  # money that pays no order: give it back, order untouched
    NOTHING = "nothing"  # already refunded or used: settled long ago


def settlement_for(
    order_status: str, intent_status: str, problem: str | None, refunded: bool
) -> str:
    """The settlement decision table. Only a ``succeeded`` intent has taken money."""
    if intent_status != "succeeded":
        return Settle.WAIT
    if problem is not None:
        return Settle.REFUND_STRAY
    if order_status == OrderStatus.PENDING_PAYMENT:
        return Settle.SELL
    if order_status == OrderStatus.PAID:
        return Settle.CONFIRM
    if order_status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED) and not refunded:
        return Settle.REFUND
    return Settle.NOTHING
