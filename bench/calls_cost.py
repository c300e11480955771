"""(a') What one DynamoDB call of a hold costs on DynamoDB Local: CPU ms per call of this
process (botocore signs, serialises, sends and parses) and of DynamoDB Local's process.

Explains table (a): a hold is a small read and one transaction, the read-then-write loop
is GetItems and UpdateItems. Each call is made in batches, the kinds interleaved in a
shuffled order, after a warm-up (DynamoDB Local's JIT); the table shows medians. The
writes are repeatable: conditions that fail on seats held for the whole run, and a pair
of seats held, conditionally, by a hold that has already lapsed.
"""

from __future__ import annotations

import contextlib
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: calls of each kind per batch, batches per kind, warm-up rounds over every kind
BATCH = 100
BATCHES = 8
WARMUP = 150
#: how many seats the failing writes pick from (held for the whole run); the committed pair
HELD = 10
PAIR = (20, 21)
BASELINE = "GetItem, 1 seat"


@dataclass
class Cost:
    call: str
    python_ms: float
    dynamodb_ms: float


def measure(dynamodb_pid: int) -> list[Cost]:
    from bench.env import cpu_seconds
    from bench.holds import boto3_dynamodb, layout
    from chalicelib.booking.models import Seat
    from tests.booking.support import make_showtime

    show = make_showtime(seats=layout(100))
    calls = _Calls(boto3_dynamodb(), Seat.Meta.table_name, show.showtime_id)
    kinds = calls.kinds()
    for _ in range(WARMUP):
        for call in kinds.values():
            call()
    python: dict[str, list[float]] = {name: [] for name in kinds}
    dynamodb: dict[str, list[float]] = {name: [] for name in kinds}
    order = list(kinds)
    rng = random.Random(0)
    for _ in range(BATCHES):
        rng.shuffle(order)
        for name in order:
            call = kinds[name]
            own, theirs = time.process_time(), cpu_seconds(dynamodb_pid)
            for _ in range(BATCH):
                call()
            python[name].append((time.process_time() - own) / BATCH * 1000)
            dynamodb[name].append((cpu_seconds(dynamodb_pid) - theirs) / BATCH * 1000)
    return [
        Cost(name, statistics.median(python[name]), statistics.median(dynamodb[name]))
        for name in kinds
    ]


class _Calls:
    """The calls measured, each a no-argument function with the same effect every time."""

    _HOLD = "SET #status = :held, order_id = :o, hold_expires_at = :until ADD version :one"
    _FREE = "#status = :available OR (#status = :held AND hold_expires_at < :now)"

    def __init__(self, dynamodb: Any, table: str, showtime_id: str) -> None:
        self.dynamodb, self.table, self.showtime_id = dynamodb, table, showtime_id
        self.seats = [f"A{c + 1:02d}" for c in range(20)] + [f"B{c + 1:02d}" for c in range(20)]
        self.dynamodb.transact_write_items(
            TransactItems=[self._hold(s, "", until=2**40) for s in self.seats[:HELD]]
        )

    def kinds(self) -> dict[str, Callable[[], None]]:
        held, pair = self.seats[:HELD], [self.seats[c] for c in PAIR]
        return {
            BASELINE: lambda: self._get(held[0]),
            "BatchGetItem, 2 seats": lambda: self._batch(held[:2]),
            "BatchGetItem, 6 seats": lambda: self._batch(held[:6]),
            "UpdateItem, condition fails": lambda: self._update(held[0]),
            "TransactWriteItems, 1 seat, cancelled": lambda: self._cancelled(held[:1]),
            "TransactWriteItems, 2 seats, cancelled": lambda: self._cancelled(held[:2]),
            "TransactWriteItems, 6 seats, cancelled": lambda: self._cancelled(held[:6]),
            "TransactWriteItems, 2 seats, committed": lambda: self._committed(pair),
        }

    def _key(self, seat_id: str) -> dict[str, Any]:
        return {"showtime_id": {"S": self.showtime_id}, "seat_id": {"S": seat_id}}

    def _get(self, seat_id: str) -> None:
        self.dynamodb.get_item(TableName=self.table, Key=self._key(seat_id), ConsistentRead=True)

    def _batch(self, seat_ids: list[str]) -> None:
        keys = [self._key(s) for s in seat_ids]
        self.dynamodb.batch_get_item(
            RequestItems={self.table: {"Keys": keys, "ConsistentRead": True}}
        )

    def _hold(self, seat_id: str, condition: str, until: int) -> dict[str, Any]:
        update: dict[str, Any] = {
            "TableName": self.table,
            "Key": self._key(seat_id),
            "UpdateExpression": self._HOLD,
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {
                ":held": {"S": "held"},
                ":o": {"S": "bench"},
                ":until": {"N": str(until)},
                ":one": {"N": "1"},
            },
        }
        if condition:
            update["ConditionExpression"] = condition
            update["ExpressionAttributeValues"].update(
                {":available": {"S": "available"}, ":now": {"N": str(int(time.time()))}}
            )
        return {"Update": update}

    def _update(self, seat_id: str) -> None:
        with contextlib.suppress(self.dynamodb.exceptions.ConditionalCheckFailedException):
            self.dynamodb.update_item(**self._hold(seat_id, self._FREE, until=1)["Update"])

    def _cancelled(self, seat_ids: list[str]) -> None:
        with contextlib.suppress(self.dynamodb.exceptions.TransactionCanceledException):
            self.dynamodb.transact_write_items(
                TransactItems=[self._hold(s, self._FREE, until=1) for s in seat_ids]
            )

    def _committed(self, seat_ids: list[str]) -> None:
        """Held, conditionally, by a hold already lapsed: so the next call finds them free."""
        lapsed = int(time.time()) - 1
        self.dynamodb.transact_write_items(
            TransactItems=[self._hold(s, self._FREE, until=lapsed) for s in seat_ids]
        )
