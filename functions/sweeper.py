"""Expiry sweeper, run by EventBridge schedules: every minute, and once a day.

Correctness never depends on it (expiry is checked at read and write time); it tidies
up what TTL has not removed yet and undoes side effects (PaymentIntents, coupons).
Each area contributes a task ``(now) -> number of items handled``.

A task that fails does not stop the others; it is logged and counted in the
``SweepFailures`` metric (as is an item a task could not handle), which raises an alarm
(``infrastructure/components/monitoring.py``).
"""

from __future__ import annotations

from chalicelib.core import coldstart  # first: no garbage collection while this loads

# isort: split

import importlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from chalicelib.core import clock
from chalicelib.core.observability import SWEEP_FAILURES, count_failure, logger, metrics

SweepTask = Callable[[datetime], int]

#: "module:function" of every sweep task; an area adds its own line.
TASKS: tuple[str, ...] = (
    "chalicelib.accounts.sweeps:sweep_codes",
    "chalicelib.accounts.sweeps:sweep_sessions",
    "chalicelib.booking.expiry:expire_pending_orders",
    "chalicelib.catalog.movies:refresh_movie_statuses",
    # not a tidy-up: the selling area's reminder e-mails ride on the same schedule
    "chalicelib.selling.reminders:send_reminders",
    # waiting lists: lapsed offers end, their seats go to the next entries
    "chalicelib.selling.waitlist:sweep_waitlists",
)
#: Tasks that scan whole tables run on the daily schedule only: DynamoDB TTL removes the
#: same items anyway, and a scan every minute would read those tables 1,440 times a day.
DAILY: frozenset[str] = frozenset(
    {"chalicelib.accounts.sweeps:sweep_codes", "chalicelib.accounts.sweeps:sweep_sessions"}
)


def tasks_for(cadence: str | None) -> tuple[str, ...]:
    """The tasks a schedule runs: ``minute``, ``daily``, or every task when unnamed (the
    local stack's single schedule, and direct calls)."""
    if cadence is None:
        return TASKS
    return tuple(t for t in TASKS if (t in DAILY) == (cadence == "daily"))


def load_tasks(specs: tuple[str, ...] | None = None) -> dict[str, SweepTask]:
    tasks = {}
    for spec in TASKS if specs is None else specs:
        module, _, name = spec.partition(":")
        tasks[spec] = getattr(importlib.import_module(module), name)
    return tasks


def run_sweeps(now: datetime | None = None, cadence: str | None = None) -> dict[str, Any]:
    """Run the cadence's tasks; one failing task does not stop the others."""
    now = now or clock.now()
    results: dict[str, Any] = {}
    for spec, task in load_tasks(tasks_for(cadence)).items():
        try:
            results[spec] = task(now)
        except Exception:
            logger.exception("sweep task failed", extra={"task": spec})
            count_failure(SWEEP_FAILURES)
            results[spec] = "failed"
    return results


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    results = run_sweeps(cadence=event.get("cadence"))
    swept = sum(count for count in results.values() if isinstance(count, int))
    metrics.add_metric(name="SweptItems", unit=MetricUnit.Count, value=swept)
    for spec, count in results.items():
        logger.info("sweep", extra={"task": spec, "result": count})
    metrics.flush_metrics()
    return {"results": results}


coldstart.loaded()
