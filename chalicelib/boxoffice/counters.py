"""Per-showtime tallies kept exact by the transactions that change them, never by scans.

Every transaction that holds, sells, releases, refunds, blocks or checks in seats adds its
deltas here (``add``) as one more item of the SAME TransactWriteItems, so a tally can never
disagree with the seats and orders it counts: both commit, or neither.

Concurrency: a single counter item per showtime would be touched by every hold of that
showtime, and DynamoDB cancels transactions that touch one item at the same instant
(``TransactionConflict``). So the tallies are split over ``SHARDS`` items; each transaction
adds to one shard chosen at random, and a read sums the shards (one Query; many showtimes:
one BatchGetItem per 100 shard keys).

What the seat counts mean (``Tally``):
- ``held``: seats of orders waiting for payment. It rises when an order holds its seats and
  falls when the order leaves ``pending_payment`` (paid, cancelled, expired). A hold that
  lapsed without anyone noticing counts until the sweeper expires its order (a minute at
  most), so ``seats_left`` may under-report for that long, never over-report.
- ``sold``: seats sold and not refunded. ``blocked``: seats staff took out of sale.
- Invariant: ``capacity = free + held + sold + blocked`` once lapsed holds are swept
  (``free`` = ``seats_left``).

Every shard also carries the showtime's terms stamp (``add_terms_stamp``), so a hold checks
that the terms it priced on are current on the one shard it counts on, never on the
showtime item that all holds of the showtime would share (see
``chalicelib/booking/showtimes.py``).

Money (minor units): ``gross`` is the subtotal of every paid order, ``discounts`` their
discounts, ``refunds`` what was paid back; ``net = gross - discounts - refunds``.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from pynamodb.expressions.update import Action

from chalicelib.boxoffice.models import ShowtimeCounter
from chalicelib.core.transactions import Transaction

#: shard items per showtime; reads cover 0..SHARDS-1, so this may grow but never shrink
SHARDS = 8
#: the label of the counter item in a transaction (it has no condition: it never fails one)
LABEL = "counters"


@dataclass(frozen=True)
class Tally:
    """A showtime's (or a sum of showtimes') counters."""

    capacity: int = 0
    held: int = 0
    sold: int = 0
    blocked: int = 0
    checked_in: int = 0
    orders: int = 0
    gross: int = 0
    discounts: int = 0
    refunds: int = 0
    refunded_seats: int = 0
    counter_cash: int = 0
    counter_terminal: int = 0

    @property
    def free(self) -> int:
        """Seats that can be sold now (see the module doc for lapsed holds)."""
        return max(0, self.capacity - self.held - self.sold - self.blocked)

    @property
    def net(self) -> int:
        return self.gross - self.discounts - self.refunds

    def __add__(self, other: Tally) -> Tally:
        return Tally(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in _FIELDS})


_FIELDS = fields(Tally)
#: what a transaction may add to (capacity is set once, when the showtime opens)
DELTAS = frozenset(f.name for f in _FIELDS) - {"capacity"}


def add(tx: Transaction, showtime_id: str, **deltas: int) -> None:
    """Add ``deltas`` (``held=2``, ``sold=-1``, ``gross=9000``...) to the showtime's counters
    inside ``tx``. Zero deltas are left out; nothing is added when all are zero."""
    added = _nonzero(deltas)
    if added:
        tx.add("update", LABEL, _shard_operation(showtime_id, added))


def add_if_stamped(
    tx: Transaction, showtime_id: str, stamp: str, label: str, deltas: Mapping[str, int]
) -> None:
    """``add``, on a shard that must carry the terms ``stamp`` (``add_terms_stamp``), else
    the transaction fails on ``label``; the shard is checked even when nothing is added."""
    operation = _shard_operation(showtime_id, _nonzero(deltas))
    operation["ConditionExpression"] = "#terms_stamp = :terms_stamp"
    operation["ExpressionAttributeNames"]["#terms_stamp"] = "terms_stamp"
    operation.setdefault("ExpressionAttributeValues", {})[":terms_stamp"] = {"S": stamp}
    tx.add("update" if "UpdateExpression" in operation else "check", label, operation)


def _nonzero(deltas: Mapping[str, int]) -> dict[str, int]:
    unknown = set(deltas) - DELTAS
    if unknown:
        raise ValueError(f"no such counters: {sorted(unknown)}")
    return {name: value for name, value in deltas.items() if value}


def _shard_operation(showtime_id: str, added: Mapping[str, int]) -> dict[str, Any]:
    """The update of a shard chosen at random, as a DynamoDB operation without model
    objects (it is in every hold); no ``UpdateExpression`` when nothing is added."""
    operation: dict[str, Any] = dict(
        TableName=ShowtimeCounter.Meta.table_name,
        Key=_shard_key(showtime_id, random.randrange(SHARDS)),
        ExpressionAttributeNames={f"#{name}": name for name in added},
    )
    if added:
        operation["UpdateExpression"] = "ADD " + ", ".join(f"#{name} :{name}" for name in added)
        operation["ExpressionAttributeValues"] = {
            f":{name}": {"N": str(value)} for name, value in added.items()
        }
    return operation


def add_terms_stamp(tx: Transaction, showtime_id: str) -> str:
    """A fresh terms stamp on every shard of the showtime, in the transaction that writes
    the showtime's new terms (with the stamp returned): holds decided on older terms then
    fail their shard's check (see ``chalicelib/booking/showtimes.py``)."""
    stamp = uuid.uuid4().hex
    for shard in range(SHARDS):
        tx.add(
            "update",
            f"{LABEL}:{shard}",
            dict(
                TableName=ShowtimeCounter.Meta.table_name,
                Key=_shard_key(showtime_id, shard),
                UpdateExpression="SET #terms_stamp = :terms_stamp",
                ExpressionAttributeNames={"#terms_stamp": "terms_stamp"},
                ExpressionAttributeValues={":terms_stamp": {"S": stamp}},
            ),
        )
    return stamp


