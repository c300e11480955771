"""The labelled transaction: failed conditions are named, contention is retried, and a
conflict that never clears is reported as contention naming the items."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

from chalicelib.accounts.models import LoginGuard
from chalicelib.community.models import Ban, Comment, CommentLike
from chalicelib.core import clock, transactions
from chalicelib.core.errors import ServiceUnavailable
from chalicelib.core.transactions import (
    ATTEMPTS,
    ConditionFailed,
    Transaction,
    TransactionContended,
    classify,
    commit_with_retries,
)


def _cancelled(*codes: str | None) -> TransactWriteError:
    reasons = [CancellationReason(code=c) if c else None for c in codes]
    cause = VerboseClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}},
        "TransactWriteItems",
        cancellation_reasons=reasons,
    )
    return TransactWriteError("Failed to write transaction items", cause)


def _comment(comment_id: str) -> Comment:
    return Comment(
        comment_id,
        movie_id="m1",
        author_id="a1",
        author_name="Ann",
        created_at=clock.now(),
        like_count=0,
    )


def _like(comment_id: str, user_id: str) -> CommentLike:
    return CommentLike(comment_id, user_id, liked_at=clock.now())


def _ban(user_id: str) -> Ban:
    return Ban(user_id, banned_by="mod", banned_at=clock.now())


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transactions.time, "sleep", lambda _: None)  # our own backoff only


def test_a_failed_condition_is_reported_by_label_and_not_retried() -> None:
    failed, retryable = classify(_cancelled(None, "ConditionalCheckFailed"), ["want", "movie"])
    assert (failed, retryable) == (frozenset({"movie"}), False)


def test_an_item_dynamodb_reports_as_none_did_not_fail() -> None:
    failed, retryable = classify(_cancelled("None", "ConditionalCheckFailed"), ["a", "b"])
    assert (failed, retryable) == (frozenset({"b"}), False)


def test_a_transaction_conflict_is_retryable() -> None:
    failed, retryable = classify(_cancelled("TransactionConflict", None), ["want", "movie"])
    assert (failed, retryable) == (frozenset(), True)


def test_an_item_throttled_is_retryable() -> None:
    assert classify(_cancelled(None, "ThrottlingError"), ["a", "b"]) == (frozenset(), True)


def test_a_validation_error_is_not_retryable() -> None:
    assert classify(_cancelled("ValidationError"), ["a"]) == (frozenset(), False)


def test_contention_is_retried_until_the_write_goes_through(no_backoff: None) -> None:
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
        raise _cancelled("ConditionalCheckFailed", "TransactionConflict")

    with pytest.raises(ConditionFailed) as failed:
        commit_with_retries(write, ["like", "comment"])
    assert failed.value.labels == {"like"} and len(attempts) == 1


def test_an_error_that_is_no_contention_is_raised_as_is() -> None:
    attempts = []

    def write() -> None:
        attempts.append(1)
        raise _cancelled("ValidationError")

    with pytest.raises(TransactWriteError):
        commit_with_retries(write, ["movie"])
    assert len(attempts) == 1


def test_endless_contention_gives_up_with_503_naming_the_contended_items(
    no_backoff: None,
) -> None:
    attempts = []

    def write() -> None:
        attempts.append(1)
        raise _cancelled("None", "TransactionConflict", None)

    with pytest.raises(TransactionContended) as contended:
        commit_with_retries(write, ["order", "seat:A01", "seat:A02"])
    assert isinstance(contended.value, ServiceUnavailable) and contended.value.status == 503
    assert contended.value.labels == {"seat:A01"}
    assert len(attempts) == ATTEMPTS > 1


def test_endless_throttling_blames_every_item(no_backoff: None) -> None:
    # Throttled as a whole: no item is named.
    error = VerboseClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "TransactWriteItems"
    )

    def throttled() -> None:
        raise TransactWriteError("Failed to write transaction items", error)

    with pytest.raises(TransactionContended) as contended:
        commit_with_retries(throttled, ["a", "b"], attempts=2)
    assert contended.value.labels == {"a", "b"}


def test_items_are_labelled_in_the_order_dynamodb_reports_them() -> None:
    tx = Transaction()
    tx.update("u", Comment("c1"), [Comment.like_count.add(1)])
    tx.put("p", CommentLike("c1", "u1"))
    tx.delete("d", CommentLike("c1", "u2"))
    tx.check("c", Ban, "u1", Ban.user_id.does_not_exist())
    assert tx.labels == ["c", "d", "p", "u"]


def test_a_failed_condition_names_its_label_and_nothing_is_written() -> None:
    """Against DynamoDB Local: one item's condition fails, so the whole write is void."""
    _like("c1", "taken").save()
    _comment("c1").save()

    tx = Transaction()
    tx.put("fresh", _like("c1", "fresh"), CommentLike.user_id.does_not_exist())
    tx.put("taken", _like("c1", "taken"), CommentLike.user_id.does_not_exist())
    tx.update("comment", Comment("c1"), [Comment.like_count.add(2)], Comment.comment_id.exists())
    with pytest.raises(ConditionFailed) as failed:
        tx.commit()

    assert failed.value.labels == {"taken"}
    assert sorted(like.user_id for like in CommentLike.query("c1")) == ["taken"]
    assert Comment.get("c1", consistent_read=True).like_count == 0


def test_a_check_with_a_range_key_and_a_delete_are_labelled() -> None:
    _like("c1", "u1").save()
    _like("c1", "u3").save()
    _ban("u2").save()

    tx = Transaction()
    tx.check("liked", CommentLike, "c1", CommentLike.user_id.exists(), range_key="u1")
    tx.check("banned", Ban, "u2", Ban.user_id.does_not_exist())
    tx.delete("like", CommentLike("c1", "u3"), CommentLike.user_id.exists())
    with pytest.raises(ConditionFailed) as failed:
        tx.commit()
    assert failed.value.labels == {"banned"}
    assert CommentLike.count("c1") == 2  # the delete did not happen

    Ban("u2").delete()
    tx.commit()  # the same items, now that every condition holds
    assert [like.user_id for like in CommentLike.query("c1")] == ["u1"]


def test_a_check_on_a_missing_range_key_fails_under_its_label() -> None:
    tx = Transaction()
    tx.check("liked", CommentLike, "c1", CommentLike.user_id.exists(), range_key="nobody")
    tx.put("comment", _comment("c1"))
    with pytest.raises(ConditionFailed) as failed:
        tx.commit()
    assert failed.value.labels == {"liked"}
    assert Comment.count("c1") == 0


def test_a_versioned_item_is_updated_on_its_version_unless_told_otherwise() -> None:
    now = clock.now()
    LoginGuard("k", window_started_at=now, expires_at=now + timedelta(hours=1)).save()
    stale = LoginGuard.get("k", consistent_read=True)
    LoginGuard.get("k", consistent_read=True).update(actions=[LoginGuard.failures.add(1)])

    tx = Transaction()
    tx.update("guard", stale, [LoginGuard.failures.add(1)])
    with pytest.raises(ConditionFailed) as failed:
        tx.commit()
    assert failed.value.labels == {"guard"}

    tx = Transaction()
    tx.update("guard", stale, [LoginGuard.failures.add(1)], add_version_condition=False)
    tx.commit()
    assert LoginGuard.get("k", consistent_read=True).failures == 2
