"""Reachability of every dependency, checked concurrently with short timeouts.

``/health`` is public, so the checks (a Stripe call and three AWS calls) run at most once
per ``HEALTH_CACHE_SECONDS`` in a container, whatever the traffic: between runs it answers
from the last result. Each check uses a permission the API already needs for its work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from chalicelib.core import clock
from chalicelib.core.aws import client, queue_url
from chalicelib.core.config import get_settings
from chalicelib.core.stripe_api import stripe_client


def _dynamodb() -> None:
    from chalicelib.core.idempotency import IdempotencyRecord

    # A GetItem of a key no record has: the table answers, and no grant is needed beyond
    # the API's own (ListTables would need one on every table of the account).
    client("dynamodb").get_item(
        TableName=IdempotencyRecord.Meta.table_name, Key={"id": {"S": "health-check"}}
    )


def _s3() -> None:
    client("s3").head_bucket(Bucket=get_settings().media_bucket)


def _sqs() -> None:
    client("sqs").get_queue_attributes(
        QueueUrl=queue_url(get_settings().email_queue_name), AttributeNames=["QueueArn"]
    )


def _stripe() -> None:
    stripe_client().v1.balance.retrieve()


CHECKS: dict[str, Callable[[], None]] = {
    "dynamodb": _dynamodb,
    "s3": _s3,
    "sqs": _sqs,
    "stripe": _stripe,
}

_lock = threading.Lock()
_last: tuple[datetime, dict[str, dict[str, object]]] | None = None


def check_all(checks: dict[str, Callable[[], None]] | None = None) -> dict[str, dict[str, object]]:
    checks = checks or CHECKS

    def run(check: Callable[[], None]) -> dict[str, object]:
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:
            return {"status": "down", "error": type(exc).__name__}
        return {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}

    with ThreadPoolExecutor(max_workers=len(checks)) as pool:
        futures = {name: pool.submit(run, check) for name, check in checks.items()}
        return {name: future.result() for name, future in futures.items()}


def recent_checks(
    checks: dict[str, Callable[[], None]] | None = None,
) -> dict[str, dict[str, object]]:
    """``check_all``'s result, run again only when the last one is older than
    ``HEALTH_CACHE_SECONDS`` (one run at a time: concurrent callers share it)."""
    global _last
    fresh_for = timedelta(seconds=get_settings().health_cache_seconds)
    with _lock:
        now = clock.now()
        if _last is None or not timedelta(0) <= now - _last[0] < fresh_for:
            _last = (now, check_all(checks))
        return _last[1]


def forget_checks() -> None:
    global _last
    with _lock:
        _last = None
