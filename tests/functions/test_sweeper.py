"""The sweeper runs every area's task; one failing task does not stop the others, and is
counted in the metric its alarm watches."""

import json
from datetime import datetime
from typing import Any

import pytest

from chalicelib.core.observability import NAMESPACE, SERVICE, SWEEP_FAILURES
from functions import sweeper
from local.pumps import LambdaContext

CALLS: list[datetime] = []
HERE = "tests.functions.test_sweeper"


def counting_task(now: datetime) -> int:
    CALLS.append(now)
    return 2


def failing_task(now: datetime) -> int:
    raise RuntimeError("boom")


def test_every_task_runs_and_a_failure_is_contained(monkeypatch: pytest.MonkeyPatch) -> None:
    CALLS.clear()
    monkeypatch.setattr(sweeper, "TASKS", (f"{HERE}:failing_task", f"{HERE}:counting_task"))
    result = sweeper.handler({"detail-type": "Scheduled Event"}, LambdaContext("sweeper"))
    assert result["results"] == {f"{HERE}:failing_task": "failed", f"{HERE}:counting_task": 2}
    assert len(CALLS) == 1


def emitted_metrics(output: str) -> dict[str, Any]:
    """The CloudWatch EMF document Powertools printed."""
    (document,) = [json.loads(line) for line in output.splitlines() if '"_aws"' in line]
    return dict(document)


def total(value: float | list[float]) -> float:
    return sum(value) if isinstance(value, list) else value


def test_a_failed_task_is_counted_in_the_alarmed_metric(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    monkeypatch.setattr(sweeper, "TASKS", (f"{HERE}:failing_task", f"{HERE}:counting_task"))
    sweeper.metrics.clear_metrics()  # what earlier runs (metrics off) left unflushed
    sweeper.handler({"cadence": "minute"}, LambdaContext("sweeper"))
    document = emitted_metrics(capsys.readouterr().out)
    (directive,) = document["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == NAMESPACE
    assert directive["Dimensions"] == [["service"]] and document["service"] == SERVICE
    assert total(document[SWEEP_FAILURES]) == 1
    assert total(document["SweptItems"]) == 2


def test_tasks_that_scan_tables_run_daily_and_the_rest_every_minute() -> None:
    minute, daily = sweeper.tasks_for("minute"), sweeper.tasks_for("daily")
    assert set(daily) == sweeper.DAILY
    assert set(minute) | set(daily) == set(sweeper.TASKS)
    assert not set(minute) & set(daily)
    assert "chalicelib.booking.expiry:expire_pending_orders" in minute
    assert sweeper.tasks_for(None) == sweeper.TASKS  # the local stack's single schedule


def test_every_registered_task_is_importable() -> None:
    assert set(sweeper.load_tasks()) == set(sweeper.TASKS)