def _shard_key(showtime_id: str, shard: int) -> dict[str, Any]:
    return {"showtime_id": {"S": showtime_id}, "shard": {"N": str(shard)}}


def open_showtime(showtime_id: str, cinema_id: str, day: str, capacity: int) -> None:
    """Create a new showtime's shards with its capacity, cinema and local day (the cinema
    reports find them by those). Idempotent; counts already made are kept."""
    for shard in range(SHARDS):
        item = ShowtimeCounter(showtime_id, shard)
        actions: list[Action] = [
            ShowtimeCounter.cinema_id.set(cinema_id),
            ShowtimeCounter.day.set(day),
        ]
        if shard == 0:
            actions.append(ShowtimeCounter.capacity.set(capacity))
        item.update(actions=actions)


def move_showtime(showtime_id: str, day: str) -> None:
    """The showtime now starts on another local day."""
    for shard in range(SHARDS):
        ShowtimeCounter(showtime_id, shard).update(actions=[ShowtimeCounter.day.set(day)])


def _tally_of(items: Iterable[ShowtimeCounter]) -> Tally:
    total = Tally()
    for item in items:
        total = total + Tally(**{f.name: int(getattr(item, f.name) or 0) for f in _FIELDS})
    return total


def tally(showtime_id: str) -> Tally:
    """One showtime's counters, strongly consistent: one Query over its shards."""
    return _tally_of(ShowtimeCounter.query(showtime_id, consistent_read=True))


def tallies(showtime_ids: Iterable[str], *, consistent: bool = False) -> dict[str, Tally]:
    """Counters of many showtimes (listings): BatchGetItem of their shard keys, 100 per
    call. A showtime without counters gets an empty ``Tally``."""
    ids = list(dict.fromkeys(showtime_ids))
    keys = [(showtime_id, shard) for showtime_id in ids for shard in range(SHARDS)]
    found: dict[str, list[ShowtimeCounter]] = {showtime_id: [] for showtime_id in ids}
    for item in ShowtimeCounter.batch_get(keys, consistent_read=consistent):
        found[item.showtime_id].append(item)
    return {showtime_id: _tally_of(items) for showtime_id, items in found.items()}


def seats_left(showtime_id: str) -> int:
    return tally(showtime_id).free


def seats_left_many(showtime_ids: Iterable[str]) -> dict[str, int]:
    """``{showtime_id: seats left}`` for a listing (eventually consistent reads)."""
    return {key: value.free for key, value in tallies(showtime_ids).items()}


def cinema_showtimes(cinema_id: str, first_day: str, last_day: str) -> dict[str, Tally]:
    """The counters of a cinema's showtimes starting from ``first_day`` to ``last_day``
    (local days, inclusive), by showtime: one Query of the cinema-day index."""
    grouped: dict[str, list[Any]] = {}
    query = ShowtimeCounter.by_cinema_day.query(
        cinema_id, ShowtimeCounter.day.between(first_day, last_day)
    )
    for item in query:
        grouped.setdefault(item.showtime_id, []).append(item)
    return {showtime_id: _tally_of(items) for showtime_id, items in grouped.items()}


def cinema_days(cinema_id: str, first_day: str, last_day: str) -> dict[str, Tally]:
    """A cinema's counters per local day from ``first_day`` to ``last_day`` (inclusive)."""
    totals: dict[str, Tally] = {}
    query = ShowtimeCounter.by_cinema_day.query(
        cinema_id, ShowtimeCounter.day.between(first_day, last_day)
    )
    for item in query:
        day = str(item.day)
        totals[day] = totals.get(day, Tally()) + _tally_of([item])
    return dict(sorted(totals.items()))
