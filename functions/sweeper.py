"""Expiry sweeper, run every minute by an EventBridge schedule.

Correctness never depends on it (expiry is checked at read and write time); it tidies
up what TTL has not removed yet and undoes side effects (PaymentIntents, coupons).
Each area contributes a task ``(now) -> number of items handled``.
"""

from __future__ import annotations

from chalicelib.core import coldstart  # first: no garbage collection while this loads

# isort: split

import importlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.core import clock
from chalicelib.core.observability import logger, metrics

SweepTask = Callable[[datetime], int]

#: "module:function" of every sweep task; an area adds its own line.
TASKS: tuple[str, ...] = (
    "chalicelib.accounts.sweeps:sweep_codes",
    "chalicelib.accounts.sweeps:sweep_sessions",
    "chalicelib.booking.expiry:expire_pending_orders",
    "chalicelib.catalog.movies:refresh_movie_statuses",
)


def load_tasks() -> dict[str, SweepTask]:
    tasks = {}
    for spec in TASKS:
        module, _, name = spec.partition(":")
        tasks[spec] = getattr(importlib.import_module(module), name)
    return tasks


def run_sweeps(now: datetime | None = None) -> dict[str, Any]:
    """Run every task; one failing task does not stop the others."""
    now = now or clock.now()
    results: dict[str, Any] = {}
    for spec, task in load_tasks().items():
        try:
            results[spec] = task(now)
        except Exception:
            logger.exception("sweep task failed", extra={"task": spec})
            results[spec] = "failed"
    return results


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    results = run_sweeps()
    swept = sum(count for count in results.values() if isinstance(count, int))
    metrics.add_metric(name="SweptItems", unit="Count", value=swept)
    for spec, count in results.items():
        logger.info("sweep", extra={"task": spec, "result": count})
    metrics.flush_metrics()
    return {"results": results}


coldstart.loaded()
