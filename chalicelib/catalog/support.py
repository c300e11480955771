"""Small helpers every catalogue service uses: ids, the cinemas' calendar, write errors,
public URLs of media keys, and withdrawing the showtimes of a deleted movie or cinema."""

from __future__ import annotations

import threading
import uuid
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.catalog.models import Showtime
from chalicelib.core import clock
from chalicelib.core.config import get_settings


def new_id() -> str:
    return uuid.uuid4().hex


def local_today() -> date:
    """Today where the cinemas are: release dates and "date" filters are local days."""
    return clock.now().astimezone(ZoneInfo(get_settings().cinema_timezone)).date()


_lock = threading.Lock()
_connection: Connection | None = None


def transaction() -> TransactWrite:
    """A TransactWriteItems on a connection shared by the container's warm invocations."""
    global _connection
    if _connection is None:
        with _lock:
            if _connection is None:
                settings = get_settings()
                _connection = Connection(region=settings.region, host=settings.dynamodb_endpoint)
    return TransactWrite(connection=_connection)


def _reason_codes(exc: TransactWriteError) -> set[str]:
    return {r.code for r in (exc.cancellation_reasons or []) if r is not None and r.code}


def condition_failed(exc: PynamoDBException) -> bool:
    """Did a write fail because one of its conditions did not hold?"""
    if isinstance(exc, TransactWriteError):
        return "ConditionalCheckFailed" in _reason_codes(exc)
    return exc.cause_response_code == "ConditionalCheckFailedException"


def lost_race(exc: PynamoDBException) -> bool:
    """A transaction cancelled by a condition or by a concurrent transaction on the same
    items: worth re-reading and trying again."""
    if isinstance(exc, TransactWriteError):
        codes = _reason_codes(exc)
        return bool(codes) and codes <= {"ConditionalCheckFailed", "TransactionConflict", "None"}
    return condition_failed(exc)


def media_url(key: str | None) -> str | None:
    """Where a client fetches an uploaded image (a CDN in front of the bucket on AWS)."""
    if not key:
        return None
    settings = get_settings()
    base = settings.media_base_url or (
        f"{settings.s3_endpoint or f'https://s3.{settings.region}.amazonaws.com'}"
        f"/{settings.media_bucket}"
    )
    return f"{base.rstrip('/')}/{key}"


def withdraw_future_showtimes(index: Any, key: str) -> int:
    """A deleted movie or cinema stops selling: its future showtimes close sales and leave
    the lists (the items stay for the orders that refer to them)."""
    count = 0
    for showtime in index.query(key, Showtime.starts_at >= clock.now()):
        showtime.update(
            actions=[
                Showtime.withdrawn.set(True),
                Showtime.sales_open.set(False),
                Showtime.updated_at.set(clock.now()),
            ]
        )
        count += 1
    return count
