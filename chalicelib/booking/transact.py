"""One TransactWriteItems whose items carry labels, so a cancellation names what failed.

DynamoDB answers a cancelled transaction with one reason per item, in the order the items
were sent; pynamodb sends condition checks, deletes, puts, then updates. ``Transaction``
keeps a label per item in that same order and maps the reasons back to labels.

A ``TransactionConflict`` (another transaction on the same item at the same instant) is
retried a few times with jitter; when it persists, the conflicting items are reported like
failed conditions (someone else is taking them right now), never as a 500.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.core.config import get_settings

ATTEMPTS = 6
_RETRY_ERRORS = {
    "TransactionConflictException",
    "TransactionInProgressException",
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
}


class TransactionFailed(Exception):
    """Nothing was written; ``labels`` are the items whose condition did not hold."""

    def __init__(self, labels: list[str]) -> None:
        super().__init__(f"transaction cancelled by {labels}")
        self.labels = labels


_lock = threading.Lock()
_connection: Connection | None = None


def connection() -> Connection:
    global _connection
    if _connection is None:
        with _lock:
            if _connection is None:
                settings = get_settings()
                _connection = Connection(
                    region=settings.region,
                    host=settings.dynamodb_endpoint,
                    max_pool_connections=64,
                )
    return _connection


@dataclass
class _Op:
    kind: str  # check | delete | put | update
    label: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


_ORDER = {"check": 0, "delete": 1, "put": 2, "update": 3}


class Transaction:
    def __init__(self) -> None:
        self.ops: list[_Op] = []

    def check(
        self, label: str, model: type[Model], hash_key: Any, range_key: Any, condition: Condition
    ) -> None:
        self.ops.append(_Op("check", label, (model, hash_key, range_key), {"condition": condition}))

    def put(self, label: str, item: Model, condition: Condition | None = None) -> None:
        self.ops.append(_Op("put", label, (item,), {"condition": condition}))

    def update(
        self, label: str, item: Model, actions: list[Action], condition: Condition | None = None
    ) -> None:
        self.ops.append(_Op("update", label, (item, actions), {"condition": condition}))

    def commit(self) -> None:
        if not self.ops:
            return
        ordered = sorted(self.ops, key=lambda op: _ORDER[op.kind])  # stable: keeps add order
        for attempt in range(ATTEMPTS):
            try:
                with TransactWrite(connection=connection()) as tx:
                    for op in ordered:
                        if op.kind == "check":
                            tx.condition_check(*op.args, **op.kwargs)
                        elif op.kind == "put":
                            tx.save(*op.args, **op.kwargs)
                        else:
                            tx.update(*op.args, **op.kwargs)
                return
            except TransactWriteError as exc:
                reasons = exc.cancellation_reasons or []
                failed = [
                    op.label
                    for op, reason in zip(ordered, reasons, strict=False)
                    if reason is not None and reason.code == "ConditionalCheckFailed"
                ]
                if failed:
                    raise TransactionFailed(failed) from exc
                retryable = exc.cause_response_code in _RETRY_ERRORS or any(
                    r is not None and r.code in ("TransactionConflict", "ThrottlingError")
                    for r in reasons
                )
                if not retryable:
                    raise
                if attempt == ATTEMPTS - 1:
                    conflicting = [
                        op.label
                        for op, reason in zip(ordered, reasons, strict=False)
                        if reason is not None and reason.code != "None"
                    ]
                    raise TransactionFailed(conflicting or [op.label for op in ordered]) from exc
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
