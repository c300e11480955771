"""The one way to run a DynamoDB TransactWriteItems: labelled items, named failures.

DynamoDB cancels a transaction either because a condition did not hold or because another
transaction touched one of its items at the same instant (``TransactionConflict``, or
throttling). It answers with one reason per item, in the order the items were sent, and
pynamodb sends condition checks, then deletes, then puts, then updates; ``Transaction``
keeps each item's label in that order, so a cancellation names what failed.

- A failed condition raises ``ConditionFailed`` naming the labels whose condition did not
  hold, at once (retrying cannot change the answer; the caller decides: 404, 409, re-read).
- Conflicts and throttling are retried with capped, fully jittered exponential backoff.
- A conflict that persists past ``ATTEMPTS`` raises ``TransactionContended``, naming the
  contended labels. It is a ``ServiceUnavailable`` (503, "try again"), which is what a
  caller that lets it through answers; a caller for whom contention has a meaning (the
  seats someone else is taking right now) catches it next to ``ConditionFailed``.

Nothing was written when either is raised.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from chalicelib.core.config import get_settings
from chalicelib.core.errors import ServiceUnavailable

# Enough for a popular movie's counters under load (each attempt waits at most 0.25 s).
ATTEMPTS = 30
BACKOFF_BASE_SECONDS = 0.01
BACKOFF_CAP_SECONDS = 0.25
# Sized for the concurrency tests' thread pools sharing one container's connection.
POOL_CONNECTIONS = 64

_RETRYABLE_REASONS = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
_RETRYABLE_ERRORS = {
    "TransactionConflictException",
    "TransactionInProgressException",
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
}
_CONDITION = "ConditionalCheckFailed"


class ConditionFailed(Exception):
    """Nothing was written: the conditions of these labelled items did not hold."""

    def __init__(self, labels: Iterable[str]) -> None:
        self.labels = frozenset(labels)
        super().__init__(f"condition failed: {', '.join(sorted(self.labels))}")


class TransactionContended(ServiceUnavailable):
    """Nothing was written: other transactions kept taking these labelled items."""

    def __init__(self, labels: Iterable[str]) -> None:
        super().__init__("Too much contention on this item; try again.")
        self.labels = frozenset(labels)


_lock = threading.Lock()
_connection: Connection | None = None


def connection() -> Connection:
    """One connection per container, created on first use (botocore is thread-safe)."""
    global _connection
    if _connection is None:
        with _lock:
            if _connection is None:
                settings = get_settings()
                _connection = Connection(
                    region=settings.region,
                    host=settings.dynamodb_endpoint,
                    max_retry_attempts=3,
                    read_timeout_seconds=10,
                    connect_timeout_seconds=3,
                    max_pool_connections=POOL_CONNECTIONS,
                )
    return _connection


# The order pynamodb sends items in, hence the order of the cancellation reasons.
_KINDS = ("check", "delete", "put", "update")
Operation = dict[str, Any]


class Transaction:
    """Collect labelled items, then ``commit()`` them as one TransactWriteItems.

    Each item becomes its DynamoDB operation once per ``commit()`` (whatever the
    retries), from a pynamodb model and condition; or it is given ready-made with ``add``
    (the hold's hot path, which builds its few operations without model objects)."""

    def __init__(self) -> None:
        self._ops: dict[str, list[tuple[str, Callable[[], Operation]]]] = {
            kind: [] for kind in _KINDS
        }
        self._versioned: list[Model] = []  # models whose local version follows the commit

    def add(self, kind: str, label: str, operation: Operation) -> None:
        """A ready-made operation (``TableName``, ``Key`` or ``Item``, expressions) of
        ``kind`` ``check``, ``delete``, ``put`` or ``update``."""
        self._ops[kind].append((label, lambda: operation))

    def check(
        self,
        label: str,
        model: type[Model],
        hash_key: Any,
        condition: Condition,
        *,
        range_key: Any = None,
    ) -> None:
        self._ops["check"].append(
            (
                label,
                lambda: model.get_operation_kwargs_from_class(
                    hash_key, range_key=range_key, condition=condition
                ),
            )
        )

    def put(self, label: str, item: Model, condition: Condition | None = None) -> None:
        self._ops["put"].append(
            (label, lambda: item.get_save_kwargs_from_instance(condition=condition))
        )
        self._versioned.append(item)

    def update(
        self,
        label: str,
        item: Model,
        actions: list[Action],
        condition: Condition | None = None,
        *,
        add_version_condition: bool = True,
    ) -> None:
        self._ops["update"].append(
            (
                label,
                lambda: item.get_update_kwargs_from_instance(
                    actions=actions,
                    condition=condition,
                    add_version_condition=add_version_condition,
                ),
            )
        )
        self._versioned.append(item)

    def delete(
        self,
        label: str,
        item: Model,
        condition: Condition | None = None,
        *,
        add_version_condition: bool = True,
    ) -> None:
        self._ops["delete"].append(
            (
                label,
                lambda: item.get_delete_kwargs_from_instance(
                    condition=condition, add_version_condition=add_version_condition
                ),
            )
        )

    @property
    def labels(self) -> list[str]:
        """The items' labels in the order they are sent (and reasons come back)."""
        return [label for kind in _KINDS for label, _ in self._ops[kind]]

    def commit(self) -> None:
        if not self.labels:
            return
        lists = {kind: [build() for _, build in self._ops[kind]] for kind in _KINDS}

        def write() -> None:
            connection().transact_write_items(
                condition_check_items=lists["check"],
                delete_items=lists["delete"],
                put_items=lists["put"],
                update_items=lists["update"],
            )

        commit_with_retries(write, self.labels)
        for model in self._versioned:  # as pynamodb's TransactWrite does after a commit
            model.update_local_version_attribute()


def _code(reason: Any) -> str | None:
    code = reason.code if reason is not None else None
    return None if code in (None, "None") else code


def classify(exc: TransactWriteError, labels: list[str]) -> tuple[frozenset[str], bool]:
    """(labels whose condition failed, whether trying again may succeed)."""
    codes = [_code(r) for r in (exc.cancellation_reasons or [])]
    failed = frozenset(
        label for label, code in zip(labels, codes, strict=False) if code == _CONDITION
    )
    retryable = not failed and (
        exc.cause_response_code in _RETRYABLE_ERRORS
        or any(code in _RETRYABLE_REASONS for code in codes)
    )
    return failed, retryable


def _contended(exc: TransactWriteError, labels: list[str]) -> frozenset[str]:
    """The items DynamoDB blamed, or all of them when it named none (throttling)."""
    codes = [_code(r) for r in (exc.cancellation_reasons or [])]
    blamed = frozenset(label for label, code in zip(labels, codes, strict=False) if code)
    return blamed or frozenset(labels)


def commit_with_retries(
    write: Callable[[], None], labels: list[str], attempts: int = ATTEMPTS
) -> None:
    """Run ``write`` (one TransactWriteItems whose items carry ``labels``), retrying
    conflicts and throttling; raise ``ConditionFailed`` or ``TransactionContended``."""
    for attempt in range(attempts):
        try:
            write()
            return
        except TransactWriteError as exc:
            failed, retryable = classify(exc, labels)
            if failed:
                raise ConditionFailed(failed) from exc
            if not retryable:
                raise
            if attempt == attempts - 1:
                raise TransactionContended(_contended(exc, labels)) from exc
            cap = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)
            time.sleep(random.uniform(0, cap))
