"""Voucher codes: staff create them (one, or a batch of random codes exported as CSV);
any signed-in user redeems one on an order.

Redeeming happens inside the order's hold transaction (``add_redemption``): the code's
``used`` and the user's own count go up by one, each conditioned on staying within its
limit, so 50 concurrent orders on a code allowing 10 leave exactly 10 redeemed. An order
that is cancelled, expires or is refunded gives its redemption back in the transaction
that ends it (``add_return``).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.booking.rules import Quote
from chalicelib.catalog.models import Cinema, Movie, Showtime
from chalicelib.core import clock
from chalicelib.core.dynamo import conditionally, get_or_none
from chalicelib.core.errors import Conflict, NotFound, UnknownReference
from chalicelib.core.transactions import Transaction
from chalicelib.selling.models import Voucher, VoucherUse
from chalicelib.selling.voucher_rules import (
    OrderFacts,
    Scope,
    VoucherTerms,
    codes_csv,
    normalise_code,
    random_code,
    voucher_discount,
    voucher_problem,
)

#: labels of the voucher's items in an order transaction
VOUCHER, VOUCHER_USE = "voucher", "voucher-use"
#: fresh random codes tried when one is already taken
CODE_ATTEMPTS = 5
#: a quote's ``voucher_problem`` for a code that does not exist (an order: 404)
NO_SUCH_CODE = "no such voucher code"


@dataclass(frozen=True)
class VoucherSpec:
    """What staff set on a voucher (or on every code of a batch)."""

    max_usages: int
    max_usages_per_user: int
    valid_from: datetime
    valid_until: datetime
    scope: str
    scope_id: str | None
    price_mode: str
    value: int
    currency: str


def terms_of(voucher: Voucher) -> VoucherTerms:
    return VoucherTerms(
        code=voucher.code,
        max_usages=int(voucher.max_usages),
        max_usages_per_user=int(voucher.max_usages_per_user),
        valid_from=voucher.valid_from,
        valid_until=voucher.valid_until,
        scope=voucher.scope,
        scope_id=voucher.scope_id,
        price_mode=voucher.price_mode,
        value=int(voucher.value),
        currency=voucher.currency,
    )


def find(code: str) -> Voucher | None:
    return get_or_none(Voucher, normalise_code(code), consistent_read=True)


def uses_by(code: str, user_id: str) -> int:
    use = get_or_none(VoucherUse, code, user_id, consistent_read=True)
    return 0 if use is None else int(use.uses)


def _require_scope_target(scope: str, scope_id: str | None) -> None:
    """A scoped voucher names something that exists (404 ``unknown-reference`` otherwise)."""
    model: Any = {Scope.MOVIE: Movie, Scope.CINEMA: Cinema, Scope.SHOWTIME: Showtime}.get(scope)
    if model is None:
        return
    if scope_id is None or model.count(scope_id, limit=1) == 0:
        raise UnknownReference("scope_id", f"no {scope} {scope_id!r}")


def _voucher(code: str, spec: VoucherSpec, batch_id: str | None, created_by: str) -> Voucher:
    return Voucher(
        code,
        max_usages=spec.max_usages,
        max_usages_per_user=spec.max_usages_per_user,
        used=0,
        valid_from=spec.valid_from,
        valid_until=spec.valid_until,
        valid_from_epoch=int(spec.valid_from.timestamp()),
        valid_until_epoch=int(spec.valid_until.timestamp()),
        scope=spec.scope,
        scope_id=spec.scope_id,
        price_mode=spec.price_mode,
        value=spec.value,
        currency=spec.currency.lower(),
        batch_id=batch_id,
        created_by=created_by,
        created_at=clock.now(),
    )


def _put_new(voucher: Voucher) -> bool:
    """Save a code that does not exist yet; ``False`` when it does."""
    return conditionally(lambda: voucher.save(condition=Voucher.code.does_not_exist()))


def create_voucher(code: str, spec: VoucherSpec, created_by: str) -> Voucher:
    """One voucher with the code staff chose; 409 when the code exists."""
    _require_scope_target(spec.scope, spec.scope_id)
    voucher = _voucher(normalise_code(code), spec, None, created_by)
    if not _put_new(voucher):
        raise Conflict(f"The code {voucher.code} exists already.")
    return voucher


def create_batch(count: int, spec: VoucherSpec, created_by: str) -> tuple[str, list[Voucher]]:
    """``count`` vouchers with random codes under one batch id (a code drawn twice is drawn
    again)."""
    _require_scope_target(spec.scope, spec.scope_id)
    batch_id = uuid.uuid4().hex
    made: list[Voucher] = []
    for _ in range(count):
        for _ in range(CODE_ATTEMPTS):
            voucher = _voucher(random_code(), spec, batch_id, created_by)
            if _put_new(voucher):
                made.append(voucher)
                break
        else:
            raise Conflict("Could not draw a free code; try a smaller batch.")
    return batch_id, made


def batch_csv(batch_id: str) -> str:
    vouchers = list(Voucher.by_batch.query(batch_id))
    if not vouchers:
        raise NotFound("No such voucher batch.")
    return codes_csv(
        (
            v.code,
            int(v.max_usages),
            int(v.max_usages_per_user),
            clock.isoformat(v.valid_from),
            clock.isoformat(v.valid_until),
        )
        for v in vouchers
    )


def usability(voucher: Voucher, user_id: str, now: datetime) -> str | None:
    """Why the user cannot redeem the code now, scope aside (that needs an order)."""
    terms = terms_of(voucher)
    anywhere = OrderFacts(
        movie_id=terms.scope_id or "",
        cinema_id=terms.scope_id or "",
        showtime_id=terms.scope_id or "",
        currency=terms.currency,
    )
    return voucher_problem(terms, int(voucher.used), uses_by(voucher.code, user_id), anywhere, now)


def with_voucher(priced: Quote, code: str, user_id: str, facts: OrderFacts, now: datetime) -> Quote:
    """The quote with the voucher applied, or with ``voucher_problem`` saying why not (and
    no discount). An unknown code is a problem like any other, so a quote never 404s."""
    voucher = find(code)
    normalised = normalise_code(code)
    if voucher is None:
        return dataclasses.replace(priced, voucher_code=normalised, voucher_problem=NO_SUCH_CODE)
    terms = terms_of(voucher)
    problem = voucher_problem(terms, int(voucher.used), uses_by(voucher.code, user_id), facts, now)
    discount = 0 if problem else voucher_discount(terms, [line.price for line in priced.lines])
    return dataclasses.replace(
        priced,
        discount=discount,
        total=priced.subtotal - discount,
        voucher_code=voucher.code,
        voucher_problem=problem,
    )


def add_redemption(tx: Transaction, code: str, user_id: str, now_epoch: int) -> None:
    """Count one redemption, only within the code's limits and validity (``VOUCHER``) and
    the user's own limit (``VOUCHER_USE``; the per-user limit never changes, so it is read
    here and written into the condition)."""
    voucher = find(code)
    if voucher is None:
        raise UnknownReference("voucher_code", NO_SUCH_CODE)
    max_per_user = int(voucher.max_usages_per_user)
    tx.update(
        VOUCHER,
        Voucher(code),
        [Voucher.used.add(1)],
        condition=Voucher.code.exists()
        & (Voucher.used < Voucher.max_usages)
        & (Voucher.valid_from_epoch <= now_epoch)
        & (Voucher.valid_until_epoch > now_epoch),
    )
    tx.update(
        VOUCHER_USE,
        VoucherUse(code, user_id),
        [VoucherUse.uses.add(1)],
        condition=VoucherUse.uses.does_not_exist() | (VoucherUse.uses < max_per_user),
    )


def add_return(tx: Transaction, code: str, user_id: str) -> None:
    """Give one redemption back (the caller's transaction ends the order exactly once)."""
    tx.update(VOUCHER, Voucher(code), [Voucher.used.add(-1)], condition=Voucher.used > 0)
    tx.update(
        VOUCHER_USE,
        VoucherUse(code, user_id),
        [VoucherUse.uses.add(-1)],
        condition=VoucherUse.uses > 0,
    )
