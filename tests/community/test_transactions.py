"""The labelled transaction: failed conditions are named, contention is retried."""

from __future__ import annotations

import pytest
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

from chalicelib.community.transactions import (
    MAX_ATTEMPTS,
    ConditionFailed,
    classify,
    commit_with_retries,
)
from chalicelib.core.errors import ServiceUnavailable


def _cancelled(*codes: str | None) -> TransactWriteError:
    reasons = [CancellationReason(code=c) if c else None for c in codes]
    cause = VerboseClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}},
        "TransactWriteItems",
        cancellation_reasons=reasons,
    )
    return TransactWriteError("Failed to write transaction items", cause)


def test_a_failed_condition_is_reported_by_label_and_not_retried() -> None:
    failed, retryable = classify(_cancelled(None, "ConditionalCheckFailed"), ["want", "movie"])
    assert (failed, retryable) == (frozenset({"movie"}), False)


def test_a_transaction_conflict_is_retryable() -> None:
    failed, retryable = classify(_cancelled("TransactionConflict", None), ["want", "movie"])
    assert (failed, retryable) == (frozenset(), True)


def test_contention_is_retried_until_the_write_goes_through() -> None:
    attempts = []

    def write() -> None:
        attempts.append(1)
        if len(attempts) < 3:
            raise _cancelled(None, "TransactionConflict")

    commit_with_retries(write, ["rating", "movie"])
    assert len(attempts) == 3


def test_a_failed_condition_surfaces_at_once() -> None:
    attempts = []

    def write() -> None:
        attempts.append(1)
        raise _cancelled("ConditionalCheckFailed", None)

    with pytest.raises(ConditionFailed) as failed:
        commit_with_retries(write, ["like", "comment"])
    assert failed.value.labels == {"like"} and len(attempts) == 1


def test_endless_contention_gives_up_with_503(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.community import transactions

    monkeypatch.setattr(transactions.time, "sleep", lambda _: None)  # our own backoff only

    def write() -> None:
        raise _cancelled("TransactionConflict")

    with pytest.raises(ServiceUnavailable):
        commit_with_retries(write, ["movie"])
    assert MAX_ATTEMPTS > 1
