"""TransactWriteItems for accounts, retried when DynamoDB reports a transaction conflict.

Two racing registrations for one e-mail may both be cancelled with
``TransactionConflict`` rather than one failing its condition; retrying lets exactly one
of them win and the others fail their ``attribute_not_exists`` condition.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core.config import get_settings

ATTEMPTS = 8

_lock = threading.Lock()
_connection: Connection | None = None


def connection() -> Connection:
    global _connection
    if _connection is None:
        with _lock:
            if _connection is None:
                settings = get_settings()
                _connection = Connection(region=settings.region, host=settings.dynamodb_endpoint)
    return _connection


def reason_codes(exc: TransactWriteError) -> list[str | None]:
    """One code per item in the order pynamodb sent them: condition checks, deletes,
    puts, then updates (``None`` for an item that did not fail)."""
    return [
        r.code if r is not None and r.code != "None" else None
        for r in (exc.cancellation_reasons or [])
    ]


def run(build: Callable[[TransactWrite], None]) -> None:
    """Run one transaction built by ``build``; raise ``TransactWriteError`` when a
    condition fails (or a conflict persists)."""
    for attempt in range(ATTEMPTS):
        try:
            with TransactWrite(connection=connection()) as tx:
                build(tx)
            return
        except TransactWriteError as exc:
            codes = reason_codes(exc)
            if "ConditionalCheckFailed" in codes or attempt == ATTEMPTS - 1:
                raise
            if not any(c in ("TransactionConflict", "ThrottlingError") for c in codes) and codes:
                raise
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))
