"""Reachability of every dependency, checked concurrently with short timeouts."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from chalicelib.core.aws import client, queue_url
from chalicelib.core.config import get_settings


def _dynamodb() -> None:
    client("dynamodb").list_tables(Limit=1)


def _s3() -> None:
    client("s3").head_bucket(Bucket=get_settings().media_bucket)


def _sqs() -> None:
    client("sqs").get_queue_attributes(
        QueueUrl=queue_url(get_settings().email_queue_name), AttributeNames=["QueueArn"]
    )


def _stripe() -> None:
    from chalicelib.core.stripe_api import stripe_client

    stripe_client().v1.balance.retrieve()


CHECKS: dict[str, Callable[[], None]] = {
    "dynamodb": _dynamodb,
    "s3": _s3,
    "sqs": _sqs,
    "stripe": _stripe,
}


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
