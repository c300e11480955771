"""Voucher codes as plain rules: no I/O, ``now`` always passed in.

A voucher is a code any signed-in user can redeem (pretix-style), unlike a coupon, which is
issued to known users. What a voucher takes off is computed per seat line, so a set price or
an amount off never makes a line cost more than it did, and the total never goes below 0.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime


class PriceMode:
    AMOUNT_OFF = "amount_off"  # minor units off each seat
    PERCENT_OFF = "percent_off"  # percent off the order, 1..100
    SET_PRICE = "set_price"  # each seat costs at most this


class Scope:
    ALL = "all"
    MOVIE = "movie"
    CINEMA = "cinema"
    SHOWTIME = "showtime"


#: letters and digits nobody misreads on a printed card (no 0/O, 1/I/L)
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RANDOM_CODE_LENGTH = 10


@dataclass(frozen=True)
class VoucherTerms:
    code: str
    max_usages: int
    max_usages_per_user: int
    valid_from: datetime
    valid_until: datetime
    scope: str
    scope_id: str | None
    price_mode: str
    value: int  # minor units (amount_off, set_price) or percent (percent_off)
    currency: str


@dataclass(frozen=True)
class OrderFacts:
    """What a voucher's scope is checked against."""

    movie_id: str
    cinema_id: str
    showtime_id: str
    currency: str


def normalise_code(code: str) -> str:
    """Codes are matched case-insensitively and without surrounding spaces."""
    return code.strip().upper()


def random_code(length: int = RANDOM_CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def voucher_problem(
    terms: VoucherTerms,
    used: int,
    used_by_user: int,
    facts: OrderFacts,
    now: datetime,
) -> str | None:
    """Why this voucher cannot be used on this order by this user, or ``None``."""
    if now < terms.valid_from:
        return "the voucher is not valid yet"
    if now >= terms.valid_until:
        return "the voucher has expired"
    if used >= terms.max_usages:
        return "the voucher has been used up"
    if used_by_user >= terms.max_usages_per_user:
        return "you have used this voucher as often as it allows"
    scoped = {
        Scope.MOVIE: (facts.movie_id, "movie"),
        Scope.CINEMA: (facts.cinema_id, "cinema"),
        Scope.SHOWTIME: (facts.showtime_id, "showtime"),
    }
    if terms.scope in scoped:
        actual, what = scoped[terms.scope]
        if actual != terms.scope_id:
            return f"the voucher is for another {what}"
    if terms.price_mode != PriceMode.PERCENT_OFF and terms.currency != facts.currency:
        return "the voucher is in another currency"
    return None


def voucher_discount(terms: VoucherTerms, line_prices: Sequence[int]) -> int:
    """The amount a usable voucher takes off seat lines priced ``line_prices``; never more
    than the lines cost."""
    subtotal = sum(line_prices)
    if terms.price_mode == PriceMode.PERCENT_OFF:
        off = subtotal * terms.value // 100
    elif terms.price_mode == PriceMode.AMOUNT_OFF:
        off = sum(min(terms.value, price) for price in line_prices)
    else:
        off = sum(max(0, price - terms.value) for price in line_prices)
    return max(0, min(off, subtotal))


CSV_COLUMNS = ("code", "max_usages", "max_usages_per_user", "valid_from", "valid_until")


def codes_csv(rows: Iterable[Sequence[object]]) -> str:
    """A batch's codes as CSV, one header line then one line per code."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()
