"""A labelled TransactWriteItems: which condition failed is reported by name.

DynamoDB cancels a transaction either because a condition failed (the caller decides:
retry after re-reading, 404, or "nothing to do") or because another transaction touched
the same item at the same moment (``TransactionConflict``: a popular movie's counters see
this under load). Conflicts are retried here with jittered backoff; a failed condition is
raised as ``ConditionFailed`` naming the operations whose condition did not hold.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.core.config import get_settings
from chalicelib.core.errors import ServiceUnavailable

MAX_ATTEMPTS = 30
_RETRYABLE_CODES = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
_RETRYABLE_ERRORS = {
    "TransactionConflictException",
    "TransactionInProgressException",
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
}


class ConditionFailed(Exception):
    """The transaction changed nothing because these operations' conditions failed."""

    def __init__(self, labels: frozenset[str]) -> None:
        super().__init__(f"condition failed: {', '.join(sorted(labels))}")
        self.labels = labels


# pynamodb sends condition checks, then deletes, then puts, then updates; cancellation
# reasons come back in that order, so operations are kept per kind.
_KINDS = ("check", "delete", "put", "update")


@dataclass
class Transaction:
    ops: dict[str, list[tuple[str, Callable[[TransactWrite], None]]]] = field(
        default_factory=lambda: {k: [] for k in _KINDS}
    )

    def check(self, label: str, model: type[Model], hash_key: Any, condition: Condition) -> None:
        self.ops["check"].append(
            (label, lambda tx: tx.condition_check(model, hash_key, condition=condition))
        )

    def put(self, label: str, item: Model, condition: Condition | None = None) -> None:
        self.ops["put"].append((label, lambda tx: tx.save(item, condition=condition)))

    def update(
        self, label: str, item: Model, actions: list[Action], condition: Condition | None = None
    ) -> None:
        self.ops["update"].append(
            (
                label,
                lambda tx: tx.update(
                    item, actions=actions, condition=condition, add_version_condition=False
                ),
            )
        )

    def delete(self, label: str, item: Model, condition: Condition | None = None) -> None:
        self.ops["delete"].append(
            (label, lambda tx: tx.delete(item, condition=condition, add_version_condition=False))
        )

    def commit(self) -> None:
        ordered = [op for kind in _KINDS for op in self.ops[kind]]

        def write() -> None:
            with TransactWrite(connection=_connection()) as tx:
                for _, apply in ordered:
                    apply(tx)

        commit_with_retries(write, [label for label, _ in ordered])


def classify(exc: TransactWriteError, labels: list[str]) -> tuple[frozenset[str], bool]:
    """(labels whose condition failed, whether trying again may succeed)."""
    reasons = exc.cancellation_reasons or []
    codes = [r.code if r else None for r in reasons]
    failed = frozenset(
        label
        for label, code in zip(labels, codes, strict=False)
        if code == "ConditionalCheckFailed"
    )
    retryable = not failed and (
        exc.cause_response_code in _RETRYABLE_ERRORS
        or any(code in _RETRYABLE_CODES for code in codes)
    )
    return failed, retryable


def commit_with_retries(write: Callable[[], None], labels: list[str]) -> None:
    """Run ``write`` (one TransactWriteItems), retrying contention with jittered backoff."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            write()
            return
        except TransactWriteError as exc:
            failed, retryable = classify(exc, labels)
            if failed:
                raise ConditionFailed(failed) from exc
            if not retryable:
                raise
            time.sleep(random.uniform(0, min(0.25, 0.01 * 2**attempt)))
    raise ServiceUnavailable("Too much contention on this item; try again.")


_lock = threading.Lock()
_shared: Connection | None = None


def _connection() -> Connection:
    """One connection per container, like the models' own (botocore clients are thread-safe)."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                settings = get_settings()
                _shared = Connection(
                    region=settings.region,
                    host=settings.dynamodb_endpoint,
                    max_retry_attempts=3,
                    read_timeout_seconds=10,
                    connect_timeout_seconds=3,
                )
    return _shared
