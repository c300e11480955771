"""What booking needs from the catalogue's showtime: its sale terms (prices, sales window,
movie, currency), and a check inside the order's transaction that they still hold.

An order may decide on terms cached in this container because its transaction checks
they are still current: a PATCH made anywhere since the terms were read cancels the
transaction, and the order is decided again on fresh terms. Anything that writes no
transaction (a quote, the coupon list) reads the showtime afresh instead.

The check (``add_counted_unchanged``) rides on the counter shard the order adds to: every
write of a showtime's terms puts a fresh ``terms_stamp`` on the showtime and, in the same
transaction, on each of its counter shards (``counters.add_terms_stamp``). Concurrent
orders of one showtime then share no item but, one time in ``counters.SHARDS``, a shard:
a ConditionCheck on the showtime item itself would put every order of a premiere's
on-sale into one item (DynamoDB cancels transactions that touch one item at the same
instant) and cost each hold one more item. Showtimes from before stamps are checked on
their ``version`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.booking import catalogue
from chalicelib.booking.catalogue import Showtime
from chalicelib.boxoffice import counters
from chalicelib.core.cache import ContainerCache
from chalicelib.core.transactions import Transaction

SHOWTIME = "showtime"  # label of the terms' check in an order transaction
#: showtimes whose terms a container keeps (a few hundred bytes each)
CACHED_TERMS = 1024


@dataclass(frozen=True)
class SaleTerms:
    showtime_id: str
    movie_id: str
    cinema_id: str  # a voucher's scope
    starts_at: datetime
    sales_open: bool
    prices: dict[str, int]
    ticket_prices: dict[str, dict[str, int]]  # types besides adult (chalicelib.selling)
    currency: str
    version: int | None  # None: written before showtimes had versions
    stamp: str | None  # None: written before terms stamps


_cache: ContainerCache[str, SaleTerms] = ContainerCache(CACHED_TERMS)


def sale_terms(showtime_id: str, *, cached: bool) -> SaleTerms:
    """The showtime's terms: with ``cached``, from this container when it has them (only
    for a caller that adds ``add_unchanged`` to its transaction)."""
    if cached:
        return _cache.get(showtime_id, _read)
    terms = _read(showtime_id)
    _cache.put(showtime_id, terms)
    return terms


def forget(showtime_id: str) -> None:
    """Drop cached terms that a transaction found out of date."""
    _cache.forget(showtime_id)


def _read(showtime_id: str) -> SaleTerms:
    showtime = catalogue.showtime(showtime_id, consistent_read=True)
    return SaleTerms(
        showtime_id=showtime.showtime_id,
        movie_id=showtime.movie_id,
        cinema_id=showtime.cinema_id,
        starts_at=showtime.starts_at,
        sales_open=bool(showtime.sales_open),
        prices={str(k): int(v) for k, v in showtime.prices.as_dict().items()},
        ticket_prices=dict(showtime.ticket_prices or {}),
        currency=showtime.currency,
        version=None if showtime.version is None else int(showtime.version),
        stamp=showtime.terms_stamp,
    )


def add_counted_unchanged(
    tx: Transaction, terms: SaleTerms, *, on_shard: bool = True, **deltas: int
) -> None:
    """The order's counter ``deltas``, in a transaction that fails on ``SHOWTIME`` if the
    showtime's terms changed since ``terms`` were read: checked on the counter shard when
    the terms carry a stamp and ``on_shard``, else on the showtime's version (with
    ``on_shard=False`` after a shard disagreed with freshly read terms: a shard never
    written since stamps, or lost)."""
    if on_shard and terms.stamp is not None:
        counters.add_if_stamped(tx, terms.showtime_id, terms.stamp, SHOWTIME, deltas)
        return
    check: dict[str, Any] = dict(
        TableName=Showtime.Meta.table_name,
        Key={"showtime_id": {"S": terms.showtime_id}},
        ExpressionAttributeNames={"#version": "version"},
    )
    if terms.version is None:
        check["ConditionExpression"] = "attribute_not_exists(#version)"
    else:
        check["ConditionExpression"] = "#version = :version"
        check["ExpressionAttributeValues"] = {":version": {"N": str(terms.version)}}
    tx.add("check", SHOWTIME, check)
    counters.add(tx, terms.showtime_id, **deltas)
